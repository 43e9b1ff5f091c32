/**
 * The two scorers behind `POST /score`.
 *
 * - Role `fc` (πF's PPO reward, Eq. 7): the solution string is the FC model's answer; it is
 *   decoded in the item's `mode` and checked BFCL-exactly against the ground truth → R_F = ±1.
 * - Role `query` (πQ's reward, Eq. 5 + Eq. 6): the solution string is the query model's reply; the
 *   rewrite is parsed out of it, judged (Eq. 4), answered by the FC role, checked → r_adv; then
 *   the whole batch's rewrites are embedded and each item gets r_adv + α·share_i. This is why
 *   verl's batch reward manager is used: the diversity share needs every rewrite of the batch.
 */
import {
  adversarialReward,
  parseRewriteReply,
  queryModelRewards,
  rewrittenMessages,
  scoreFcOutput,
  type CheckResult,
  type FcOutput,
  type FcRole,
  type JudgeResult,
  type JudgeRole,
  type Rollout,
  type Sample,
} from "@advfc/core";
import type { ScoreItem, ScoreResult } from "./protocol.js";

/** The embedder the query scorer needs (structurally @advfc/native-embed's `Embedder`). */
export interface RewriteEmbedder {
  readonly dim: number;
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array>;
}

/** A scored item: what goes back to verl, and (role query) the rollout to store. */
export interface ScoredItem {
  result: ScoreResult;
  rollout?: Rollout & { failure?: { stage: string; reason: string }; dataSource: string };
  /** The sample the FC model was asked (role query), for bad cases. */
  asked?: Sample;
}

/** What a scorer returns for one batch. */
export interface ScoredBatch {
  items: ScoredItem[];
  /** Mean of the quantity early stop watches: R_F (role fc) or r_adv (role query, Eq. 5). */
  meanWatched: number;
  /** Mean of `score`. */
  meanScore: number;
  /** D of Eq. 6 (role query). */
  diversity?: number;
}

export interface BatchContext {
  /** The step the batch is counted as (rollout ids and records). */
  step: number;
  signal?: AbortSignal;
}

export interface Scorer {
  readonly role: "fc" | "query";
  score(items: readonly ScoreItem[], ctx: BatchContext): Promise<ScoredBatch>;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function checkFields(check: CheckResult): Record<string, string | boolean> {
  return { valid: check.valid, outcome: check.outcome, error_type: check.errorType ?? "" };
}

/** Options of {@link FcScorer}. */
export interface FcScorerOptions {
  /** Drop `<think>…</think>` before decoding (Qwen3-style reasoning). @default true */
  stripThink?: boolean;
}

/** Role fc: R_F (Eq. 7) per item; no model calls, synchronous work. */
export class FcScorer implements Scorer {
  readonly role = "fc" as const;
  private readonly stripThink: boolean;
  constructor(options: FcScorerOptions = {}) {
    this.stripThink = options.stripThink ?? true;
  }

  async score(items: readonly ScoreItem[]): Promise<ScoredBatch> {
    const out = items.map((it): ScoredItem => {
      const { reward, check } = scoreFcOutput(it.sample, { raw: it.solution, mode: it.mode }, { mode: it.mode, stripThink: this.stripThink });
      return { result: { score: reward, r_f: reward, ...checkFields(check) } };
    });
    const m = mean(out.map((o) => o.result.score));
    return { items: out, meanWatched: m, meanScore: m };
  }
}

/** Options of {@link QueryScorer}. */
export interface QueryScorerOptions {
  judge: JudgeRole;
  fc: FcRole;
  embedder: RewriteEmbedder;
  /** α of Eq. 6. @default 0.05 */
  alpha?: number;
  /** Run name, the prefix of rollout ids. @default "reward" */
  name?: string;
}

const NOT_ASKED: CheckResult = { valid: false, outcome: "unparseable", errorType: "not_asked" };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Role query: rewrite → judge → FC → check → r_adv per item (items in parallel; the roles cap
 * their own concurrency), then the batch's diversity shares. A role error fails that item only
 * (r_adv = −1, `failure` recorded), never the batch.
 */
export class QueryScorer implements Scorer {
  readonly role = "query" as const;
  constructor(private readonly options: QueryScorerOptions) {}

