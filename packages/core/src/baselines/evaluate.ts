/**
 * Accuracy of an FC role on samples, scored by the BFCL-exact checker: how the baselines are
 * measured (the trainer's before / after numbers, tests, reports).
 */
import type { FcRole } from "../loop/roles.js";
import type { Sample } from "../schema/sample.js";
import { checkSampleOutput } from "../rewards/ground-truth.js";

/** Accuracy overall and per category. */
export interface BaselineAccuracy {
  total: number;
  correct: number;
  /** correct / total (0 when there are no samples). */
  accuracy: number;
  byCategory: Record<string, { total: number; correct: number; accuracy: number }>;
  /** Ids of the samples answered wrongly. */
  wrongIds: string[];
}

/** Answer every sample with `fc` and check each answer against its ground truth. */
export async function evaluateBaselineAccuracy(fc: FcRole, samples: readonly Sample[]): Promise<BaselineAccuracy> {
  const byCategory: BaselineAccuracy["byCategory"] = {};
  const wrongIds: string[] = [];
  let correct = 0;
  for (const sample of samples) {
    const output = await fc.answer({ sample });
    const ok = checkSampleOutput(sample, output).valid;
    const c = (byCategory[sample.category] ??= { total: 0, correct: 0, accuracy: 0 });
    c.total++;
    if (ok) {
      c.correct++;
      correct++;
    } else wrongIds.push(sample.id);
  }
  for (const c of Object.values(byCategory)) c.accuracy = c.total === 0 ? 0 : c.correct / c.total;
  return { total: samples.length, correct, accuracy: samples.length === 0 ? 0 : correct / samples.length, byCategory, wrongIds };
}
