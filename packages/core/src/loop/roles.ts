/**
 * The three roles of Algorithm 1 as the loop sees them, whatever runs behind them: an
 * OpenAI-compatible model (through `ChatModel` + the prompts and the two-stage judge) or a
 * weight-free baseline that runs in-process. The loop (`iteration.ts`) only talks to these
 * interfaces; `FcTrainer` is how the FC model is updated between iterations (baseline `fit`, or
 * the verl trainers of @advfc/trainer-bridge).
 */
import type { FcOutput, JudgeResult } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";
import type { BadCase } from "../schema/bad-case.js";

/** Which implementation a role runs on; stored in run manifests and shown in reports. */
export type RoleKind = "openai" | "baseline";

export interface RewriteRequest {
  /** The seed sample whose (last) user query is rewritten. */
  sample: Sample;
  iteration: number;
  step: number;
  /** Which of the seed's rewrites this is in the step (0-based), for seeded randomness. */
  index: number;
  signal?: AbortSignal;
}

export type RewriteResult =
  | {
      ok: true;
      rewrite: string;
      /** The operator / strategy that produced it (baseline policies), for bandit updates and reports. */
      operator?: string;
      /** The raw model reply, when a model produced it. */
      raw?: string;
    }
  | { ok: false; reason: string; raw?: string };

/** Reward feedback for one rollout after a step (Eq. 5 + the diversity share). */
export interface RewriteFeedback {
  operator?: string;
  /** r_adv (Eq. 5). */
  rAdv: number;
  /** The query model's training reward r_adv + α·share_i. */
  reward: number;
}

/** πQ: rewrites seed queries. */
export interface QueryRole {
  readonly name: string;
  readonly kind: RoleKind;
  rewrite(request: RewriteRequest): Promise<RewriteResult>;
  /**
   * Learns from one step's rewards (the baseline's bandit). Model-backed query roles are trained
   * outside the loop (verl) and leave this out.
   */
  update?(feedback: readonly RewriteFeedback[]): void;
  /** JSON-serialisable learner state, saved per step so a resumed run continues identically. */
  saveState?(): unknown;
  restoreState?(state: unknown): void;
}

export interface JudgeRequest {
  sample: Sample;
  rewrite: string;
  signal?: AbortSignal;
}

/** Eq. 4: both stages' verdicts and r_judge (the shape `TwoStageJudge.judge` returns). */
export interface JudgeDecision {
  result: JudgeResult;
  passed: boolean;
  rJudge: number;
}

/** The judge: stage 1 (tool names) then stage 2 (key fields, user's voice). */
export interface JudgeRole {
  readonly name: string;
  readonly kind: RoleKind;
  judge(request: JudgeRequest): Promise<JudgeDecision>;
}

export interface FcRequest {
  /** The sample with its last user message replaced by the rewrite (or the seed itself, for evals). */
  sample: Sample;
  signal?: AbortSignal;
}

/** πF: the function-calling model under attack. Its output is checked by the BFCL-exact checker. */
export interface FcRole {
  readonly name: string;
  readonly kind: RoleKind;
  /** `mode` on the output says how to decode it (prompt / json / hermes / openai). */
  answer(request: FcRequest): Promise<FcOutput>;
}

export interface TrainRequest {
  /** The FC model as it is now. */
  fc: FcRole;
  /** This iteration's bad cases (and, for trainers that want them, earlier ones). */
  badCases: readonly BadCase[];
  /** The seed samples (the paper trains on bad cases + seeds). */
  seeds: readonly Sample[];
  iteration: number;
  /** A folder of this iteration in the run directory where the trainer may write its artefacts. */
  workDir: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface TrainResult {
  /** The FC model to use from the next iteration on. */
  fc: FcRole;
  /** What the trainer did, for the run store and reports (JSON-serialisable). */
  summary: Record<string, unknown>;
}

/**
 * Updates πF between iterations: `none` (keeps it), `baseline` (refits the lexical function
 * caller), and the verl PPO / SFT / LoRA trainers of @advfc/trainer-bridge.
 */
export interface FcTrainer {
  readonly name: string;
  train(request: TrainRequest): Promise<TrainResult>;
}