  async score(items: readonly ScoreItem[], ctx: BatchContext): Promise<ScoredBatch> {
    const { judge, fc, embedder } = this.options;
    const name = this.options.name ?? "reward";
    const sig = ctx.signal ? { signal: ctx.signal } : {};
    const rollouts = await Promise.all(
      items.map(async (it): Promise<{ rollout: NonNullable<ScoredItem["rollout"]>; asked?: Sample; embed: boolean }> => {
        const seed = it.sample;
        const base = { id: `${name}-s${ctx.step}-${it.index}`, seedId: seed.id, iteration: 0, step: ctx.step, dataSource: it.dataSource };
        const fail = (stage: string, reason: string, rewrite: string, judgeResult: JudgeResult, rJudge: number) => ({
          rollout: { ...base, rewrite, judge: judgeResult, fc: { raw: "" }, check: NOT_ASKED, reward: { rJudge, rAdv: adversarialReward({ judgePassed: false }), total: 0 }, failure: { stage, reason } },
          embed: stage !== "rewrite",
        });
        const parsed = parseRewriteReply(it.solution);
        if (!parsed.ok) return fail("rewrite", parsed.reason, "", { toolMatch: { passed: false, reason: `no rewrite: ${parsed.reason}` } }, -1);
        const rewrite = parsed.rewrite;
        let d;
        try {
          d = await judge.judge({ sample: seed, rewrite, ...sig });
        } catch (e) {
          if (ctx.signal?.aborted) throw e;
          return fail("judge", `judge role error: ${message(e)}`, rewrite, { toolMatch: { passed: false, reason: `judge role error: ${message(e)}` } }, -1);
        }
        if (!d.passed) return { rollout: { ...base, rewrite, judge: d.result, fc: { raw: "" }, check: NOT_ASKED, reward: { rJudge: d.rJudge, rAdv: adversarialReward({ judgePassed: false }), total: 0 } }, embed: true };
        const asked: Sample = { ...seed, messages: rewrittenMessages(seed, rewrite) };
        let out: FcOutput;
        try {
          out = await fc.answer({ sample: asked, ...sig });
        } catch (e) {
          if (ctx.signal?.aborted) throw e;
          return fail("fc", `FC role error: ${message(e)}`, rewrite, d.result, d.rJudge);
        }
        const { check } = scoreFcOutput(seed, out, { stripThink: out.stripThink === true });
        const rAdv = adversarialReward({ judgePassed: true, fcCorrect: check.valid });
        return { rollout: { ...base, rewrite, judge: d.result, fc: out, check, reward: { rJudge: d.rJudge, rAdv, total: 0 } }, asked, embed: true };
      }),
    );
    // Eq. 6 over the rewrites that exist (failed rewrites: share 0, left out of D).
    const texts: string[] = [];
    const rowOf = rollouts.map((r) => (r.embed ? texts.push(r.rollout.rewrite) - 1 : -1));
    const emb = texts.length > 0 ? await embedder.embed(texts, sig) : new Float32Array(0);
    const dim = embedder.dim;
    const q = await queryModelRewards(
      rollouts.map((r, i) => ({ rJudge: r.rollout.reward.rJudge, rAdv: r.rollout.reward.rAdv, embedding: rowOf[i]! < 0 ? null : emb.subarray(rowOf[i]! * dim, (rowOf[i]! + 1) * dim) })),
      dim,
      this.options.alpha !== undefined ? { alpha: this.options.alpha } : {},
    );
    const scored = rollouts.map((r, i): ScoredItem => {
      const reward = q.rewards[i]!;
      r.rollout.reward = reward;
      const result: ScoreResult = {
        score: reward.total,
        r_judge: reward.rJudge,
        r_adv: reward.rAdv,
        diversity: reward.diversity ?? 0,
        ...checkFields(r.rollout.check),
        failure: r.rollout.failure?.stage ?? "",
      };
      return { result, rollout: r.rollout, ...(r.asked ? { asked: r.asked } : {}) };
    });
    return { items: scored, meanWatched: mean(scored.map((s) => s.result.r_adv as number)), meanScore: q.meanTotal, diversity: q.batch.meanDistance };
  }
}
