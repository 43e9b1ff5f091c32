import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { MetricsAccumulator } from "./accumulator.js";
import { missingCategory, percentageWeighted, type Score, scoredCategory, unweighted, weighted } from "./aggregate.js";
import { computeBfclMetrics } from "./bfcl-metrics.js";
import { formatMetricsTable, formatPercent, metricsToJson, pyFixed2 } from "./report.js";

// Every expected number below is worked out by hand from the tallies, not by the code.

const s = (accuracy: number, totalCount: number, display: number | null = accuracy): Score => ({ accuracy, totalCount, display });

describe("unweighted / weighted / percentageWeighted", () => {
  it("take the plain mean vs the entry-weighted mean", () => {
    expect(unweighted([s(0.5, 10), s(1, 30)])).toEqual({ accuracy: 0.75, totalCount: 40, display: 0.75 });
    // (0.5·10 + 1·30) / 40 = 35/40
    expect(weighted([s(0.5, 10), s(1, 30)])).toEqual({ accuracy: 0.875, totalCount: 40, display: 0.875 });
  });
  it("count a missing category as 0 and display N/A only when naIfMissing", () => {
    const na = missingCategory(100);
    expect(na).toEqual({ accuracy: 0, totalCount: 100, display: null });
    expect(unweighted([s(0.5, 10), na])).toEqual({ accuracy: 0.25, totalCount: 110, display: null });
    expect(unweighted([s(0.5, 10), na], false)).toEqual({ accuracy: 0.25, totalCount: 110, display: 0.25 });
    // 0.5·10 / 110
    expect(weighted([s(0.5, 10), na]).accuracy).toBeCloseTo(5 / 110, 15);
    expect(weighted([s(0.5, 10), na]).display).toBeNull();
    expect(weighted([s(0.5, 10), na], false).display).toBeCloseTo(5 / 110, 15);
  });
  it("percentageWeighted normalises the weights (BFCL v4's overall)", () => {
    // (0.8·10 + 0.6·10 + 0.7·10 + 0.5·30 + 0·40) / 100 = 36/100
    const r = percentageWeighted([s(0.8, 1), s(0.6, 1), s(0.7, 1), s(0.5, 1), missingCategory(5)], [10, 10, 10, 30, 40], false);
    expect(r.accuracy).toBeCloseTo(0.36, 15);
    expect(r.display).toBeCloseTo(0.36, 15);
    expect(r.totalCount).toBe(9);
    expect(percentageWeighted([s(0.8, 1), missingCategory(5)], [1, 3]).display).toBeNull();
  });
  it("scoredCategory is correct/total", () => {
    expect(scoredCategory(3, 4)).toEqual({ accuracy: 0.75, totalCount: 4, display: 0.75 });
  });
});

// Example A: every category scored; the live AST categories make weighted ≠ unweighted
// (unweighted they would be 0.5).
const talliesA = {
  simple: { correct: 300, total: 400 }, // 0.75, v3 spelling on purpose
  java: { correct: 60, total: 100 }, // 0.6
  simple_javascript: { correct: 45, total: 50 }, // 0.9
  multiple: { correct: 180, total: 200 }, // 0.9
  parallel: { correct: 170, total: 200 }, // 0.85
  parallel_multiple: { correct: 160, total: 200 }, // 0.8
  irrelevance: { correct: 216, total: 240 }, // 0.9
  live_simple: { correct: 258, total: 258 }, // 1
  live_multiple: { correct: 0, total: 1053 }, // 0
  live_parallel: { correct: 16, total: 16 }, // 1
  live_parallel_multiple: { correct: 0, total: 24 }, // 0
  live_irrelevance: { correct: 663, total: 884 }, // 0.75
  live_relevance: { correct: 12, total: 16 }, // 0.75
};

