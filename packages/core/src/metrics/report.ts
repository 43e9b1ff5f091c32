import { BFCL_V4_CATEGORIES } from "../schema/category.js";
import { AGGREGATE_NAMES, type AggregateName, type BfclMetrics, type MetricsFormula } from "./bfcl-metrics.js";

/**
 * A percentage with 2 decimals, exactly as Python's `"{:.2f}%".format(x * 100)` (BFCL's CSV):
 * exact halves round to even, where JavaScript's `toFixed` rounds them up.
 */
export function formatPercent(accuracy: number): string {
  return `${pyFixed2(accuracy * 100)}%`;
}

/** Python's `format(x, ".2f")`. */
export function pyFixed2(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  // An exact tie at the 2nd decimal is x = (2n+1)/200 held exactly in binary, i.e. x·8 odd.
  const x8 = x * 8;
  if (Number.isInteger(x8) && Math.abs(x8) % 2 === 1) {
    const sign = x < 0 ? "-" : "";
    const lo = Math.floor(Math.abs(x) * 100); // |x|·100 = k + 0.5 exactly
    const n = lo % 2 === 0 ? lo : lo + 1;
    return `${sign}${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`;
  }
  return x.toFixed(2);
}

function display(d: number | null): string {
  return d === null ? "N/A" : formatPercent(d);
}

/**
 * The per-category table and the aggregates as fixed-width text. Categories that were not
 * scored show `-` as correct, the dataset entry count they are weighted with as total, and
 * "N/A"; aggregates show "N/A" where BFCL would.
 */
export function formatMetricsTable(m: BfclMetrics): string {
  const nameW = Math.max(...[...BFCL_V4_CATEGORIES, ...AGGREGATE_NAMES, "category", "aggregate"].map((c) => c.length));
  const lines: string[] = [];
  lines.push(`BFCL ${m.formula} metrics`);
  lines.push(`${"category".padEnd(nameW)}  ${"correct".padStart(7)}  ${"total".padStart(6)}  ${"accuracy".padStart(8)}`);
  for (const c of BFCL_V4_CATEGORIES) {
    const r = m.categories[c];
    lines.push(
      `${c.padEnd(nameW)}  ${(r.correct === null ? "-" : String(r.correct)).padStart(7)}  ${String(r.totalCount).padStart(6)}  ${display(r.display).padStart(8)}`,
    );
  }
  lines.push("");
  lines.push(`${"aggregate".padEnd(nameW)}  ${"accuracy".padStart(8)}`);
  for (const a of AGGREGATE_NAMES) lines.push(`${a.padEnd(nameW)}  ${display(m.aggregates[a].display).padStart(8)}`);
  return lines.join("\n") + "\n";
}

/** The JSON form of {@link BfclMetrics}: scored categories with their tallies, every aggregate. */
export interface BfclMetricsJson {
  formula: MetricsFormula;
  /** Only the categories that were scored, by v4 name. */
  categories: Record<string, { correct: number; total: number; accuracy: number }>;
  /** `display` is `null` where BFCL shows "N/A"; `accuracy` always counts unscored categories as 0. */
  aggregates: Record<AggregateName, { accuracy: number; display: number | null }>;
}

/** {@link BfclMetrics} as plain JSON (see {@link BfclMetricsJson}). */
export function metricsToJson(m: BfclMetrics): BfclMetricsJson {
  const categories: BfclMetricsJson["categories"] = {};
  for (const c of BFCL_V4_CATEGORIES) {
    const r = m.categories[c];
    if (r.scored && r.correct !== null) categories[c] = { correct: r.correct, total: r.totalCount, accuracy: r.accuracy };
  }
  const aggregates = {} as BfclMetricsJson["aggregates"];
  for (const a of AGGREGATE_NAMES) aggregates[a] = { accuracy: m.aggregates[a].accuracy, display: m.aggregates[a].display };
  return { formula: m.formula, categories, aggregates };
}
