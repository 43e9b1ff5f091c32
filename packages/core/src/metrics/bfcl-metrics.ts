import { InvalidInputError } from "../errors.js";
import { BFCL_V4_CATEGORIES, type Category, CATEGORY_ENTRY_COUNTS, tryV4Category } from "../schema/category.js";
import { missingCategory, percentageWeighted, type Score, scoredCategory, unweighted, weighted } from "./aggregate.js";

/**
 * BFCL's leaderboard aggregates over the single-turn categories, by BFCL v3's or v4's formula,
 * computed exactly as `eval_runner_helper.generate_leaderboard_csv` does (see
 * {@link computeBfclMetrics} for the formulas).
 */

/** Which BFCL release's aggregation to follow. */
export type MetricsFormula = "v3" | "v4";

/** Entries checked and passed in one category. */
export interface CategoryTally {
  correct: number;
  total: number;
}

/** A category's result: its tally (when scored) and its BFCL score. */
export interface CategoryMetrics extends Score {
  /** `null` when the category was not scored (then `totalCount` is the dataset's entry count). */
  correct: number | null;
  scored: boolean;
}

/** The aggregates, in the order a report lists them. */
export const AGGREGATE_NAMES = ["overall", "non_live", "non_live_ast", "simple", "live", "live_ast", "irrelevance", "relevance"] as const;
export type AggregateName = (typeof AGGREGATE_NAMES)[number];

/** Per-category results and the aggregates of one formula. */
export interface BfclMetrics {
  formula: MetricsFormula;
  /** Every single-turn category, by v4 name, in BFCL's order. */
  categories: Record<Category, CategoryMetrics>;
  aggregates: Record<AggregateName, Score>;
}

export interface BfclMetricsOptions {
  /** @default "v4" */
  formula?: MetricsFormula;
  /**
   * Entry counts (by v3 or v4 name) that categories which were not scored count with.
   * @default the BFCL dataset's counts of the formula's release ({@link CATEGORY_ENTRY_COUNTS})
   */
  entryCounts?: Readonly<Record<string, number>>;
}

/** BFCL v4 overall weights of (non_live, live, irrelevance, multi_turn, agentic). */
export const BFCL_V4_OVERALL_WEIGHTS = [10, 10, 10, 30, 40] as const;

/**
 * Per-category accuracy and BFCL's aggregates.
 *
 * Categories may be named in v3 or v4 spelling (`simple` = `simple_python`). A category absent
 * from `tallies` (or with `total` 0) was not scored: BFCL counts it as accuracy 0 over the
 * dataset's entry count and displays it as "N/A". `unweighted` = mean of accuracies,
 * `weighted` = entry-weighted mean; an aggregate displays "N/A" if an input does, except where
 * marked "numeric" below (BFCL's `display_na_if_category_missing=False`).
 *
 * v4 (BFCL v4, `eval_runner_helper.py` at 6ea57973):
 * - simple = unweighted(simple_python, simple_java, simple_javascript)
 * - non_live_ast = unweighted(simple, multiple, parallel, parallel_multiple); non_live = the same, numeric
 * - live_ast = weighted(live_simple, live_multiple, live_parallel, live_parallel_multiple); live = the same, numeric
 * - irrelevance = unweighted(irrelevance, live_irrelevance); relevance = live_relevance
 * - overall: BFCL v4's overall is a percentage-weighted mean with weights 10, 10, 10, 30, 40 of
 *   (non_live, live, irrelevance, multi_turn, agentic). advfc scores no multi-turn or agentic
 *   categories, so `overall` is the single-turn share: weights 10, 10, 10 renormalised over
 *   (non_live, live, irrelevance), numeric. (The number BFCL itself would print with multi-turn
 *   and agentic unscored is `0.3 × overall`.)
 *
 * v3 (final BFCL v3):
 * - simple, non_live_ast: as v4
 * - non_live = unweighted(simple, multiple, parallel, parallel_multiple, irrelevance), numeric
 * - live_ast = weighted(4 live AST categories); live = weighted(4 live AST, live_irrelevance,
 *   live_relevance), numeric
 * - irrelevance = unweighted(irrelevance, live_irrelevance); relevance = live_relevance
 * - overall = unweighted(live, non_live), numeric. (BFCL v3 also averages in multi_turn, which
 *   advfc does not score; its overall would be `unweighted(live, non_live, multi_turn)`.)
 *
 * @throws {InvalidInputError} for an unknown category, a category given under both spellings,
 *   or a tally that is not `0 <= correct <= total` in integers.
 */
