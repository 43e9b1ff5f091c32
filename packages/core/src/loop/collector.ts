/**
 * Bad-case collection (Algorithm 1, line 10): every rollout whose rewrite passed both judge
 * stages (r_judge = +1) and whose FC output failed the check (y ≠ ŷ, so r_adv = +1) becomes a
 * {@link BadCase}: the rewritten sample with the seed's tools and ground truth, plus the whole
 * rollout (seed id, iteration, step, rewrite, judge verdicts and reasons, FC raw output, the
 * checker's error type, reward parts) and the seed's provenance.
 *
 * Duplicates are dropped, in this order, each with its own count:
 * 1. `exact_seed`: the rewrite's normalised text equals a seed query's (no rewrite at all);
 * 2. `exact_duplicate`: it equals an already collected bad case's, or an earlier one's in the batch;
 * 3. `near_seed`: its embedding's cosine similarity to the nearest seed query is ≥ threshold;
 * 4. `near_duplicate`: its similarity to a collected bad case, or to an earlier kept one of the
 *    same batch, is ≥ threshold.
 * Normalised text = Unicode NFKC, case-folded (`toLowerCase`), whitespace runs collapsed to one
 * space, trimmed. Near-duplicate checks use the collector's {@link Embedder} and the kernels of
 * @advfc/native-embed (`topK` with k = 1 against seeds and earlier bad cases, `nearDuplicates`
 * within a batch).
 */
import { nearDuplicates, topK, type Embedder, type KernelOptions } from "@advfc/native-embed";
import { InvalidInputError } from "../errors.js";
import { BadCaseSchema, type BadCase } from "../schema/bad-case.js";
import type { Rollout } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";
import { rewrittenMessages, seedQuery } from "./prompts.js";

