/**
 * The FC model's reward, R_F (paper Eq. 7):
 *
 *   R_F = +1 if y = ŷ, else −1,
 *
 * where y = ŷ is BFCL's verdict (core/src/check) on the FC model's output for the (rewritten)
 * sample. The opposite sign of r_adv's FC term makes the game zero-sum.
 */
import type { CheckCaseOptions } from "../check/check-case.js";
import type { ChatResponse } from "../models/chat-model.js";
import type { OutputMode } from "../parse/decode.js";
import type { CheckResult, FcOutput } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";
import { checkSampleOutput } from "./ground-truth.js";

/** Values of R_F. */
export interface FcRewardValues {
  /** The output matches the ground truth. @default 1 */
  match?: number;
  /** It does not (wrong call, wrong arguments, unparseable, a call where none was due…). @default -1 */
  mismatch?: number;
}

/** R_F (Eq. 7) from the checker's verdict. */
export function fcReward(correct: boolean, values: FcRewardValues = {}): number {
  return correct ? (values.match ?? 1) : (values.mismatch ?? -1);
}

/** R_F of one output, with the checker's full result. */
export function scoreFcOutput(
  sample: Sample,
  output: FcOutput,
  options: CheckCaseOptions & { mode?: OutputMode; values?: FcRewardValues } = {},
): { reward: number; check: CheckResult } {
  const { values, ...checkOptions } = options;
  const check = checkSampleOutput(sample, output, checkOptions);
  return { reward: fcReward(check.valid, values), check };
}

/**
 * The FC output of a chat response, as the checker reads it. `mode` is how the FC model was
 * asked: `openai` (tools through the API; `raw` is the JSON of `tool_calls`, or the text when it
 * called nothing) or a prompt-mode decoder (`raw` is the text).
 * @default mode "openai"
 */
export function fcOutputFromResponse(response: ChatResponse, mode: OutputMode = "openai"): FcOutput {
  if (mode === "openai") {
    const raw = response.toolCalls.length > 0 ? JSON.stringify(response.toolCalls.map((c) => ({ function: { name: c.function.name, arguments: c.function.arguments } }))) : response.content;
    return { raw, mode };
  }
  return { raw: response.content, mode };
}
