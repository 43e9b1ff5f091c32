/**
 * Algorithm 1 end to end. Per iteration k:
 *
 * 1. Query phase (lines 4–11), one step at a time until early stop: draw B seeds from the
 *    curriculum's stage for k; for each seed × `rewrites_per_seed`: rewrite (πQ) → judge stage 1
 *    → stage 2 (Eq. 4) → the FC model answers (πF,k) → BFCL-exact check → r_adv (Eq. 5). The
 *    stages of one rewrite are pipelined: each proceeds as soon as its previous stage is done,
 *    never batched behind the slowest request of the step, with one global cap on role calls in
 *    flight. Then the step's diversity shares (Eq. 6: embed the rewrites, α · rowDiversity),
 *    the query rewards r_adv + α·share, `query.update(feedback)`, bad-case collection with
 *    deduplication, step metrics, and the early-stop controller.
 * 2. FC phase (lines 12–13): evaluate πF,k on the eval split and on the iteration's bad cases,
 *    train it on the bad cases (+ seeds) → πF,k+1, evaluate again.
 *
 * The early-stop controller is fed the step's mean r_adv (Eq. 5), the paper's R_Q: the
 * diversity term is a regulariser of the objective and its share varies with the batch's
 * composition, and mean r_adv alone is what "the query model has converged on the FC model's
 * weaknesses" means. (Feeding mean r_adv + α·D would move the stop by at most α·2 = 0.1, half
 * of ε.) The step's mean total reward is recorded next to it.
 *
 * The FC model is asked only about judge-valid rewrites: r_adv is −1 whatever it answers for
 * the others (Eq. 5), so those calls would be wasted.
 *
 * Resume: see run-store.ts for the commit protocol. Everything a step depends on is restored
 * from the last committed steps line: the early-stop controller's state, the query role's
 * learner state (`saveState`), and the curriculum sampler's position (its seed and iteration
 * are fixed by the config; the sampler is replayed for the recorded number of draws). The bad-
 * case collector's memory (for deduplication) is rebuilt from the committed bad cases. A step
 * redone after a crash therefore produces the same records as the lost attempt would have, as
 * long as the roles are deterministic given their state (the baselines are).
 */
import { join } from "node:path";
import type { Embedder } from "@advfc/native-embed";
import { AdvfcError } from "../errors.js";
import { Semaphore } from "../models/limiter.js";
import { adversarialReward } from "../rewards/adversarial.js";
import { queryModelRewards } from "../rewards/diversity.js";
import { scoreFcOutput } from "../rewards/fc.js";
import type { BadCase } from "../schema/bad-case.js";
import type { CheckResult, FcOutput, JudgeResult, Rollout } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";
import { BadCaseCollector, DROP_REASONS, type DropReason } from "./collector.js";
import { configCurriculum, type RunConfig } from "./config.js";
import { StageSampler } from "./curriculum.js";
import { EarlyStopController, type EarlyStopDecision, type EarlyStopState } from "./early-stop.js";
import { rewrittenMessages } from "./prompts.js";
import type { FcRole, FcTrainer, JudgeDecision, JudgeRole, QueryRole, RewriteFeedback, RewriteResult } from "./roles.js";
import { IterationLog, readJsonIfExists, writeJsonAtomic, type RunStore, type StepLine } from "./run-store.js";

/** The roles of one run. */
export interface LoopRoles {
  query: QueryRole;
  judge: JudgeRole;
  fc: FcRole;
}

/** A rollout as stored: the schema's fields plus where it failed and how long each stage took. */
export type LoopRollout = Rollout & {
  /** Position in the step: seed b of the batch × rewrites_per_seed + r. */
  slot: number;
  /** The strategy that produced the rewrite (baseline operators). */
  operator?: string;
  /** The query model's raw reply, when a model produced it. */
  queryRaw?: string;
  /** The stage that failed (no rewrite, judge or FC request error); such rollouts are never bad cases. */
  failure?: { stage: "rewrite" | "judge" | "fc"; reason: string };
  /** Stage wall times, ms (not part of the result: excluded when runs are compared). */
  timing: { rewriteMs: number; judgeMs: number; fcMs: number };
};

