/**
 * Curriculum over iterations (paper, "Iterative Alternating Training With Curriculum
 * Learning"): the composition of the query model's training data 𝔻_k changes with the
 * iteration k — single-call queries first, multiple calls per query later.
 *
 * The default follows the paper's definition (calls per query), not BFCL's category names:
 * iteration 0 takes every category whose answer is at most one call — `simple_*`,
 * `live_simple`, BFCL `multiple` / `live_multiple` (one call, chosen among several tools),
 * and the (ir)relevance categories (no call / any call) — and iteration 1 on adds the
 * categories with several calls per query: `parallel`, `parallel_multiple` and their live
 * versions. (The paper's own second round added 300 parallel xLAM samples to the first round's
 * data, which is this schedule.) Iterations past the last stage reuse the last stage.
 *
 * Sampling is seeded and deterministic: mulberry32 (Tommy Ettinger's 32-bit PRNG, public
 * domain; period 2^32) seeded with `seed` mixed with the iteration, so the same samples (in the
 * same input order), seed and iteration give the same batches on every machine.
 */
import { InvalidInputError } from "../errors.js";
import { BFCL_V4_CATEGORIES, type Category } from "../schema/category.js";
import type { Sample } from "../schema/sample.js";

/** One stage of the curriculum: which categories the query model's data is drawn from. */
export interface CurriculumStage {
  /** Shown in errors and logs. */
  name: string;
  /** The categories of this stage (v4 names). */
  categories: readonly Category[];
  /**
   * Mixture weights per category (relative; need not sum to 1). Absent: every sample of the
   * stage is equally likely (categories in their natural proportion). Present: category c is
   * drawn with probability w_c / Σ w; categories of the stage without a weight get 0.
   * @default undefined (natural proportions)
   */
  weights?: Readonly<Partial<Record<Category, number>>>;
}

/** Stages in order: iteration k uses stage min(k, stages.length − 1). */
export interface Curriculum {
  stages: readonly CurriculumStage[];
}

/** Categories whose answer is at most one call. */
export const SINGLE_CALL_CATEGORIES: readonly Category[] = [
  "simple_python",
  "simple_java",
  "simple_javascript",
  "live_simple",
  "multiple",
  "live_multiple",
  "irrelevance",
  "live_irrelevance",
  "live_relevance",
];

/** Categories with several calls per query. */
export const MULTI_CALL_CATEGORIES: readonly Category[] = ["parallel", "parallel_multiple", "live_parallel", "live_parallel_multiple"];

/** The default schedule: single-call first, everything from iteration 1 on. */
export const DEFAULT_CURRICULUM: Curriculum = {
  stages: [
    { name: "single-call", categories: SINGLE_CALL_CATEGORIES },
    { name: "multi-call", categories: [...SINGLE_CALL_CATEGORIES, ...MULTI_CALL_CATEGORIES] },
  ],
};

/** A curriculum cannot be run on the given samples. */
export class CurriculumError extends InvalidInputError {
  constructor(
    message: string,
    readonly stage?: string,
    readonly categories?: readonly string[],
  ) {
    super(message, { field: stage === undefined ? "curriculum" : `curriculum stage ${JSON.stringify(stage)}` });
    this.name = "CurriculumError";
  }
}

/** The stage iteration `iteration` (0-based) uses, and its index. */
export function stageForIteration(curriculum: Curriculum, iteration: number): { index: number; stage: CurriculumStage } {
  if (!Number.isInteger(iteration) || iteration < 0) throw new InvalidInputError(`Expected a non-negative integer iteration but received ${String(iteration)}`, { field: "iteration" });
  if (curriculum.stages.length === 0) throw new CurriculumError("Expected at least one curriculum stage but received none");
  const index = Math.min(iteration, curriculum.stages.length - 1);
  return { index, stage: curriculum.stages[index]! };
}

/** Samples per category of one stage. */
export interface StageCounts {
  name: string;
  counts: Partial<Record<Category, number>>;
  total: number;
  /** Stage categories without samples (allowed when unweighted; a weighted one is an error). */
  empty: Category[];
}

const KNOWN: ReadonlySet<string> = new Set(BFCL_V4_CATEGORIES);

/**
 * Check that every stage can be sampled from `samples`: known categories, at least one sample
 * per stage, sensible weights, and a sample for every category with a positive weight.
 * @throws {CurriculumError} naming the stage and the categories at fault.
 */
