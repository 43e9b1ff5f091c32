/**
 * A sample's ground truth in the checker's terms: the bridge between advfc's {@link Sample}
 * and BFCL's `checkCase` input, used by every reward that asks "does y equal ŷ?" (Eq. 5, 7)
 * and by the judge's first stage (tool names only).
 */
import { checkCase, isRelevanceCategory, type CheckCaseOptions } from "../check/check-case.js";
import { fromPlain, PyDict, type PyValue } from "../check/pyvalue.js";
import type { OutputMode } from "../parse/decode.js";
import { isIrrelevanceCategory, isLiveRelevanceCategory } from "../schema/category.js";
import { expectedCallToPy } from "../schema/expected-py.js";
import type { CheckResult, FcOutput } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";

/** What the ground truth asks of an answer, reduced to what stage 1 of the judge compares. */
export type ExpectedShape =
  /** Exactly these tool names, as a multiset (order-free). */
  | { kind: "calls"; names: string[] }
  /** No call at all (irrelevance). */
  | { kind: "abstain" }
  /** At least one call, any tool (BFCL `live_relevance`: no ground truth, any call passes). */
  | { kind: "any-call" };

/**
 * The shape of a sample's expected answer. Dispatches on the category first, as BFCL does:
 * irrelevance categories expect no call whatever `expected` says, `live_relevance` any call.
 */
export function expectedShape(sample: Sample): ExpectedShape {
  if (isIrrelevanceCategory(sample.category) || "abstain" in sample.expected) return { kind: "abstain" };
  if (isLiveRelevanceCategory(sample.category) || sample.expected.calls.length === 0) return { kind: "any-call" };
  return { kind: "calls", names: sample.expected.calls.map((c) => c.name) };
}

/** The checker input of a sample, less the model output: BFCL's function docs and possible answer. */
export interface SampleCheckInput {
  category: string;
  /** BFCL's `function` list (the sample's tools as Python values). */
  functions: PyValue;
  /** BFCL's `ground_truth` list (`[{name: {param: [allowed]}}]`), or null for (ir)relevance. */
  possibleAnswer: PyValue;
}

/** The sample's function docs and possible answer as `checkCase` takes them. */
export function sampleCheckInput(sample: Sample): SampleCheckInput {
  const functions = functionsOf(sample.tools);
  if (isRelevanceCategory(sample.category) || "abstain" in sample.expected) {
    return { category: sample.category, functions, possibleAnswer: null };
  }
  return { category: sample.category, functions, possibleAnswer: possibleAnswerOf(sample.expected) };
}

// The checker only reads its inputs, so the Python-value forms are memoised per tool list and per
// expected-answer object (rollouts of one seed share them): converting them is most of the cost
// of scoring a short output.
const FUNCTIONS = new WeakMap<object, PyValue>();
const POSSIBLE_ANSWERS = new WeakMap<object, PyDict[]>();

function functionsOf(tools: Sample["tools"]): PyValue {
  let f = FUNCTIONS.get(tools);
  if (f === undefined) FUNCTIONS.set(tools, (f = fromPlain(tools)));
  return f;
}

function possibleAnswerOf(expected: Extract<Sample["expected"], { calls: unknown }>): PyDict[] {
  let cached = POSSIBLE_ANSWERS.get(expected);
  if (cached !== undefined) return cached;
  const possibleAnswer = expected.calls.map((call) => {
    const args = new PyDict();
    for (const [param, options] of expectedCallToPy(call)) args.set(param, options);
    const entry = new PyDict();
    entry.set(call.name, args);
    return entry;
  });
  POSSIBLE_ANSWERS.set(expected, (cached = possibleAnswer));
  return cached;
}

/**
 * Check a model output against a sample's ground truth exactly as BFCL does (y = ŷ in Eq. 5
 * and 7). `output.raw` is the text the model produced, or for `openai` mode the JSON of its
 * `tool_calls` (or its text when it called nothing). `mode` defaults to `output.mode`, else
 * `openai`.
 */
export function checkSampleOutput(sample: Sample, output: FcOutput, options: CheckCaseOptions & { mode?: OutputMode } = {}): CheckResult {
  const { mode: modeOption, ...checkOptions } = options;
  const mode: OutputMode = modeOption ?? output.mode ?? "openai";
  const r = checkCase({ ...sampleCheckInput(sample), modelOutput: output.raw, mode }, checkOptions);
  return {
    valid: r.valid,
    ...(r.errorType !== null ? { errorType: r.errorType } : {}),
    ...(r.valid ? {} : { errors: r.errors }),
    outcome: r.outcome,
  };
}