/** One committed step's metrics and resume state (a line of steps.jsonl). */
export interface StepRecord extends StepLine {
  stage: string;
  /** The FC model attacked in the step (πF,k). */
  fc: string;
  /** Seeds drawn in the step (B). */
  seeds: number;
  failures: { rewrite: number; judge: number; fc: number };
  judged: number;
  stage1: { passed: number; rate: number };
  stage2: { evaluated: number; passed: number; rate: number };
  /** Rewrites with r_judge = +1. */
  judgeValid: number;
  /** FC answers checked (judge-valid rewrites without an FC failure). */
  fcAnswered: number;
  fcCorrect: number;
  /** Bad cases before deduplication (judge-valid, FC wrong). */
  candidates: number;
  dropped: Record<DropReason, number>;
  /** Attack success rate: candidates / judge-valid (0 when none is judge-valid). */
  asr: number;
  /** D of Eq. 6 over the step's rewrites. */
  diversity: number;
  meanRAdv: number;
  /** Mean r_adv + α·share (the query model's objective). */
  meanReward: number;
  earlyStop: EarlyStopDecision;
  /** Everything a resumed run needs. */
  state: {
    earlyStop: EarlyStopState;
    query: unknown;
    /** The curriculum sampler: (seed, iteration) from the config, replayed for `draws` samples. */
    sampler: { seed: number; iteration: number; draws: number };
  };
  time: { startedAt: string; wallMs: number };
}

/** FC accuracy on a set of samples. */
export interface FcAccuracy {
  n: number;
  correct: number;
  /** correct / n (0 when n = 0). */
  accuracy: number;
  /** FC requests that failed (counted as wrong). */
  errors: number;
  byCategory: Record<string, { n: number; correct: number }>;
}

/** iter-<k>/eval.json */
export interface IterationEval {
  iteration: number;
  evalSplit: { before: FcAccuracy; after: FcAccuracy };
  badCases: { before: FcAccuracy; after: FcAccuracy };
  fcBefore: string;
  fcAfter: string;
  wallMs: number;
}

/** iter-<k>/train.json */
export interface IterationTrain {
  iteration: number;
  trainer: string;
  badCases: number;
  seeds: number;
  fc: string;
  /** The trained FC role's state was saved to fc-state.json. */
  fcState: boolean;
  summary: Record<string, unknown>;
  /** The query model's training of the iteration (`roles.query.train: verl-ppo`): what its query phase returned. */
  query?: Record<string, unknown>;
  wallMs: number;
}

/** Progress events. */
export type LoopEvent =
  | { type: "step"; record: StepRecord; totalRollouts: number }
  | { type: "phase"; iteration: number; phase: "query" | "eval-before" | "train" | "eval-after" | "done"; message: string }
  | { type: "resume"; iteration: number; steps: number; droppedRecords: number; droppedBytes: number; badCases: number }
  | { type: "warning"; message: string };

/** What a {@link QueryPhase} gets: the iteration, its curriculum stage's seeds, the roles as they are now. */
export interface QueryPhaseContext {
  config: RunConfig;
  iteration: number;
  /** The curriculum stage of the iteration and the seeds it draws from. */
  stage: { name: string; seeds: readonly Sample[] };
  /** πQ, the judge and πF,k of this iteration. */
  roles: LoopRoles;
  embedder: Embedder;
  /** iter-<k> of the run directory: the query phase commits its rollouts, bad cases and steps there (run-store format). */
  workDir: string;
  signal?: AbortSignal;
  onProgress: (message: string) => void;
}