export function validateCurriculum(curriculum: Curriculum, samples: readonly Sample[]): StageCounts[] {
  if (curriculum.stages.length === 0) throw new CurriculumError("Expected at least one curriculum stage but received none");
  const byCategory = new Map<string, number>();
  for (const s of samples) byCategory.set(s.category, (byCategory.get(s.category) ?? 0) + 1);
  return curriculum.stages.map((stage) => {
    if (stage.categories.length === 0) throw new CurriculumError(`Expected categories for stage ${JSON.stringify(stage.name)} but received none`, stage.name, []);
    const unknown = stage.categories.filter((c) => !KNOWN.has(c));
    if (unknown.length > 0) throw new CurriculumError(`Expected BFCL v4 category names in stage ${JSON.stringify(stage.name)} but received ${unknown.join(", ")}`, stage.name, unknown);
    const counts: Partial<Record<Category, number>> = {};
    let total = 0;
    const empty: Category[] = [];
    for (const c of new Set(stage.categories)) {
      const n = byCategory.get(c) ?? 0;
      counts[c] = n;
      total += n;
      if (n === 0) empty.push(c);
    }
    if (total === 0) {
      throw new CurriculumError(`Expected samples for stage ${JSON.stringify(stage.name)} (categories ${stage.categories.join(", ")}) but the seed data has none`, stage.name, [...stage.categories]);
    }
    if (stage.weights !== undefined) {
      const entries = Object.entries(stage.weights) as [Category, number][];
      const outside = entries.filter(([c]) => !stage.categories.includes(c)).map(([c]) => c);
      if (outside.length > 0) throw new CurriculumError(`Expected weights only for the categories of stage ${JSON.stringify(stage.name)} but received weights for ${outside.join(", ")}`, stage.name, outside);
      const bad = entries.filter(([, w]) => !Number.isFinite(w) || w < 0).map(([c]) => c);
      if (bad.length > 0) throw new CurriculumError(`Expected finite weights ≥ 0 in stage ${JSON.stringify(stage.name)} but received invalid ones for ${bad.join(", ")}`, stage.name, bad);
      const positive = entries.filter(([, w]) => w > 0).map(([c]) => c);
      if (positive.length === 0) throw new CurriculumError(`Expected a positive weight in stage ${JSON.stringify(stage.name)} but all are 0`, stage.name, []);
      const starved = positive.filter((c) => (counts[c] ?? 0) === 0);
      if (starved.length > 0) {
        throw new CurriculumError(`Expected samples for the weighted categories ${starved.join(", ")} of stage ${JSON.stringify(stage.name)} but the seed data has none`, stage.name, starved);
      }
    }
    return { name: stage.name, counts, total, empty };
  });
}

/**
 * mulberry32: a 32-bit PRNG returning floats in [0, 1). Deterministic across platforms (only
 * 32-bit integer ops).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The PRNG seed of one iteration: `seed` mixed with the iteration (golden-ratio multiply). */
export function iterationSeed(seed: number, iteration: number): number {
  return (Math.imul((seed >>> 0) ^ 0x85ebca6b, 0x9e3779b1) ^ Math.imul(iteration + 1, 0xc2b2ae35)) >>> 0;
}

function shuffleInPlace<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}

/** An endless shuffled stream of one pool: each pass is a fresh permutation. */
class EpochQueue<T> {
  private order: T[] = [];
  private pos = 0;
  constructor(
    private readonly pool: readonly T[],
    private readonly rng: () => number,
  ) {}
  next(): T {
    if (this.pos >= this.order.length) {
      this.order = shuffleInPlace([...this.pool], this.rng);
      this.pos = 0;
    }
    return this.order[this.pos++]!;
  }
}

/** Options of {@link StageSampler}. */
export interface StageSamplerOptions {
  /** PRNG seed (an unsigned 32-bit integer; others are truncated). @default 0 */
  seed?: number;
  /** The 0-based iteration (selects the stage and is mixed into the seed). @default 0 */
  iteration?: number;
}

/**
 * Draws the query model's training samples for one iteration: an endless, deterministic
 * stream. Unweighted stages: epoch shuffles of the stage's samples (every sample once per
 * epoch). Weighted stages: each draw picks a category by weight, then the next sample of that
 * category's own epoch shuffle.
 */
export class StageSampler {
  readonly stage: CurriculumStage;
  readonly stageIndex: number;
  /** Samples of the stage, in input order. */
  readonly pool: readonly Sample[];
  private readonly draw: () => Sample;

  /**
   * Only the iteration's own stage is validated, so seed data may grow between iterations (the
   * paper adds parallel samples in its second round); call {@link validateCurriculum} to check
   * every stage up front.
   * @throws {CurriculumError} when the iteration's stage cannot be sampled from `samples`.
   */
  constructor(samples: readonly Sample[], curriculum: Curriculum = DEFAULT_CURRICULUM, options: StageSamplerOptions = {}) {
    const iteration = options.iteration ?? 0;
    const { index, stage } = stageForIteration(curriculum, iteration);
    validateCurriculum({ stages: [stage] }, samples);
    this.stage = stage;
    this.stageIndex = index;
    const inStage = new Set<string>(stage.categories);
    this.pool = samples.filter((s) => inStage.has(s.category));
    const rng = mulberry32(iterationSeed(options.seed ?? 0, iteration));
    if (stage.weights === undefined) {
      const q = new EpochQueue(this.pool, rng);
      this.draw = () => q.next();
    } else {
      const cats = (Object.entries(stage.weights) as [Category, number][]).filter(([, w]) => w > 0);
      const total = cats.reduce((a, [, w]) => a + w, 0);
      const queues = cats.map(([c, w]) => ({ w: w / total, q: new EpochQueue(this.pool.filter((s) => s.category === c), rng) }));
      this.draw = () => {
        let u = rng();
        for (const { w, q } of queues) {
          if (u < w) return q.next();
          u -= w;
        }
        return queues[queues.length - 1]!.q.next(); // rounding: u ≈ 1
      };
    }
  }

  /** The next `size` samples (a batch). */
  next(size: number): Sample[] {
    if (!Number.isInteger(size) || size < 0) throw new InvalidInputError(`Expected a non-negative integer batch size but received ${String(size)}`, { field: "size" });
    const out: Sample[] = [];
    for (let i = 0; i < size; i++) out.push(this.draw());
    return out;
  }
}

/**
 * 𝔻_k: the query model's training samples of iteration `iteration`, `size` draws from a
 * {@link StageSampler}.
 * @param options.size How many. @default the stage's pool size (one epoch when unweighted)
 */
export function stageDataset(samples: readonly Sample[], curriculum: Curriculum = DEFAULT_CURRICULUM, options: StageSamplerOptions & { size?: number } = {}): Sample[] {
  const sampler = new StageSampler(samples, curriculum, options);
  return sampler.next(options.size ?? sampler.pool.length);
}
