/**
 * The reward server verl's reward function talks to (through python/advfc_reward.py).
 *
 *   POST /score   {data_sources, solution_strs, ground_truths, extra_infos} → {results: [{score, …}]}
 *   GET  /status  steps, per-step means, the early-stop controller's state
 *   GET  /health  {ok, role, inFlight, queued, draining}
 *
 * Steps: verl's batch reward manager passes no step number, so one training `POST /score` batch
 * is one step, unless the items carry `extra_info.step` (then batches with the same step are
 * merged into that step's mean). Batches whose items all have `extra_info.split` in
 * {test, val, validation} are verl's validation passes: scored, never counted as steps, not
 * stored.
 *
 * Admission: at most `maxConcurrent` batches are scored at once and `maxQueued` wait; more get
 * 503 with Retry-After. Each batch has a timeout (504). `close()` drains: stop accepting (503),
 * finish what is in flight and queued, flush the run store.
 *
 * Security: bound to 127.0.0.1 by default; any other host requires a bearer token, checked on
 * every route but /health.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { AdvfcError, EarlyStopController, IterationLog, isBadCaseRollout, normalizeForDedup, writeJsonAtomic, type BadCase, type EarlyStopDecision, type EarlyStopOptions, type EarlyStopState, type Rollout } from "@advfc/core";
import { decodeScoreRequest, RewardRequestError, type ScoreItem } from "./protocol.js";
import type { ScoredBatch, ScoredItem, Scorer } from "./scorer.js";

/** The default port of `advfc serve reward` (and of the shim's default URL). */
export const DEFAULT_REWARD_PORT = 8765;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Options of {@link RewardServer}. */
export interface RewardServerOptions {
  scorer: Scorer;
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 8765 */
  port?: number;
  /** Bearer token; required when `host` is not loopback. @default undefined */
  token?: string;
  /** Run-store folder (rollouts, bad cases, steps as JSONL). @default undefined (nothing stored) */
  out?: string;
  /** Batches scored at once. @default 2 */
  maxConcurrent?: number;
  /** Batches waiting beyond those. @default 8 */
  maxQueued?: number;
  /** Per-batch time limit, ms (504 after it). @default 600000 */
  timeoutMs?: number;
  /** Largest request body, bytes. @default 256 MiB */
  maxBodyBytes?: number;
  /** Early stop on the per-step mean (R_F for role fc, r_adv for role query). @default {} (ε 0.2, patience 10) */
  earlyStop?: EarlyStopOptions;
  /** Seconds a 503 asks the client to wait. @default 1 */
  retryAfterS?: number;
  /**
   * The run-store folder itself (rollouts.jsonl, bad-cases.jsonl, steps.jsonl), e.g. iter-<k> of
   * an `advfc run` directory. @default `<out>/iter-0`
   */
  storeDir?: string;
  /** Iteration recorded in the rollouts, bad cases and step lines. @default 0 */
  iteration?: number;
  /** Extra fields of every step line (role query: the loop's `stage`, `fc`, `seeds`). */
  stepFields?: Record<string, unknown>;
  /** Called once when early stop fires (`advfc run` stops verl then). */
  onEarlyStop?: (decision: EarlyStopDecision) => void;
  log?: (line: string) => void;
}

/** One step's means, as `/status` reports them. */
export interface StepMean {
  step: number;
  items: number;
  meanScore: number;
  /** What early stop watches: mean R_F (fc) or mean r_adv (query). */
  meanWatched: number;
  diversity?: number;
  badCases?: number;
}

/** `GET /status`. */
export interface RewardServerStatus {
  role: "fc" | "query";
  steps: number;
  batches: { scored: number; validation: number; rejected: number; failed: number };
  items: number;
  means: StepMean[];
  earlyStop: EarlyStopState & { stop: boolean; reason: string | null };
  badCases: number;
  inFlight: number;
  queued: number;
  draining: boolean;
}