/** What a {@link QueryPhase} leaves: the bad cases it committed to iter-<k>, and what it did. */
export interface QueryPhaseResult {
  /** Every bad case committed to iter-<k>/bad-cases.jsonl (the FC phase trains on them). */
  badCases: BadCase[];
  /** Rollouts committed to iter-<k>/rollouts.jsonl in all. */
  rollouts: number;
  /** Steps committed to iter-<k>/steps.jsonl. */
  steps: number;
  /** The query role from the next iteration on (e.g. the trained model, served). */
  query?: QueryRole;
  /** Recorded in iter-<k>/train.json as `query` (JSON-serialisable). */
  summary: Record<string, unknown>;
}

/**
 * Replaces the step loop of an iteration's query phase (`roles.query.train: verl-ppo`: a verl
 * PPO run of the query model whose reward server scores and commits the rollouts). Injected by
 * the CLI (@advfc/trainer-bridge), so core does not depend on it.
 */
export type QueryPhase = (context: QueryPhaseContext) => Promise<QueryPhaseResult>;

/** Options of {@link runLoop}. */
export interface RunLoopOptions {
  config: RunConfig;
  store: RunStore;
  /** Training seeds (the curriculum draws from them). */
  seeds: readonly Sample[];
  /** The held-out eval split. */
  evalSamples: readonly Sample[];
  roles: LoopRoles;
  trainer: FcTrainer;
  embedder: Embedder;
  /**
   * Rebuilds a trained FC role from the state its `saveState()` returned (resume after an
   * iteration's training). Without it, or when the role had no state, the training is redone.
   */
  restoreFc?: (state: unknown, iteration: number) => FcRole | Promise<FcRole>;
  /** Replaces the step loop of every iteration's query phase (see {@link QueryPhase}). */
  queryPhase?: QueryPhase;
  /** Graceful stop: the current step is finished and committed, then the loop returns. */
  stopSignal?: AbortSignal;
  /** Hard abort: passed to every role call; the current step is lost (and redone on resume). */
  signal?: AbortSignal;
  onEvent?: (event: LoopEvent) => void;
}

/** How {@link runLoop} ended. */
export interface RunLoopResult {
  status: "finished" | "interrupted";
  /** Iterations fully done (query phase, training, evaluation). */
  iterationsDone: number;
  fc: FcRole;
  badCases: number;
  rollouts: number;
}

