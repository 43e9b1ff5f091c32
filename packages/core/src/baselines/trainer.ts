/**
 * FC trainers of the offline loop: `baseline` refits a copy of the lexical function caller on
 * the iteration's bad cases plus the seeds (Algorithm 1's FC update, weight-free); `none` keeps
 * the FC model as it is (attack-only runs).
 */
import type { FcTrainer, TrainRequest, TrainResult } from "../loop/roles.js";
import type { Sample } from "../schema/sample.js";
import { evaluateBaselineAccuracy } from "./evaluate.js";
import { LexicalFunctionCaller, type LexicalFitOptions } from "./lexical-fc.js";

/** Options of {@link BaselineFcTrainer}. */
export interface BaselineFcTrainerOptions {
  /** How many times each bad case is repeated in the training data (they are few). @default 2 */
  badCaseWeight?: number;
  /** Passed to {@link LexicalFunctionCaller.fit}. @default {} (its defaults) */
  fit?: LexicalFitOptions;
}

/** Refits the baseline lexical function caller on bad cases + seeds. */
export class BaselineFcTrainer implements FcTrainer {
  readonly name = "baseline";
  private readonly weight: number;
  private readonly fitOptions: LexicalFitOptions;

  constructor(options: BaselineFcTrainerOptions = {}) {
    this.weight = Math.max(1, Math.floor(options.badCaseWeight ?? 2));
    this.fitOptions = options.fit ?? {};
  }

  async train(request: TrainRequest): Promise<TrainResult> {
    const { fc, badCases, seeds } = request;
    const bad: Sample[] = badCases.map((b) => b.sample);
    // Any other FC role cannot be refitted here: start from a fresh lexical model, and say so.
    const startedFresh = !(fc instanceof LexicalFunctionCaller);
    const next = fc instanceof LexicalFunctionCaller ? fc.clone() : new LexicalFunctionCaller();
    request.onProgress?.(`baseline trainer: ${bad.length} bad cases ×${this.weight} + ${seeds.length} seeds`);
    const before = await evaluateBaselineAccuracy(fc, bad);
    request.signal?.throwIfAborted();
    const data = [...Array.from({ length: this.weight }, () => bad).flat(), ...seeds];
    const fit = next.fit(data, this.fitOptions);
    const after = await evaluateBaselineAccuracy(next, bad);
    request.onProgress?.(`baseline trainer: bad-case accuracy ${fmt(before.accuracy)} → ${fmt(after.accuracy)}`);
    return {
      fc: next,
      summary: {
        trainer: this.name,
        iteration: request.iteration,
        startedFresh,
        badCases: bad.length,
        seeds: seeds.length,
        examples: data.length,
        pairs: fit.pairs,
        epochs: fit.epochs,
        finalLoss: fit.finalLoss,
        slotUpdates: fit.slotUpdates,
        badCaseAccuracyBefore: before.accuracy,
        badCaseAccuracyAfter: after.accuracy,
      },
    };
  }
}

/** Keeps the FC model unchanged. */
export class NoneTrainer implements FcTrainer {
  readonly name = "none";

  async train(request: TrainRequest): Promise<TrainResult> {
    return { fc: request.fc, summary: { trainer: this.name, iteration: request.iteration, badCases: request.badCases.length } };
  }
}

function fmt(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
