/**
 * The CUDA backend: the same table as every other backend (ops.test.ts), TF32 with a looser
 * tolerance, and large sizes. Runs only with ADVFC_GPU_TESTS=1 (root vitest.config.ts), where a
 * device must be present: a missing one is a failure here, not a skip.
 */
import { describe, expect, it } from "vitest";
import { cosineSimilarityMatrix, info, meanPairwiseCosineDistance, nearDuplicates, normalizeRows, rowDiversity, topK } from "./ops.js";
import { checkRow, closeness, label, TABLE } from "./testing/kernel-table.js";
import { randomMatrix } from "./testing/reference.js";

const INFO = info();

/** TF32 keeps 10 mantissa bits of each input: ~1e-3 relative per product, ~2e-3 on a cosine at d ≤ 769. */
const TF32_TOLERANCE = 4e-3;

describe("cuda backend", () => {
  it("is available", () => {
    expect(INFO.cuda.reason ?? "", "CUDA must be available when ADVFC_GPU_TESTS=1").toBe("");
    expect(INFO.cuda.available).toBe(true);
    expect(INFO.backends.cuda.available).toBe(true);
    expect(INFO.cuda.device).toMatch(/\w/);
    expect(INFO.auto).toBe("cuda");
  });

  describe("against the float64 reference", () => {
    it.for(TABLE.map((r) => ({ ...r, name: label(r) })))("$name", async (r) => {
      expect(await checkRow(r, { backend: "cuda" })).toEqual([]);
    });
  });

  describe("tf32", () => {
    const tf32Ops = new Set(["cosineSimilarityMatrix", "nearDuplicates", "topK"]);
    it.for(TABLE.filter((r) => tf32Ops.has(r.op)).map((r) => ({ ...r, name: label(r, Math.max(r.tolerance, TF32_TOLERANCE)) })))("$name", async (r) => {
      expect(await checkRow(r, { backend: "cuda", tf32: true }, Math.max(r.tolerance, TF32_TOLERANCE))).toEqual([]);
    });
  });

  describe("large sizes agree with the cpu or js backend", () => {
    const other = INFO.backends.cpu.available ? "cpu" : "js";
    it("cosineSimilarityMatrix 4096 × 3001 × 769", async () => {
      const a = randomMatrix(4096, 769, 1);
      const b = randomMatrix(3001, 769, 2);
      const gpu = await cosineSimilarityMatrix(a, b, 769, { backend: "cuda" });
      const ref = other === "cpu" ? await cosineSimilarityMatrix(a, b, 769, { backend: "cpu" }) : undefined;
      if (ref) expect(closeness(gpu, ref, 5e-5, "4096×3001×769")).toEqual([]);
      expect(gpu.some(Number.isNaN)).toBe(false);
    }, 120_000);
    it("O(n·d) ops on 65536 × 768", async () => {
      const x = randomMatrix(65536, 768, 3);
      const ref = { backend: other } as const;
      expect(closeness(await normalizeRows(x, 768, { backend: "cuda" }), await normalizeRows(x, 768, ref), 1e-6, "normalizeRows")).toEqual([]);
      expect(closeness([await meanPairwiseCosineDistance(x, 768, { backend: "cuda" })], [await meanPairwiseCosineDistance(x, 768, ref)], 1e-5, "mean")).toEqual([]);
      expect(closeness(await rowDiversity(x, 768, { backend: "cuda" }), await rowDiversity(x, 768, ref), 2e-5, "rowDiversity")).toEqual([]);
    }, 120_000);
    it("nearDuplicates and topK on 8192 × 384", async () => {
      const x = randomMatrix(8192, 384, 4);
      for (let i = 1; i < 8192; i += 97) x.copyWithin(i * 384, (i - 1) * 384, i * 384);
      const pairs = await nearDuplicates(x, 384, 0.999, { backend: "cuda" });
      expect(pairs.length).toBeGreaterThanOrEqual(84);
      for (const [i, j, s] of pairs) expect(i < j && s >= Math.fround(0.999)).toBe(true);
      const t = await topK(x, x, 384, 2, { backend: "cuda" });
      for (let i = 0; i < 8192; i++) expect(t.scores[i * 2]).toBeCloseTo(1, 4);
    }, 120_000);
  });

  it("aborts mid-run", async () => {
    const a = randomMatrix(8192, 768, 5, 0);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 5);
    const e = await cosineSimilarityMatrix(a, a, 768, { backend: "cuda", signal: ac.signal }).catch((err: unknown) => err);
    if (!(e instanceof Float32Array)) expect(e).toMatchObject({ name: "AbortError" });
  });
});