/** The server refused to start (a configuration error). */
export class RewardServerConfigError extends AdvfcError {
  constructor(message: string) {
    super(message);
    this.name = "RewardServerConfigError";
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const VALIDATION_SPLITS = new Set(["test", "val", "validation", "eval"]);

export class RewardServer {
  private readonly server: Server;
  private readonly scorer: Scorer;
  private readonly host: string;
  private readonly port: number;
  private readonly token: Buffer | undefined;
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly retryAfterS: number;
  private readonly log: (line: string) => void;
  private early: EarlyStopController;
  private readonly store: IterationLog | undefined;
  private readonly out: string | undefined;
  private readonly iteration: number;
  private readonly stepFields: Record<string, unknown>;
  private readonly onEarlyStop: ((decision: EarlyStopDecision) => void) | undefined;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private draining = false;
  private readonly stepMeans: StepMean[] = [];
  /** Pending explicit steps (extra_info.step): merged until a later step arrives. */
  private pending: { step: number; items: number; sumScore: number; sumWatched: number; diversity: number[]; rollouts: unknown[]; badCases: BadCase[]; candidates: number; duplicates: number; startedAt: Date } | undefined;
  private nextStep = 0;
  /** Steps the store held when this server started (a restart appends after them). */
  private committedBefore = 0;
  private readonly counts = { scored: 0, validation: 0, rejected: 0, failed: 0 };
  private items = 0;
  private badCaseCount = 0;
  private readonly badTexts = new Set<string>();
  private readonly active = new Set<Promise<unknown>>();

  constructor(options: RewardServerOptions) {
    this.scorer = options.scorer;
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? DEFAULT_REWARD_PORT;
    const token = options.token;
    if (!LOOPBACK.has(this.host) && (token === undefined || token.length === 0)) {
      throw new RewardServerConfigError(`refusing to listen on ${this.host} without a bearer token: set ADVFC_REWARD_TOKEN (the shim sends it too), or bind to 127.0.0.1`);
    }
    this.token = token !== undefined && token.length > 0 ? Buffer.from(token) : undefined;
    this.maxConcurrent = options.maxConcurrent ?? 2;
    this.maxQueued = options.maxQueued ?? 8;
    this.timeoutMs = options.timeoutMs ?? 600_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 256 * 2 ** 20;
    this.retryAfterS = options.retryAfterS ?? 1;
    this.log = options.log ?? (() => {});
    this.early = new EarlyStopController(options.earlyStop ?? {});
    this.out = options.out;
    this.iteration = options.iteration ?? 0;
    this.stepFields = options.stepFields ?? {};
    this.onEarlyStop = options.onEarlyStop;
    const storeDir = options.storeDir ?? (options.out !== undefined ? join(options.out, "iter-0") : undefined);
    if (options.out !== undefined) mkdirSync(options.out, { recursive: true });
    this.store = storeDir !== undefined ? new IterationLog(storeDir) : undefined;
    if (this.store) {
      // A restart on a folder with committed steps (`advfc run --resume` reruns an interrupted
      // query phase) appends to them: step numbering, bad-case deduplication and early stop go on
      // from the last committed step instead of starting over (a second step 0 would not be
      // readable as the run store's steps 0, 1, 2 …).
      const rec = this.store.recover();
      this.nextStep = rec.steps.length;
      this.committedBefore = rec.steps.length;
      this.badCaseCount = rec.badCases.length;
      for (const b of rec.badCases) {
        const rewrite = (b as { rollout?: { rewrite?: unknown } }).rollout?.rewrite;
        if (typeof rewrite === "string") this.badTexts.add(normalizeForDedup(rewrite));
      }
      const saved = (rec.steps.at(-1)?.state as { earlyStop?: EarlyStopState } | undefined)?.earlyStop;
      if (saved) this.early = EarlyStopController.fromState(saved);
    }
    this.server = createServer((req, res) => {
      const p = this.handle(req, res).catch((e: unknown) => this.send(res, 500, { error: e instanceof Error ? e.message : String(e) }));
      this.active.add(p);
      void p.finally(() => this.active.delete(p));
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** Start listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number; url: string }> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off("error", reject);
        const a = this.server.address() as AddressInfo;
        const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
        resolve({ host: a.address, port: a.port, url: `http://${host}:${a.port}` });
      });
    });
  }

  status(): RewardServerStatus {
    const s = this.early.state();
    const last = this.stepMeans.length;
    return {
      role: this.scorer.role,
      steps: last,
      batches: { ...this.counts },
      items: this.items,
      means: [...this.stepMeans],
      earlyStop: { ...s, stop: s.fired !== null, reason: s.fired?.reason ?? null },
      badCases: this.badCaseCount,
      inFlight: this.inFlight,
      queued: this.waiting.length,
      draining: this.draining,
    };
  }

  /**
   * Drain and stop: refuse new batches (503), finish those in flight and queued, commit the
   * pending step, close the store.
   */
  async close(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.server.close();
    this.server.closeIdleConnections();
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
    this.flushPending();
    this.writeStatus();
    this.store?.close();
    this.server.closeAllConnections();
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    const data = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...(this.draining ? { connection: "close" } : {}), ...headers });
    res.end(data);
  }

  private authorized(req: IncomingMessage): boolean {
    if (this.token === undefined) return true;
    const h = req.headers.authorization ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m) return false;
    const given = Buffer.from(m[1]!.trim());
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") {
      return this.send(res, this.draining ? 503 : 200, { ok: !this.draining, role: this.scorer.role, inFlight: this.inFlight, queued: this.waiting.length, draining: this.draining });
    }
    if (!this.authorized(req)) {
      req.resume();
      return this.send(res, 401, { error: "missing or wrong bearer token (set ADVFC_REWARD_TOKEN for the shim)" }, { "www-authenticate": "Bearer" });
    }
    if (req.method === "GET" && path === "/status") return this.send(res, 200, this.status());
    if (path !== "/score") return this.send(res, 404, { error: `no route ${req.method ?? ""} ${path ?? ""}; routes: POST /score, GET /status, GET /health` });
    if (req.method !== "POST") return this.send(res, 405, { error: "POST /score" }, { allow: "POST" });
    try {
      const body = await this.readBody(req);
      const results = await this.scoreBatch(body);
      this.send(res, 200, { results });
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.status === 503) this.counts.rejected++;
        return this.send(res, e.status, { error: e.message }, e.headers);
      }
      if (e instanceof RewardRequestError) return this.send(res, 400, { error: e.message, field: e.field });
      this.counts.failed++;
      this.log(`reward server: batch failed: ${e instanceof Error ? e.message : String(e)}`);
      return this.send(res, 500, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  private readBody(req: IncomingMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > this.maxBodyBytes) {
          reject(new HttpError(413, `request body over ${this.maxBodyBytes} bytes`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on("end", () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown);
        } catch (e) {
          reject(new RewardRequestError(`Expected a JSON request body but received invalid JSON (${(e as Error).message})`, "(body)"));
        }
      });
      req.on("error", reject);
    });
  }

  /** Admission: a slot now, a place in the queue, or 503. */
  private async acquire(): Promise<void> {
    const busy = { "retry-after": String(this.retryAfterS) };
    if (this.draining) throw new HttpError(503, "the reward server is shutting down", busy);
    if (this.inFlight < this.maxConcurrent) {
      this.inFlight++;
      return;
    }
    if (this.waiting.length >= this.maxQueued) throw new HttpError(503, `busy: ${this.inFlight} batches in flight and ${this.waiting.length} queued; retry later`, busy);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes on; inFlight stays
    else this.inFlight--;
  }

  private async scoreBatch(body: unknown): Promise<ScoredItem["result"][]> {
    const items = decodeScoreRequest(body);
    await this.acquire();
    try {
      const validation = items.length > 0 && items.every((it) => it.split !== undefined && VALIDATION_SPLITS.has(it.split));
      const explicit = items.find((it) => it.step !== undefined)?.step;
      const step = validation ? -1 : (explicit ?? this.nextStep);
      const ac = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ac.abort(new Error("timeout"));
          reject(new HttpError(504, `scoring ${items.length} items took over ${this.timeoutMs} ms`));
        }, this.timeoutMs);
      });
      let scored: ScoredBatch;
      try {
        scored = await Promise.race([this.scorer.score(items, { step: Math.max(step, 0), signal: ac.signal }), timeout]);
      } finally {
        clearTimeout(timer);
      }
      this.items += items.length;
      if (validation) this.counts.validation++;
      else {
        this.counts.scored++;
        this.record(items, scored, explicit);
      }
      return scored.items.map((s) => s.result);
    } finally {
      this.release();
    }
  }

  /** Add a training batch to its step; commit the previous step when a new one starts. */
  private record(items: readonly ScoreItem[], scored: ScoredBatch, explicit: number | undefined): void {
    const step = explicit ?? this.nextStep;
    if (this.pending !== undefined && this.pending.step !== step) this.flushPending();
    const p = (this.pending ??= { step, items: 0, sumScore: 0, sumWatched: 0, diversity: [], rollouts: [], badCases: [], candidates: 0, duplicates: 0, startedAt: new Date() });
    p.items += items.length;
    p.sumScore += scored.meanScore * items.length;
    p.sumWatched += scored.meanWatched * items.length;
    if (scored.diversity !== undefined) p.diversity.push(scored.diversity);
    for (const s of scored.items) {
      if (s.rollout === undefined) continue;
      const r = { ...s.rollout, iteration: this.iteration, step };
      p.rollouts.push(r);
      if (s.asked !== undefined && isBadCaseRollout(r)) {
        p.candidates++;
        const key = normalizeForDedup(r.rewrite);
        if (this.badTexts.has(key)) {
          p.duplicates++;
          continue;
        }
        this.badTexts.add(key);
        const id = `adv-${r.id}`;
        p.badCases.push({ id, sample: { ...s.asked, id, source: { format: "advfc", id: r.seedId }, meta: { seed_id: r.seedId, rollout_id: r.id, step } }, rollout: r, seed: { id: r.seedId, category: s.asked.category, source: s.asked.source } });
      }
    }
    // Implicit steps (one batch each) are committed at once; explicit ones when the next starts.
    if (explicit === undefined) this.flushPending();
  }

  private flushPending(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    const m: StepMean = { step: p.step, items: p.items, meanScore: p.items === 0 ? 0 : p.sumScore / p.items, meanWatched: p.items === 0 ? 0 : p.sumWatched / p.items };
    if (p.diversity.length > 0) m.diversity = p.diversity.reduce((a, b) => a + b, 0) / p.diversity.length;
    if (this.scorer.role === "query") m.badCases = p.badCases.length;
    const decision = this.early.update(m.meanWatched);
    this.stepMeans.push(m);
    this.badCaseCount += p.badCases.length;
    this.nextStep = Math.max(this.nextStep, p.step + 1);
    // The store's recovery expects steps numbered 0, 1, 2 … in order (after those committed before a restart).
    const storeStep = this.committedBefore + this.stepMeans.length - 1;
    this.store?.commitStep(
      p.rollouts.map((r) => ({ ...(r as object), step: storeStep })),
      p.badCases.map((b) => ({ ...b, rollout: { ...b.rollout, step: storeStep } })),
      {
        ...(this.scorer.role === "query" ? queryStepFields(p.rollouts as Rollout[], p.candidates, p.duplicates, m) : {}),
        ...this.stepFields,
        ...m,
        iteration: this.iteration,
        step: storeStep,
        verlStep: p.step,
        rollouts: p.rollouts.length,
        kept: p.badCases.length,
        earlyStop: decision,
        state: { earlyStop: this.early.state(), query: null },
        time: { startedAt: p.startedAt.toISOString(), wallMs: Date.now() - p.startedAt.getTime() },
      },
    );
    if (decision.stop) {
      this.log(`reward server: early stop fired at step ${p.step} (${decision.reason ?? ""}); stop the verl job`);
      this.onEarlyStop?.(decision);
    }
    this.writeStatus();
  }

  private writeStatus(): void {
    if (this.out !== undefined) writeJsonAtomic(join(this.out, "reward-status.json"), this.status());
  }
}