describe("computeBfclMetrics, every category scored", () => {
  it("v4", () => {
    const m = computeBfclMetrics(talliesA, { formula: "v4" });
    const a = m.aggregates;
    expect(m.categories.simple_python).toEqual({ accuracy: 0.75, totalCount: 400, display: 0.75, correct: 300, scored: true });
    expect(a.simple.accuracy).toBeCloseTo((0.75 + 0.6 + 0.9) / 3, 15); // 0.75
    expect(a.non_live_ast.accuracy).toBeCloseTo(0.825, 15); // (0.75 + 0.9 + 0.85 + 0.8) / 4
    expect(a.non_live.accuracy).toBeCloseTo(0.825, 15);
    expect(a.live_ast.accuracy).toBeCloseTo(274 / 1351, 15); // (258 + 16) / (258 + 1053 + 16 + 24)
    expect(a.live_ast.accuracy).not.toBeCloseTo(0.5, 2);
    expect(a.live.accuracy).toBeCloseTo(274 / 1351, 15);
    expect(a.irrelevance.accuracy).toBeCloseTo(0.825, 15); // (0.9 + 0.75) / 2
    expect(a.relevance.accuracy).toBe(0.75);
    expect(a.overall.accuracy).toBeCloseTo((0.825 + 274 / 1351 + 0.825) / 3, 15); // ≈ 0.617604
    expect(a.overall.accuracy).toBeCloseTo(0.6176042, 6);
    for (const name of Object.keys(a) as (keyof typeof a)[]) expect(a[name].display).toBe(a[name].accuracy);
  });
  it("v3: irrelevance inside non_live, live (ir)relevance inside live, overall = mean(live, non_live)", () => {
    const a = computeBfclMetrics(talliesA, { formula: "v3" }).aggregates;
    expect(a.simple.accuracy).toBeCloseTo(0.75, 15);
    expect(a.non_live_ast.accuracy).toBeCloseTo(0.825, 15);
    expect(a.non_live.accuracy).toBeCloseTo(0.84, 15); // (0.75 + 0.9 + 0.85 + 0.8 + 0.9) / 5
    expect(a.live_ast.accuracy).toBeCloseTo(274 / 1351, 15);
    expect(a.live.accuracy).toBeCloseTo(949 / 2251, 15); // (258 + 16 + 663 + 12) / (1351 + 884 + 16)
    expect(a.irrelevance.accuracy).toBeCloseTo(0.825, 15);
    expect(a.relevance.accuracy).toBe(0.75);
    expect(a.overall.accuracy).toBeCloseTo((949 / 2251 + 0.84) / 2, 15); // ≈ 0.630796
    expect(a.overall.accuracy).toBeCloseTo(0.6307952, 6);
  });
});

// Example B: only simple_python 40/50, live_simple 10/20 and irrelevance 30/40 scored.
const talliesB = new Map([
  ["simple_python", { correct: 40, total: 50 }],
  ["live_simple", { correct: 10, total: 20 }],
  ["irrelevance", { correct: 30, total: 40 }],
]);

describe("computeBfclMetrics, missing categories", () => {
  it("v4: missing = 0 over the dataset count, N/A where BFCL shows it", () => {
    const m = computeBfclMetrics(talliesB);
    expect(m.formula).toBe("v4");
    expect(m.categories.simple_java).toEqual({ accuracy: 0, totalCount: 100, display: null, correct: null, scored: false });
    expect(m.categories.live_irrelevance.totalCount).toBe(884);
    const a = m.aggregates;
    expect(a.simple.accuracy).toBeCloseTo(0.8 / 3, 15);
    expect(a.simple.display).toBeNull();
    expect(a.non_live_ast.accuracy).toBeCloseTo(0.2 / 3, 15); // (0.8/3 + 0 + 0 + 0) / 4
    expect(a.non_live_ast.display).toBeNull();
    expect(a.non_live.display).toBeCloseTo(0.2 / 3, 15);
    expect(a.live_ast.accuracy).toBeCloseTo(10 / 1113, 15); // 0.5·20 / (20 + 1053 + 16 + 24)
    expect(a.live_ast.display).toBeNull();
    expect(a.live.display).toBeCloseTo(10 / 1113, 15);
    expect(a.irrelevance.accuracy).toBe(0.375); // (0.75 + 0) / 2
    expect(a.irrelevance.display).toBeNull();
    expect(a.relevance).toEqual({ accuracy: 0, totalCount: 16, display: null });
    expect(a.overall.display).toBeCloseTo((0.2 / 3 + 10 / 1113 + 0.375) / 3, 15); // ≈ 0.150217
  });
  it("v3: the v3 dataset counts weigh the missing live categories", () => {
    const a = computeBfclMetrics(talliesB, { formula: "v3" }).aggregates;
    expect(a.non_live.display).toBeCloseTo((0.8 / 3 + 0.75) / 5, 15); // ≈ 0.203333
    expect(a.live.display).toBeCloseTo(10 / 2013, 15); // 0.5·20 / (20 + 1053 + 16 + 24 + 882 + 18)
    expect(a.live_ast.display).toBeNull();
    expect(a.overall.display).toBeCloseTo((10 / 2013 + (0.8 / 3 + 0.75) / 5) / 2, 15); // ≈ 0.104150
    expect(a.relevance.totalCount).toBe(18);
  });
  it("takes other entry counts for missing categories when given", () => {
    const a = computeBfclMetrics(talliesB, { entryCounts: { live_multiple: 80 } }).aggregates;
    expect(a.live.accuracy).toBeCloseTo(10 / (20 + 80 + 16 + 24), 15);
  });
  it("treats total 0 as not scored", () => {
    const m = computeBfclMetrics({ multiple: { correct: 0, total: 0 } });
    expect(m.categories.multiple).toEqual({ accuracy: 0, totalCount: 200, display: null, correct: null, scored: false });
  });
  it("rejects unknown names, double spellings and impossible tallies", () => {
    expect(() => computeBfclMetrics({ exec_simple: { correct: 1, total: 1 } })).toThrow(InvalidInputError);
    expect(() => computeBfclMetrics({ simple: { correct: 1, total: 1 }, simple_python: { correct: 1, total: 1 } })).toThrow(
      'category simple_python is given twice (as "simple" and "simple_python")',
    );
    expect(() => computeBfclMetrics({ multiple: { correct: 3, total: 2 } })).toThrow("Expected integers 0 <= correct <= total for multiple");
  });
});