/** Why a rollout was not kept. */
export const DROP_REASONS = ["exact_seed", "exact_duplicate", "near_seed", "near_duplicate"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Options of {@link BadCaseCollector}. */
export interface BadCaseCollectorOptions {
  /** The seed samples the rollouts rewrite (looked up by `rollout.seedId`). */
  seeds: readonly Sample[];
  /** Embeds rewrites and seed queries for the near-duplicate checks. */
  embedder: Embedder;
  /**
   * Cosine similarity at or above which two texts are near-duplicates (in [−1, 1]; a value
   * above 1 turns near-duplicate dropping off).
   * @default 0.95
   */
  threshold?: number;
  /** Kernel options for `topK` / `nearDuplicates`. @default {} */
  kernel?: KernelOptions;
  /** Embedding batch size. @default the embedder's default */
  batchSize?: number;
}

/** What one {@link BadCaseCollector.add} call (or the collector so far) did. */
export interface CollectReport {
  /** Rollouts looked at. */
  considered: number;
  /** Rollouts that are bad cases before deduplication (judge passed, check failed). */
  candidates: number;
  /** Bad cases kept. */
  kept: number;
  /** Candidates dropped, by reason. */
  dropped: Record<DropReason, number>;
}

/** NFKC, case-folded, whitespace collapsed and trimmed: the key of exact deduplication. */
export function normalizeForDedup(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

/** Judge passed (both stages) and the FC model failed: a bad case before deduplication. */
export function isBadCaseRollout(r: Rollout): boolean {
  return r.judge.toolMatch.passed && r.judge.reasoning?.passed === true && !r.check.valid;
}

function emptyReport(): CollectReport {
  return { considered: 0, candidates: 0, kept: 0, dropped: { exact_seed: 0, exact_duplicate: 0, near_seed: 0, near_duplicate: 0 } };
}

/**
 * Collects the bad cases of a run, across steps and iterations, without duplicates. Not safe for
 * concurrent `add` calls (await each).
 */
export class BadCaseCollector {
  readonly threshold: number;
  private readonly seedsById: ReadonlyMap<string, Sample>;
  private readonly embedder: Embedder;
  private readonly kernel: KernelOptions;
  private readonly batchSize: number | undefined;
  private readonly seedTexts: ReadonlySet<string>;
  private seedEmbeddings: Promise<Float32Array> | undefined;
  private readonly keptTexts = new Set<string>();
  private keptEmbeddings = new Float32Array(0);
  private keptCount = 0;
  private readonly cases: BadCase[] = [];
  private readonly totals = emptyReport();

  constructor(options: BadCaseCollectorOptions) {
    const threshold = options.threshold ?? 0.95;
    if (!Number.isFinite(threshold)) throw new InvalidInputError(`Expected a finite cosine threshold but received ${String(threshold)}`, { field: "threshold" });
    this.threshold = threshold;
    const byId = new Map<string, Sample>();
    for (const s of options.seeds) {
      if (byId.has(s.id)) throw new InvalidInputError(`Expected unique seed ids but received ${JSON.stringify(s.id)} twice`, { field: "seeds" });
      byId.set(s.id, s);
    }
    this.seedsById = byId;
    this.embedder = options.embedder;
    this.kernel = options.kernel ?? {};
    this.batchSize = options.batchSize;
    this.seedTexts = new Set(options.seeds.map((s) => normalizeForDedup(seedQuery(s))));
  }

  /** Bad cases kept so far, in collection order. */
  get badCases(): readonly BadCase[] {
    return this.cases;
  }

  /** Totals over every `add` call so far. */
  get report(): CollectReport {
    return { ...this.totals, dropped: { ...this.totals.dropped } };
  }

  private embed(texts: readonly string[]): Promise<Float32Array> {
    return this.embedder.embed(texts, this.batchSize !== undefined ? { batchSize: this.batchSize } : {});
  }

  private seedMatrix(): Promise<Float32Array> {
    // Embedded once, on first need: a collector that never sees a candidate embeds nothing.
    if (this.seedEmbeddings === undefined) {
      const p = this.embed([...this.seedsById.values()].map((s) => seedQuery(s)));
      // A failed embed is not cached: the next add() tries again.
      p.catch(() => {
        if (this.seedEmbeddings === p) this.seedEmbeddings = undefined;
      });
      this.seedEmbeddings = p;
    }
    return this.seedEmbeddings;
  }

  /**
   * Look at one step's rollouts; keep the new bad cases. Returns this call's report and the
   * bad cases it kept.
   * @throws {InvalidInputError} when a rollout names an unknown seed.
   */
  async add(rollouts: readonly Rollout[]): Promise<{ report: CollectReport; added: BadCase[] }> {
    const report = emptyReport();
    report.considered = rollouts.length;
    const candidates: Rollout[] = [];
    const texts = new Set<string>();
    for (const r of rollouts) {
      if (!isBadCaseRollout(r)) continue;
      if (!this.seedsById.has(r.seedId)) throw new InvalidInputError(`Expected a known seed id for rollout ${r.id} but received ${JSON.stringify(r.seedId)}`, { field: "seedId" });
      report.candidates++;
      const key = normalizeForDedup(r.rewrite);
      if (this.seedTexts.has(key)) report.dropped.exact_seed++;
      else if (this.keptTexts.has(key) || texts.has(key)) report.dropped.exact_duplicate++;
      else {
        texts.add(key);
        candidates.push(r);
      }
    }
    const added: BadCase[] = [];
    if (candidates.length > 0) {
      const d = this.embedder.dim;
      const emb = await this.embed(candidates.map((r) => r.rewrite));
      const drop = new Array<DropReason | undefined>(candidates.length);
      const nearestAbove = async (against: Float32Array): Promise<boolean[]> => {
        if (against.length === 0) return candidates.map(() => false);
        const { scores } = await topK(emb, against, d, 1, this.kernel);
        return candidates.map((_, i) => scores[i]! >= this.threshold);
      };
      (await nearestAbove(await this.seedMatrix())).forEach((near, i) => near && (drop[i] = "near_seed"));
      (await nearestAbove(this.keptEmbeddings.subarray(0, this.keptCount * d))).forEach((near, i) => near && drop[i] === undefined && (drop[i] = "near_duplicate"));
      // Within the batch: walk the pairs (sorted by i, then j) and drop j when its partner i is kept.
      const pairs = await nearDuplicates(emb, d, this.threshold, this.kernel);
      for (const [i, j] of pairs) if (drop[i] === undefined && drop[j] === undefined) drop[j] = "near_duplicate";
      for (let i = 0; i < candidates.length; i++) {
        const why = drop[i];
        if (why !== undefined) {
          report.dropped[why]++;
          continue;
        }
        const r = candidates[i]!;
        added.push(this.toBadCase(r));
        this.keptTexts.add(normalizeForDedup(r.rewrite));
        this.appendEmbedding(emb.subarray(i * d, (i + 1) * d));
      }
    }
    report.kept = added.length;
    this.cases.push(...added);
    this.totals.considered += report.considered;
    this.totals.candidates += report.candidates;
    this.totals.kept += report.kept;
    for (const k of DROP_REASONS) this.totals.dropped[k] += report.dropped[k];
    return { report, added };
  }

  private appendEmbedding(row: Float32Array): void {
    const d = row.length;
    if ((this.keptCount + 1) * d > this.keptEmbeddings.length) {
      const grown = new Float32Array(Math.max(16, this.keptCount * 2) * d);
      grown.set(this.keptEmbeddings.subarray(0, this.keptCount * d));
      this.keptEmbeddings = grown;
    }
    this.keptEmbeddings.set(row, this.keptCount * d);
    this.keptCount++;
  }

  private toBadCase(r: Rollout): BadCase {
    const seed = this.seedsById.get(r.seedId)!;
    const id = `adv-${r.id}`;
    const candidate = {
      id,
      sample: {
        id,
        messages: rewrittenMessages(seed, r.rewrite),
        tools: seed.tools,
        expected: seed.expected,
        category: seed.category,
        language: seed.language,
        source: { format: "advfc" as const, id: seed.id },
        meta: { seed_id: seed.id, rollout_id: r.id, iteration: r.iteration, step: r.step },
      },
      rollout: r,
      seed: { id: seed.id, category: seed.category, source: seed.source },
    };
    // A rollout judged valid whose check failed but whose r_adv is not positive was scored
    // inconsistently upstream: the schema's refinements reject it here, loudly.
    const parsed = BadCaseSchema.safeParse(candidate);
    if (!parsed.success) throw new InvalidInputError(`Expected a consistent bad case for rollout ${r.id} but received: ${parsed.error.message}`, { field: "rollout" });
    return parsed.data;
  }
}