export function computeBfclMetrics(
  tallies: Readonly<Record<string, CategoryTally>> | ReadonlyMap<string, CategoryTally>,
  options: BfclMetricsOptions = {},
): BfclMetrics {
  const formula = options.formula ?? "v4";
  const byV4 = normaliseTallies(tallies instanceof Map ? [...tallies] : Object.entries(tallies));
  const counts = new Map<Category, number>();
  for (const [name, n] of Object.entries(options.entryCounts ?? {})) {
    const c = tryV4Category(name);
    if (c === undefined) throw new InvalidInputError(`Expected a BFCL single-turn category for entryCounts but received ${JSON.stringify(name)}`);
    counts.set(c, n);
  }

  const categories = {} as Record<Category, CategoryMetrics>;
  for (const c of BFCL_V4_CATEGORIES) {
    const t = byV4.get(c);
    if (t !== undefined && t.total > 0) categories[c] = { ...scoredCategory(t.correct, t.total), correct: t.correct, scored: true };
    else categories[c] = { ...missingCategory(counts.get(c) ?? CATEGORY_ENTRY_COUNTS[c][formula]), correct: null, scored: false };
  }
  const s = (c: Category): Score => categories[c];

  const simple = unweighted([s("simple_python"), s("simple_java"), s("simple_javascript")]);
  const nonLiveAstParts = [simple, s("multiple"), s("parallel"), s("parallel_multiple")];
  const liveAstParts = [s("live_simple"), s("live_multiple"), s("live_parallel"), s("live_parallel_multiple")];
  const nonLiveAst = unweighted(nonLiveAstParts);
  const liveAst = weighted(liveAstParts);
  const irrelevance = unweighted([s("irrelevance"), s("live_irrelevance")]);
  const relevance = pick(s("live_relevance"));

  let nonLive: Score;
  let live: Score;
  let overall: Score;
  if (formula === "v4") {
    nonLive = unweighted(nonLiveAstParts, false);
    live = weighted(liveAstParts, false);
    overall = percentageWeighted([nonLive, live, irrelevance], BFCL_V4_OVERALL_WEIGHTS.slice(0, 3), false);
  } else {
    nonLive = unweighted([...nonLiveAstParts, s("irrelevance")], false);
    live = weighted([...liveAstParts, s("live_irrelevance"), s("live_relevance")], false);
    overall = unweighted([live, nonLive], false);
  }
  return {
    formula,
    categories,
    aggregates: {
      overall,
      non_live: nonLive,
      non_live_ast: nonLiveAst,
      simple,
      live,
      live_ast: liveAst,
      irrelevance,
      relevance,
    },
  };
}

function pick(s: Score): Score {
  return { accuracy: s.accuracy, totalCount: s.totalCount, display: s.display };
}

function normaliseTallies(entries: [string, CategoryTally][]): Map<Category, CategoryTally> {
  const out = new Map<Category, CategoryTally>();
  const spelledAs = new Map<Category, string>();
  for (const [name, t] of entries) {
    const c = tryV4Category(name);
    if (c === undefined) throw new InvalidInputError(`Expected a BFCL single-turn category but received ${JSON.stringify(name)}`);
    if (out.has(c)) {
      throw new InvalidInputError(`category ${c} is given twice (as ${JSON.stringify(spelledAs.get(c))} and ${JSON.stringify(name)})`);
    }
    if (!Number.isInteger(t.correct) || !Number.isInteger(t.total) || t.correct < 0 || t.correct > t.total) {
      throw new InvalidInputError(`Expected integers 0 <= correct <= total for ${name} but received ${JSON.stringify(t)}`);
    }
    out.set(c, { correct: t.correct, total: t.total });
    spelledAs.set(c, name);
  }
  return out;
}