describe("MetricsAccumulator", () => {
  it("tallies streamed results under v4 names and gives the same metrics", () => {
    const acc = new MetricsAccumulator();
    for (let i = 0; i < 50; i++) acc.add(i % 2 === 0 ? "simple" : "simple_python", i < 40);
    for (let i = 0; i < 20; i++) acc.add("live_simple", i % 2 === 0);
    for (let i = 0; i < 40; i++) acc.add("irrelevance", i >= 10);
    expect(acc.size).toBe(110);
    expect([...acc.tallies()]).toEqual([
      ["simple_python", { correct: 40, total: 50 }],
      ["irrelevance", { correct: 30, total: 40 }],
      ["live_simple", { correct: 10, total: 20 }],
    ]);
    expect(acc.metrics().aggregates.overall.accuracy).toBeCloseTo((0.2 / 3 + 10 / 1113 + 0.375) / 3, 15);
    expect(() => acc.add("nope", true)).toThrow(InvalidInputError);
  });
});

describe("formatting", () => {
  it("rounds like Python's {:.2f} (exact halves to even)", () => {
    expect(pyFixed2(12.125)).toBe("12.12");
    expect(pyFixed2(0.125)).toBe("0.12");
    expect(pyFixed2(0.375)).toBe("0.38");
    expect(pyFixed2(2.675)).toBe("2.67"); // below the half in binary
    expect(pyFixed2(1.005)).toBe("1.00");
    expect(pyFixed2(87.5)).toBe("87.50");
    expect(formatPercent(0.15021713087750824)).toBe("15.02%");
    expect(formatPercent(1)).toBe("100.00%");
  });

  it("prints the fixed-width table with N/A", () => {
    const table = formatMetricsTable(computeBfclMetrics(talliesB));
    expect(table).toBe(
      [
        "BFCL v4 metrics",
        "category                correct   total  accuracy",
        "simple_python                40      50    80.00%",
        "simple_java                   -     100       N/A",
        "simple_javascript             -      50       N/A",
        "multiple                      -     200       N/A",
        "parallel                      -     200       N/A",
        "parallel_multiple             -     200       N/A",
        "irrelevance                  30      40    75.00%",
        "live_simple                  10      20    50.00%",
        "live_multiple                 -    1053       N/A",
        "live_parallel                 -      16       N/A",
        "live_parallel_multiple        -      24       N/A",
        "live_irrelevance              -     884       N/A",
        "live_relevance                -      16       N/A",
        "",
        "aggregate               accuracy",
        "overall                   15.02%",
        "non_live                   6.67%",
        "non_live_ast                 N/A",
        "simple                       N/A",
        "live                       0.90%",
        "live_ast                     N/A",
        "irrelevance                  N/A",
        "relevance                    N/A",
        "",
      ].join("\n"),
    );
  });

  it("gives JSON with scored categories and every aggregate", () => {
    const j = metricsToJson(computeBfclMetrics(talliesB, { formula: "v3" }));
    expect(j.formula).toBe("v3");
    expect(j.categories).toEqual({
      simple_python: { correct: 40, total: 50, accuracy: 0.8 },
      irrelevance: { correct: 30, total: 40, accuracy: 0.75 },
      live_simple: { correct: 10, total: 20, accuracy: 0.5 },
    });
    expect(Object.keys(j.aggregates)).toEqual(["overall", "non_live", "non_live_ast", "simple", "live", "live_ast", "irrelevance", "relevance"]);
    expect(j.aggregates.simple.display).toBeNull();
    expect(j.aggregates.simple.accuracy).toBeCloseTo(0.8 / 3, 15);
    expect(j.aggregates.live.display).toBeCloseTo(10 / 2013, 15);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
