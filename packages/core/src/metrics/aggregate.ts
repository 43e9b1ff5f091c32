/**
 * BFCL's score arithmetic (`bfcl_eval/eval_checker/eval_runner_helper.py`, v4 at 6ea57973).
 *
 * Every score — a category or an aggregate — is `{accuracy, totalCount, display}`. A category
 * that was not scored counts as accuracy 0 over its dataset entry count, and is displayed as
 * "N/A" (`display: null`). An aggregate's accuracy always counts such categories as 0; its
 * display is "N/A" when any input's display is and `naIfMissing` is true, else the accuracy.
 */

/** One score in BFCL's form. */
export interface Score {
  /** Fraction correct, 0–1. A category that was not scored is 0. */
  accuracy: number;
  /** Number of entries behind the score (the weight in {@link weighted}). */
  totalCount: number;
  /** What BFCL displays: the accuracy, or `null` for "N/A". */
  display: number | null;
}

/** A scored category: `correct / total`, displayed as itself. */
export function scoredCategory(correct: number, total: number): Score {
  return { accuracy: total > 0 ? correct / total : 0, totalCount: total, display: total > 0 ? correct / total : null };
}

/** A category that was not scored: accuracy 0 over `entryCount` entries, "N/A". */
export function missingCategory(entryCount: number): Score {
  return { accuracy: 0, totalCount: entryCount, display: null };
}

function finish(accuracy: number, totalCount: number, hasNa: boolean, naIfMissing: boolean): Score {
  return { accuracy, totalCount, display: hasNa && naIfMissing ? null : accuracy };
}

/**
 * BFCL's `calculate_unweighted_accuracy`: the plain mean of the accuracies.
 * @param naIfMissing display "N/A" when an input does. @default true
 * @throws {RangeError} for an empty list (BFCL divides by zero there).
 */
export function unweighted(scores: readonly Score[], naIfMissing = true): Score {
  if (scores.length === 0) throw new RangeError("unweighted() of no scores");
  let sum = 0;
  let count = 0;
  let hasNa = false;
  for (const s of scores) {
    sum += s.accuracy;
    count += s.totalCount;
    if (s.display === null) hasNa = true;
  }
  return finish(sum / scores.length, count, hasNa, naIfMissing);
}

/**
 * BFCL's `calculate_weighted_accuracy`: `Σ accuracy·totalCount / Σ totalCount`.
 * @param naIfMissing display "N/A" when an input does. @default true
 * @throws {RangeError} when the counts sum to 0 (BFCL divides by zero there).
 */
export function weighted(scores: readonly Score[], naIfMissing = true): Score {
  let sum = 0;
  let count = 0;
  let hasNa = false;
  for (const s of scores) {
    sum += s.accuracy * s.totalCount;
    count += s.totalCount;
    if (s.display === null) hasNa = true;
  }
  if (count === 0) throw new RangeError("weighted() of scores with no entries");
  return finish(sum / count, count, hasNa, naIfMissing);
}

/**
 * BFCL's `calculate_percentage_weighted_accuracy`: `Σ accuracy·wᵢ/Σw` with fixed weights
 * (normalised to sum 1 first, as BFCL does).
 * @param naIfMissing display "N/A" when an input does. @default true
 */
export function percentageWeighted(scores: readonly Score[], weights: readonly number[], naIfMissing = true): Score {
  if (scores.length !== weights.length) throw new RangeError("percentageWeighted(): one weight per score");
  const wSum = weights.reduce((a, b) => a + b, 0);
  if (!(wSum > 0)) throw new RangeError("percentageWeighted(): weights must sum to more than 0");
  let acc = 0;
  let count = 0;
  let hasNa = false;
  scores.forEach((s, i) => {
    acc += s.accuracy * (weights[i]! / wSum);
    count += s.totalCount;
    if (s.display === null) hasNa = true;
  });
  return finish(acc, count, hasNa, naIfMissing);
}