/** An FC role whose state can be saved (duck-typed: the role contract leaves it optional). */
interface StatefulFc extends FcRole {
  saveState(): unknown;
}
function isStateful(fc: FcRole): fc is StatefulFc {
  return typeof (fc as Partial<StatefulFc>).saveState === "function";
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs `fn` holding one slot of the global in-flight cap. */
async function limited<T>(sem: Semaphore, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  await sem.acquire(signal);
  try {
    return await fn();
  } finally {
    sem.release();
  }
}

const NOT_ASKED: CheckResult = { valid: false, outcome: "unparseable", errorType: "not_asked" };

/**
 * FC accuracy on `samples` (each checked BFCL-exactly against its ground truth), at most
 * `concurrency` requests in flight.
 */
export async function evaluateFc(fc: FcRole, samples: readonly Sample[], options: { concurrency?: number; signal?: AbortSignal } = {}): Promise<FcAccuracy> {
  const sem = new Semaphore(options.concurrency ?? 64);
  const signal = options.signal;
  const results = await Promise.all(
    samples.map(async (s) => {
      try {
        const out = await limited(sem, signal, () => fc.answer({ sample: s, ...(signal ? { signal } : {}) }));
        return { category: s.category, ok: scoreFcOutput(s, out, { stripThink: out.stripThink === true }).check.valid, error: false };
      } catch (e) {
        if (signal?.aborted) throw e;
        return { category: s.category, ok: false, error: true };
      }
    }),
  );
  const byCategory: Record<string, { n: number; correct: number }> = {};
  let correct = 0;
  let errors = 0;
  for (const r of results) {
    const c = (byCategory[r.category] ??= { n: 0, correct: 0 });
    c.n++;
    if (r.ok) {
      c.correct++;
      correct++;
    }
    if (r.error) errors++;
  }
  return { n: samples.length, correct, accuracy: samples.length === 0 ? 0 : correct / samples.length, errors, byCategory };
}

interface SlotInput {
  seed: Sample;
  slot: number;
  index: number;
}

/** One rollout through rewrite → judge → FC → check; never throws but on abort. */
async function runSlot(ctx: { config: RunConfig; roles: LoopRoles; sem: Semaphore; signal: AbortSignal | undefined; iteration: number; step: number }, input: SlotInput): Promise<{ rollout: LoopRollout; operator?: string }> {
  const { roles, sem, signal, iteration, step } = ctx;
  const { seed, slot, index } = input;
  const id = `${ctx.config.name}-i${iteration}-s${step}-${seed.id}-${slot}`;
  const sig = signal ? { signal } : {};
  const timing = { rewriteMs: 0, judgeMs: 0, fcMs: 0 };
  const base = { id, seedId: seed.id, iteration, step, slot };
  const failed = (stage: "rewrite" | "judge" | "fc", reason: string, rewrite: string, judge: JudgeResult, rJudge: number, extra: Partial<LoopRollout> = {}): LoopRollout => ({
    ...base,
    rewrite,
    judge,
    fc: { raw: "" },
    check: NOT_ASKED,
    reward: { rJudge, rAdv: adversarialReward({ judgePassed: false }), total: 0 },
    failure: { stage, reason },
    ...extra,
    timing,
  });

  let t = performance.now();
  let rw: RewriteResult;
  try {
    rw = await limited(sem, signal, () => roles.query.rewrite({ sample: seed, iteration, step, index, ...sig }));
  } catch (e) {
    if (signal?.aborted) throw e;
    rw = { ok: false, reason: `query role error: ${errorMessage(e)}` };
  }
  timing.rewriteMs = performance.now() - t;
  const operator = rw.ok ? rw.operator : undefined;
  const q: Partial<LoopRollout> = {};
  if (operator !== undefined) q.operator = operator;
  if (rw.raw !== undefined) q.queryRaw = rw.raw;
  if (!rw.ok) return { rollout: failed("rewrite", rw.reason, "", { toolMatch: { passed: false, reason: `no rewrite: ${rw.reason}` } }, -1, q), ...(operator !== undefined ? { operator } : {}) };
  const rewrite = rw.rewrite;

  t = performance.now();
  let d: JudgeDecision;
  try {
    d = await limited(sem, signal, () => roles.judge.judge({ sample: seed, rewrite, ...sig }));
  } catch (e) {
    if (signal?.aborted) throw e;
    timing.judgeMs = performance.now() - t;
    return { rollout: failed("judge", `judge role error: ${errorMessage(e)}`, rewrite, { toolMatch: { passed: false, reason: `judge role error: ${errorMessage(e)}` } }, -1, q), ...(operator !== undefined ? { operator } : {}) };
  }
  timing.judgeMs = performance.now() - t;
  if (!d.passed) {
    const rollout: LoopRollout = { ...base, rewrite, ...q, judge: d.result, fc: { raw: "" }, check: NOT_ASKED, reward: { rJudge: d.rJudge, rAdv: adversarialReward({ judgePassed: false }), total: 0 }, timing };
    return { rollout, ...(operator !== undefined ? { operator } : {}) };
  }

  t = performance.now();
  let out: FcOutput;
  const asked: Sample = { ...seed, messages: rewrittenMessages(seed, rewrite) };
  try {
    out = await limited(sem, signal, () => roles.fc.answer({ sample: asked, ...sig }));
  } catch (e) {
    if (signal?.aborted) throw e;
    timing.fcMs = performance.now() - t;
    const rollout = failed("fc", `FC role error: ${errorMessage(e)}`, rewrite, d.result, d.rJudge, q);
    return { rollout, ...(operator !== undefined ? { operator } : {}) };
  }
  timing.fcMs = performance.now() - t;
  const { check } = scoreFcOutput(seed, out, { stripThink: out.stripThink === true });
  const rAdv = adversarialReward({ judgePassed: true, fcCorrect: check.valid });
  const rollout: LoopRollout = { ...base, rewrite, ...q, judge: d.result, fc: out, check, reward: { rJudge: d.rJudge, rAdv, total: 0 }, timing };
  return { rollout, ...(operator !== undefined ? { operator } : {}) };
}

/** Mean of xs (0 for none). */
function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Drop the per-stage wall times (for comparisons of runs). */
export function withoutTiming<T extends { timing?: unknown }>(r: T): Omit<T, "timing"> {
  const { timing: _t, ...rest } = r;
  return rest;
}

/**
 * Run (or resume) Algorithm 1 in `store`'s directory. The caller holds the lock and has written
 * the manifest.
 */
export async function runLoop(options: RunLoopOptions): Promise<RunLoopResult> {
  const { config, store, seeds, evalSamples, roles, trainer, embedder, signal, stopSignal } = options;
  const emit = options.onEvent ?? (() => {});
  const curriculum = configCurriculum(config);
  const B = config.seeds_per_step;
  const R = config.rewrites_per_seed;
  const sem = new Semaphore(config.concurrency);
  const collector = new BadCaseCollector({ seeds, embedder, threshold: config.dedup_threshold });
  let fc = roles.fc;
  let totalRollouts = 0;
  let lastQueryState: unknown = undefined;
  let queryStateSeen = false;
  const allBadCases: BadCase[] = [];
  const queryPhase = options.queryPhase;
  let queryRole = roles.query;

  for (let k = 0; k < config.iterations; k++) {
    if (signal?.aborted) throw signal.reason;
    const log = new IterationLog(store.iterationDir(k));
    try {
      const rec = log.recover();
      const iterBadCases = rec.badCases as BadCase[];
      totalRollouts += rec.rollouts.length;
      if (iterBadCases.length > 0) {
        // Rebuild the collector's memory: the committed bad cases were kept against exactly
        // this memory, so re-adding them keeps every one and drops none.
        const { report } = await collector.add(iterBadCases.map((b) => b.rollout));
        // (A query phase's bad cases were deduplicated by whoever committed them, not by this collector.)
        if (report.kept !== iterBadCases.length && queryPhase === undefined) throw new AdvfcError(`resume: ${iterBadCases.length} committed bad cases of iteration ${k} but the collector kept ${report.kept} on replay; the run directory does not match this config`);
        allBadCases.push(...iterBadCases);
      }
      if (rec.steps.length > 0 || rec.droppedRecords > 0 || rec.droppedBytes > 0) {
        emit({ type: "resume", iteration: k, steps: rec.steps.length, droppedRecords: rec.droppedRecords, droppedBytes: rec.droppedBytes, badCases: iterBadCases.length });
      }
      const last = rec.steps[rec.steps.length - 1] as StepRecord | undefined;
      if (last !== undefined) {
        lastQueryState = last.state.query;
        queryStateSeen = true;
      }
      const train = readJsonIfExists<IterationTrain>(store.trainPath(k));
      const evalDone = readJsonIfExists<IterationEval>(store.evalPath(k));
      if (train !== undefined && evalDone !== undefined) {
        // A finished iteration: restore its trained FC model and move on.
        fc = await restoreTrainedFc(k, train, fc);
        continue;
      }
      if (queryStateSeen && roles.query.restoreState && lastQueryState !== undefined) roles.query.restoreState(lastQueryState);

      // ---- query phase ----
      const sampler = new StageSampler(seeds, curriculum, { seed: config.seed, iteration: k });
      let queryTrained: Record<string, unknown> | undefined;
      if (queryPhase !== undefined) {
        const donePath = join(store.iterationDir(k), "query-phase.json");
        const done = readJsonIfExists<{ summary: Record<string, unknown> }>(donePath);
        if (done !== undefined) queryTrained = done.summary;
        else {
          emit({ type: "phase", iteration: k, phase: "query", message: `iteration ${k}: query phase (stage ${sampler.stage.name}, ${sampler.pool.length} seeds) by training the query model` });
          log.close(); // the query phase commits to iter-<k> itself
          const r = await queryPhase({
            config,
            iteration: k,
            stage: { name: sampler.stage.name, seeds: sampler.pool },
            roles: { ...roles, query: queryRole, fc },
            embedder,
            workDir: store.iterationDir(k),
            ...(signal ? { signal } : {}),
            onProgress: (message) => emit({ type: "phase", iteration: k, phase: "query", message }),
          });
          // Everything committed to iter-<k>, steps of an interrupted earlier attempt included (already counted above).
          const known = new Set(iterBadCases.map((b) => b.id));
          const fresh = r.badCases.filter((b) => !known.has(b.id));
          if (fresh.length > 0) await collector.add(fresh.map((b) => b.rollout)); // memory for later iterations
          iterBadCases.push(...fresh);
          allBadCases.push(...fresh);
          totalRollouts += Math.max(0, r.rollouts - rec.rollouts.length);
          if (r.query !== undefined) queryRole = r.query;
          queryTrained = r.summary;
          writeJsonAtomic(donePath, { iteration: k, steps: r.steps, rollouts: r.rollouts, badCases: r.badCases.length, summary: r.summary });
        }
      }
      if (queryPhase === undefined && rec.steps.length > 0) sampler.next(last!.state.sampler.draws);
      const early = last && queryPhase === undefined ? EarlyStopController.fromState(last.state.earlyStop) : new EarlyStopController(earlyStopOptions(config));
      let draws = last?.state.sampler?.draws ?? 0;
      if (queryPhase === undefined) emit({ type: "phase", iteration: k, phase: "query", message: `iteration ${k}: query phase (stage ${sampler.stage.name}, ${sampler.pool.length} seeds)${last ? `, resuming after step ${last.step}` : ""}` });
      for (let step = rec.steps.length; queryPhase === undefined && !early.stopped; step++) {
        if (stopSignal?.aborted) return { status: "interrupted", iterationsDone: k, fc, badCases: allBadCases.length, rollouts: totalRollouts };
        const startedAt = new Date();
        const t0 = performance.now();
        const batch = sampler.next(B);
        draws += B;
        const occurrences = new Map<string, number>();
        const inputs: SlotInput[] = [];
        batch.forEach((seed, b) => {
          const occ = occurrences.get(seed.id) ?? 0;
          occurrences.set(seed.id, occ + 1);
          for (let r = 0; r < R; r++) inputs.push({ seed, slot: b * R + r, index: occ * R + r });
        });
        // πF,k: the FC model of this iteration (the trained one from iteration k−1 on).
        const ctx = { config, roles: { ...roles, fc }, sem, signal, iteration: k, step };
        const results = await Promise.all(inputs.map((input) => runSlot(ctx, input)));
        const rollouts = results.map((r) => r.rollout);

        // Eq. 6: the diversity shares of the step's rewrites (failed rewrites: share 0, left out).
        const texts: string[] = [];
        const rowOf = rollouts.map((r) => (r.failure?.stage === "rewrite" ? -1 : texts.push(r.rewrite) - 1));
        const emb = texts.length > 0 ? await embedder.embed(texts, signal ? { signal } : {}) : new Float32Array(0);
        const dim = embedder.dim;
        const q = await queryModelRewards(
          rollouts.map((r, i) => ({ rJudge: r.reward.rJudge, rAdv: r.reward.rAdv, embedding: rowOf[i]! < 0 ? null : emb.subarray(rowOf[i]! * dim, (rowOf[i]! + 1) * dim) })),
          dim,
          { alpha: config.alpha },
        );
        rollouts.forEach((r, i) => (r.reward = q.rewards[i]!));
        const feedback: RewriteFeedback[] = rollouts.map((r) => ({ ...(r.operator !== undefined ? { operator: r.operator } : {}), rAdv: r.reward.rAdv, reward: r.reward.total }));
        roles.query.update?.(feedback);

        const { report, added } = await collector.add(rollouts.filter((r) => r.failure === undefined));
        const judged = rollouts.filter((r) => r.failure?.stage !== "rewrite" && r.failure?.stage !== "judge");
        const s1 = judged.filter((r) => r.judge.toolMatch.passed);
        const s2 = judged.filter((r) => r.judge.reasoning !== undefined);
        const valid = rollouts.filter((r) => r.reward.rJudge > 0);
        const answered = valid.filter((r) => r.failure === undefined);
        const meanRAdv = mean(rollouts.map((r) => r.reward.rAdv));
        const decision = early.update(meanRAdv);
        const queryState = roles.query.saveState?.();
        const record: StepRecord = {
          iteration: k,
          step,
          stage: sampler.stage.name,
          fc: fc.name,
          seeds: B,
          rollouts: rollouts.length,
          kept: added.length,
          failures: {
            rewrite: rollouts.filter((r) => r.failure?.stage === "rewrite").length,
            judge: rollouts.filter((r) => r.failure?.stage === "judge").length,
            fc: rollouts.filter((r) => r.failure?.stage === "fc").length,
          },
          judged: judged.length,
          stage1: { passed: s1.length, rate: judged.length === 0 ? 0 : s1.length / judged.length },
          stage2: { evaluated: s2.length, passed: valid.length, rate: s2.length === 0 ? 0 : s2.filter((r) => r.judge.reasoning!.passed).length / s2.length },
          judgeValid: valid.length,
          fcAnswered: answered.length,
          fcCorrect: answered.filter((r) => r.check.valid).length,
          candidates: report.candidates,
          dropped: report.dropped,
          asr: valid.length === 0 ? 0 : report.candidates / valid.length,
          diversity: q.batch.meanDistance,
          meanRAdv,
          meanReward: q.meanTotal,
          earlyStop: decision,
          state: { earlyStop: early.state(), query: queryState ?? null, sampler: { seed: config.seed, iteration: k, draws } },
          time: { startedAt: startedAt.toISOString(), wallMs: performance.now() - t0 },
        };
        log.commitStep(rollouts, added, record);
        totalRollouts += rollouts.length;
        allBadCases.push(...added);
        iterBadCases.push(...added);
        lastQueryState = queryState;
        queryStateSeen = true;
        emit({ type: "step", record, totalRollouts });
        if (signal?.aborted) throw signal.reason;
      }

      // ---- FC phase ----
      if (stopSignal?.aborted) return { status: "interrupted", iterationsDone: k, fc, badCases: allBadCases.length, rollouts: totalRollouts };
      const t0 = performance.now();
      const fcBefore = fc;
      const concurrency = { concurrency: config.concurrency, ...(signal ? { signal } : {}) };
      emit({ type: "phase", iteration: k, phase: "eval-before", message: `iteration ${k}: evaluating ${fc.name} on ${evalSamples.length} eval samples and ${iterBadCases.length} bad cases` });
      const beforeEval = await evaluateFc(fcBefore, evalSamples, concurrency);
      const badSamples = iterBadCases.map((b) => b.sample);
      const beforeBad = await evaluateFc(fcBefore, badSamples, concurrency);
      let fcAfter: FcRole;
      if (train !== undefined) fcAfter = await restoreTrainedFc(k, train, fcBefore);
      else {
        const trainBad = config.trainer.cumulative ? allBadCases : iterBadCases;
        const trainSeeds = config.trainer.with_seeds ? seeds : [];
        emit({ type: "phase", iteration: k, phase: "train", message: `iteration ${k}: training ${fc.name} with ${trainer.name} on ${trainBad.length} bad cases + ${trainSeeds.length} seeds` });
        const tt = performance.now();
        const result = await trainer.train({
          fc: fcBefore,
          badCases: trainBad,
          seeds: trainSeeds,
          iteration: k,
          workDir: store.iterationDir(k),
          ...(signal ? { signal } : {}),
          onProgress: (message) => emit({ type: "phase", iteration: k, phase: "train", message }),
        });
        fcAfter = result.fc;
        const stateful = fcAfter !== fcBefore && isStateful(fcAfter);
        if (stateful) writeJsonAtomic(store.fcStatePath(k), (fcAfter as StatefulFc).saveState());
        const trainRecord: IterationTrain = { iteration: k, trainer: trainer.name, badCases: trainBad.length, seeds: trainSeeds.length, fc: fcAfter.name, fcState: stateful, summary: result.summary, ...(queryTrained !== undefined ? { query: queryTrained } : {}), wallMs: performance.now() - tt };
        writeJsonAtomic(store.trainPath(k), trainRecord);
      }
      emit({ type: "phase", iteration: k, phase: "eval-after", message: `iteration ${k}: evaluating the trained ${fcAfter.name}` });
      const afterEval = await evaluateFc(fcAfter, evalSamples, concurrency);
      const afterBad = await evaluateFc(fcAfter, badSamples, concurrency);
      const evalRecord: IterationEval = {
        iteration: k,
        evalSplit: { before: beforeEval, after: afterEval },
        badCases: { before: beforeBad, after: afterBad },
        fcBefore: fcBefore.name,
        fcAfter: fcAfter.name,
        wallMs: performance.now() - t0,
      };
      writeJsonAtomic(store.evalPath(k), evalRecord);
      fc = fcAfter;
      emit({
        type: "phase",
        iteration: k,
        phase: "done",
        message: `iteration ${k} done: FC accuracy on the eval split ${pct(beforeEval.accuracy)} → ${pct(afterEval.accuracy)}, on its ${badSamples.length} bad cases ${pct(beforeBad.accuracy)} → ${pct(afterBad.accuracy)}`,
      });
    } finally {
      log.close();
    }
  }
  return { status: "finished", iterationsDone: config.iterations, fc, badCases: allBadCases.length, rollouts: totalRollouts };

  async function restoreTrainedFc(k: number, train: IterationTrain, current: FcRole): Promise<FcRole> {
    if (train.fcState && options.restoreFc) {
      const state = readJsonIfExists<unknown>(store.fcStatePath(k));
      if (state !== undefined) return options.restoreFc(state, k);
    }
    if (!train.fcState && train.fc === current.name) return current;
    // No saved state: train again on the same data (deterministic for the baseline trainer).
    emit({ type: "warning", message: `iteration ${k}: no saved FC state to restore; retraining with ${trainer.name}` });
    const iterBad = allBadCases.filter((b) => b.rollout.iteration === k);
    const result = await trainer.train({
      fc: current,
      badCases: config.trainer.cumulative ? allBadCases.filter((b) => b.rollout.iteration <= k) : iterBad,
      seeds: config.trainer.with_seeds ? seeds : [],
      iteration: k,
      workDir: store.iterationDir(k),
      ...(signal ? { signal } : {}),
    });
    return result.fc;
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** The early-stop options of a config. */
export function earlyStopOptions(config: RunConfig): { epsilon: number; patience: number; maxSteps?: number } {
  const es = config.early_stop;
  return { epsilon: es.epsilon, patience: es.patience, ...(es.max_steps !== null ? { maxSteps: es.max_steps } : {}) };
}

/** Sum of drop counts. */
export function droppedTotal(d: Record<DropReason, number>): number {
  return DROP_REASONS.reduce((a, k) => a + d[k], 0);
}
