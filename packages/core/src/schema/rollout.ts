import { z } from "zod";

/**
 * One stage of the judge (Eq. 4). Stage 1 (`toolMatch`): the judge calls a tool for the
 * rewrite and its tool names must equal the ground truth's. Stage 2 (`reasoning`): no key field
 * is missing and the text is still a user's request.
 */
export const JudgeVerdictSchema = z.looseObject({
  passed: z.boolean(),
  /** Why, in the judge's words (or the rule that decided, for rule-based judges). */
  reason: z.string(),
});
export type JudgeVerdict = z.output<typeof JudgeVerdictSchema>;

/** Both judge stages. `reasoning` is absent when stage 1 failed and stage 2 was skipped. */
export const JudgeResultSchema = z.looseObject({
  toolMatch: JudgeVerdictSchema.extend({
    /** The tool names the judge called for the rewrite. */
    calledNames: z.array(z.string()).optional(),
  }),
  reasoning: JudgeVerdictSchema.optional(),
});
export type JudgeResult = z.output<typeof JudgeResultSchema>;

/** Output-parsing modes (see core/src/parse): each mirrors one BFCL decoder. */
export const PARSE_MODES = ["prompt", "json", "hermes", "openai"] as const;

/** What the FC model answered for the rewrite, before any parsing. */
export const FcOutputSchema = z.looseObject({
  /** The raw text (or, for `openai` mode, the JSON of the message's `tool_calls`). */
  raw: z.string(),
  mode: z.enum(PARSE_MODES).optional(),
});
export type FcOutput = z.output<typeof FcOutputSchema>;

/**
 * The checker's verdict on the FC output against the ground truth.
 * `outcome` is what BFCL hides: the output decoded to a call, to no call, or failed to decode.
 */
export const CheckResultSchema = z.looseObject({
  valid: z.boolean(),
  /** BFCL's error type when not valid, e.g. `simple_function_checker:missing_required`. */
  errorType: z.string().optional(),
  /** BFCL-style error messages when not valid. */
  errors: z.array(z.string()).optional(),
  outcome: z.enum(["call", "abstain", "unparseable"]),
});
export type CheckResult = z.output<typeof CheckResultSchema>;

/**
 * The reward of one rollout, by parts. With the paper's defaults `rJudge` and `rAdv` are ±1
 * (Eq. 4, 5) and `diversity` is this rollout's share of `α · mean pairwise cosine distance`
 * (Eq. 6); `total` is what the trainer was given.
 */
export const RewardPartsSchema = z.looseObject({
  rJudge: z.number(),
  rAdv: z.number(),
  diversity: z.number().optional(),
  total: z.number(),
});
export type RewardParts = z.output<typeof RewardPartsSchema>;

/**
 * One query-model rollout: a rewrite of a seed's query with everything that was decided about
 * it. Unknown keys are kept so that newer run stores stay readable.
 */
export const RolloutSchema = z.looseObject({
  id: z.string().min(1),
  /** The seed sample's id. */
  seedId: z.string().min(1),
  /** 0-based iteration of Algorithm 1. */
  iteration: z.number().int().nonnegative(),
  /** 0-based query-model training step within the iteration. */
  step: z.number().int().nonnegative(),
  /** The rewritten user query. */
  rewrite: z.string(),
  judge: JudgeResultSchema,
  fc: FcOutputSchema,
  check: CheckResultSchema,
  reward: RewardPartsSchema,
});
export type Rollout = z.output<typeof RolloutSchema>;
