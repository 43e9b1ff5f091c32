/**
 * The baseline judge: rule-based r_judge (paper Eq. 4) so the loop runs offline. An honest
 * baseline, not a stand-in for the paper's Qwen3-32B judge.
 *
 * Stage 1 (`toolMatch`): a {@link LexicalFunctionCaller} fitted on all seeds answers the rewrite;
 * the multiset of tool names it calls must equal the ground truth's (no call for abstaining
 * samples, any call for `live_relevance`), as in the model judge.
 * Stage 2 (`reasoning`): every ground-truth value the seed states is still recoverable from the
 * rewrite (recoverable.ts), the rewrite is in the user's voice (no "Sure, here is", "As an AI",
 * "I will call", "Rewritten query:" leftovers…), and its length is sane.
 */
import type { JudgeDecision, JudgeRequest, JudgeRole, RoleKind } from "../loop/roles.js";
import { seedQuery } from "../loop/prompts.js";
import { expectedShape, type ExpectedShape } from "../rewards/ground-truth.js";
import { JudgeStats } from "../rewards/judge.js";
import type { JudgeResult } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";
import { baselineRewrittenSample, LexicalFunctionCaller } from "./lexical-fc.js";
import { missingValues } from "./recoverable.js";

/** Options of {@link BaselineJudge}. */
export interface BaselineJudgeOptions {
  /**
   * The seeds stage 1's function caller is fitted on (pass all of them: stage 1 should know
   * every seed's tools). Without seeds (and without `fc`) stage 1 runs the caller's hand-set
   * starting weights only, a much weaker judge.
   * @default []
   */
  seeds?: readonly Sample[];
  /** Shown in run manifests and reports. @default "baseline:rule-judge" */
  name?: string;
  /** Use this (already fitted) caller for stage 1 instead of fitting one on `seeds`. @default undefined */
  fc?: LexicalFunctionCaller;
  /** r_judge values. @default { pass: 1, fail: -1 } */
  rewards?: { pass?: number; fail?: number };
  /** Longest rewrite, as a multiple of the seed query's length. @default 4 */
  maxLengthRatio?: number;
  /** Shortest rewrite, in characters. @default 3 */
  minLength?: number;
  /** Accumulates pass rates. @default a new {@link JudgeStats} */
  stats?: JudgeStats;
}

/** Phrases that give a rewrite away as the assistant speaking, or as a model's leftovers. */
export const BASELINE_ASSISTANT_VOICE: readonly RegExp[] = [
  /^\s*(?:sure|certainly|of course|absolutely)[,!.]?\s+(?:here|i\b|i'll|i will|let me)/i,
  /\bas an ai\b/i,
  /\bi (?:will|'ll|am going to|shall) (?:now )?call\b/i,
  /\b(?:rewritten|rephrased|paraphrased) (?:query|request|version|message|prompt)\s*[:\-]/i,
  /^\s*(?:here is|here's) (?:the|a|your|my) (?:rewritten|rephrased|new|revised)\b/i,
  /\bthe user (?:wants|is asking|asks|would like|requests)\b/i,
  /<tool_call>|<\/?think>/i,
  /^\s*\[?\s*[A-Za-z_][\w.]*\(\s*\w+\s*=/,
  /\bI (?:can(?:not|'t)|am unable to) (?:help|assist) with\b/i,
];

/** The rule-based baseline judge (see the module comment). */
export class BaselineJudge implements JudgeRole {
  readonly kind: RoleKind = "baseline";
  readonly name: string;
  readonly stats: JudgeStats;
  /** Stage 1's function caller. */
  readonly fc: LexicalFunctionCaller;
  private readonly pass: number;
  private readonly fail: number;
  private readonly maxRatio: number;
  private readonly minLength: number;

  constructor(options: BaselineJudgeOptions) {
    this.name = options.name ?? "baseline:rule-judge";
    this.pass = options.rewards?.pass ?? 1;
    this.fail = options.rewards?.fail ?? -1;
    this.maxRatio = options.maxLengthRatio ?? 4;
    this.minLength = options.minLength ?? 3;
    this.stats = options.stats ?? new JudgeStats();
    if (options.fc) this.fc = options.fc;
    else {
      this.fc = new LexicalFunctionCaller({ name: "baseline:lexical-fc(judge)" });
      if (options.seeds !== undefined && options.seeds.length > 0) this.fc.fit(options.seeds);
    }
  }

  async judge(request: JudgeRequest): Promise<JudgeDecision> {
    return this.judgeSync(request.sample, request.rewrite);
  }

  /** `judge` without the promise. */
  judgeSync(sample: Sample, rewrite: string): JudgeDecision {
    const toolMatch = this.toolMatch(sample, rewrite);
    const result: JudgeResult = { toolMatch };
    if (toolMatch.passed) result.reasoning = this.reasoning(sample, rewrite);
    const passed = toolMatch.passed && result.reasoning?.passed === true;
    this.stats.add(result);
    return { result, passed, rJudge: passed ? this.pass : this.fail };
  }

  private toolMatch(sample: Sample, rewrite: string): JudgeResult["toolMatch"] {
    const names = this.fc.predict(baselineRewrittenSample(sample, rewrite)).calls.map((c) => c.name);
    return compareBaselineNames(names, expectedShape(sample));
  }

  private reasoning(sample: Sample, rewrite: string): NonNullable<JudgeResult["reasoning"]> {
    const seed = seedQuery(sample);
    const problems: string[] = [];
    const missing = missingValues(sample, rewrite);
    if (missing.length > 0) problems.push(`values missing: ${missing.map((m) => `${m.call}.${m.param}=${JSON.stringify(m.value)}`).join(", ")}`);
    const trimmed = rewrite.trim();
    if (trimmed.length < this.minLength) problems.push(`too short (${trimmed.length} characters)`);
    if (trimmed.length > this.maxRatio * Math.max(seed.length, 1)) problems.push(`too long (${trimmed.length} characters, seed ${seed.length})`);
    const keepsKeyFields = problems.length === 0;
    const voice = BASELINE_ASSISTANT_VOICE.find((re) => re.test(rewrite));
    if (voice) problems.push(`not the user's voice (matches ${voice.source})`);
    const userPerspective = voice === undefined;
    const passed = problems.length === 0;
    return { passed, reason: passed ? "every stated value is kept; the user's voice; sane length" : problems.join("; "), keepsKeyFields, userPerspective };
  }
}

/** Stage 1's comparison: the multiset of called names against the expected shape. */
export function compareBaselineNames(names: readonly string[], shape: ExpectedShape): JudgeResult["toolMatch"] {
  const list = `[${names.join(", ")}]`;
  switch (shape.kind) {
    case "abstain":
      return names.length === 0
        ? { passed: true, reason: "called no tool, as expected", calledNames: [...names] }
        : { passed: false, reason: `called ${list} but the sample expects no call`, calledNames: [...names] };
    case "any-call":
      return names.length > 0
        ? { passed: true, reason: `called ${list}; any call is relevant`, calledNames: [...names] }
        : { passed: false, reason: "called no tool but the sample expects a call", calledNames: [...names] };
    case "calls": {
      const a = [...names].sort();
      const b = [...shape.names].sort();
      const same = a.length === b.length && a.every((n, i) => n === b[i]);
      return same
        ? { passed: true, reason: `called ${list}, the ground truth's tools`, calledNames: [...names] }
        : { passed: false, reason: `called ${list} but the ground truth calls [${shape.names.join(", ")}]`, calledNames: [...names] };
    }
  }
}
