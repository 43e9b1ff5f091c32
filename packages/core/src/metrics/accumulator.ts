import { InvalidInputError } from "../errors.js";
import { BFCL_V4_CATEGORIES, type Category, tryV4Category } from "../schema/category.js";
import { type BfclMetrics, type BfclMetricsOptions, type CategoryTally, computeBfclMetrics } from "./bfcl-metrics.js";

/**
 * Counts checked entries per category as results stream in, and turns them into BFCL metrics
 * at any point.
 *
 * ```ts
 * const acc = new MetricsAccumulator();
 * for await (const r of results) acc.add(r.category, r.valid);
 * console.log(formatMetricsTable(acc.metrics({ formula: "v4" })));
 * ```
 */
export class MetricsAccumulator {
  private readonly tally = new Map<Category, CategoryTally>();

  /**
   * Record one checked entry.
   * @param category v3 or v4 name.
   * @throws {InvalidInputError} for a name that is no BFCL single-turn category.
   */
  add(category: string, valid: boolean): this {
    const c = tryV4Category(category);
    if (c === undefined) throw new InvalidInputError(`Expected a BFCL single-turn category but received ${JSON.stringify(category)}`);
    let t = this.tally.get(c);
    if (t === undefined) {
      t = { correct: 0, total: 0 };
      this.tally.set(c, t);
    }
    t.total++;
    if (valid) t.correct++;
    return this;
  }

  /** Number of entries recorded so far, over all categories. */
  get size(): number {
    let n = 0;
    for (const t of this.tally.values()) n += t.total;
    return n;
  }

  /** Copies of the tallies so far, by v4 name, in BFCL's category order. */
  tallies(): Map<Category, CategoryTally> {
    const out = new Map<Category, CategoryTally>();
    for (const c of BFCL_V4_CATEGORIES) {
      const t = this.tally.get(c);
      if (t !== undefined) out.set(c, { ...t });
    }
    return out;
  }

  /** BFCL metrics of what was recorded so far (see {@link computeBfclMetrics}). */
  metrics(options?: BfclMetricsOptions): BfclMetrics {
    return computeBfclMetrics(this.tally, options);
  }
}