/**
 * The counts of a query step line as `advfc run`'s loop writes them (StepRecord of core's
 * iteration.ts), so `advfc report` reads a run directory whose query phase was a verl run.
 */
function queryStepFields(rollouts: readonly Rollout[], candidates: number, duplicates: number, m: StepMean): Record<string, unknown> {
  const failure = (r: Rollout) => (r as { failure?: { stage?: string } }).failure?.stage;
  const judged = rollouts.filter((r) => failure(r) !== "rewrite" && failure(r) !== "judge");
  const s1 = judged.filter((r) => r.judge.toolMatch.passed);
  const s2 = judged.filter((r) => r.judge.reasoning !== undefined);
  const valid = rollouts.filter((r) => r.reward.rJudge > 0);
  const answered = valid.filter((r) => failure(r) === undefined);
  return {
    failures: { rewrite: rollouts.filter((r) => failure(r) === "rewrite").length, judge: rollouts.filter((r) => failure(r) === "judge").length, fc: rollouts.filter((r) => failure(r) === "fc").length },
    judged: judged.length,
    stage1: { passed: s1.length, rate: judged.length === 0 ? 0 : s1.length / judged.length },
    stage2: { evaluated: s2.length, passed: valid.length, rate: s2.length === 0 ? 0 : s2.filter((r) => r.judge.reasoning!.passed).length / s2.length },
    judgeValid: valid.length,
    fcAnswered: answered.length,
    fcCorrect: answered.filter((r) => r.check.valid).length,
    candidates,
    // The server drops exact duplicates of earlier bad cases (normalised text) only.
    dropped: { exact_seed: 0, exact_duplicate: duplicates, near_seed: 0, near_duplicate: 0 },
    asr: valid.length === 0 ? 0 : candidates / valid.length,
    diversity: m.diversity ?? 0,
    meanRAdv: m.meanWatched,
    meanReward: m.meanScore,
  };
}
