/**
 * The table every backend is tested with (ops.test.ts, ops.gpu.test.ts): `{op, n, m, d, seed,
 * tolerance}` rows checked against the float64 references. `checkRow` returns the problems it
 * found (empty = pass) rather than asserting, so this module needs no test framework.
 *
 * Tolerances are absolute, per element (or per score / similarity). They state what a backend
 * must meet: norms in float64, dot products of normalised rows in float32 (error ≈ √d·2⁻²⁴
 * typically, bounded well under 3e-5 at d ≤ 769).
 */
import { cosineSimilarityMatrix, meanPairwiseCosineDistance, nearDuplicates, normalizeRows, rowDiversity, topK, type KernelOptions } from "../ops.js";
import {
  randomMatrix,
  refCosineSimilarityMatrix,
  refMeanPairwiseCosineDistance,
  refNearDuplicates,
  refNormalizeRows,
  refRowDiversity,
  refTopK,
} from "./reference.js";

export type Op = "normalizeRows" | "meanPairwiseCosineDistance" | "rowDiversity" | "cosineSimilarityMatrix" | "nearDuplicates" | "topK";

export interface Row {
  op: Op;
  /** Rows of x, or of a. */
  n: number;
  /** Rows of b (cosineSimilarityMatrix, topK). */
  m?: number;
  d: number;
  seed: number;
  tolerance: number;
  /** nearDuplicates. */
  threshold?: number;
  /** topK. */
  k?: number;
}

/** n = 0 and 1, odd d (1, 3, 17, 769) for SIMD tails, na ≠ nb, k = nb, thresholds from -1 to 0.95. */
export const TABLE: readonly Row[] = [
  { op: "normalizeRows", n: 0, d: 8, seed: 1, tolerance: 1e-6 },
  { op: "normalizeRows", n: 1, d: 1, seed: 2, tolerance: 1e-6 },
  { op: "normalizeRows", n: 37, d: 3, seed: 3, tolerance: 1e-6 },
  { op: "normalizeRows", n: 100, d: 17, seed: 4, tolerance: 1e-6 },
  { op: "normalizeRows", n: 64, d: 769, seed: 5, tolerance: 1e-6 },
  { op: "normalizeRows", n: 513, d: 384, seed: 6, tolerance: 1e-6 },
  { op: "meanPairwiseCosineDistance", n: 0, d: 5, seed: 7, tolerance: 1e-6 },
  { op: "meanPairwiseCosineDistance", n: 1, d: 5, seed: 8, tolerance: 1e-6 },
  { op: "meanPairwiseCosineDistance", n: 2, d: 1, seed: 9, tolerance: 1e-6 },
  { op: "meanPairwiseCosineDistance", n: 3, d: 3, seed: 10, tolerance: 1e-6 },
  { op: "meanPairwiseCosineDistance", n: 100, d: 17, seed: 11, tolerance: 1e-6 },
  { op: "meanPairwiseCosineDistance", n: 257, d: 769, seed: 12, tolerance: 1e-5 },
  { op: "meanPairwiseCosineDistance", n: 600, d: 384, seed: 13, tolerance: 1e-5 },
  { op: "rowDiversity", n: 0, d: 5, seed: 14, tolerance: 1e-6 },
  { op: "rowDiversity", n: 1, d: 5, seed: 15, tolerance: 1e-6 },
  { op: "rowDiversity", n: 2, d: 1, seed: 16, tolerance: 1e-6 },
  { op: "rowDiversity", n: 31, d: 3, seed: 17, tolerance: 1e-5 },
  { op: "rowDiversity", n: 100, d: 17, seed: 18, tolerance: 1e-5 },
  { op: "rowDiversity", n: 257, d: 769, seed: 19, tolerance: 2e-5 },
  { op: "cosineSimilarityMatrix", n: 0, m: 5, d: 8, seed: 20, tolerance: 1e-6 },
  { op: "cosineSimilarityMatrix", n: 5, m: 0, d: 8, seed: 21, tolerance: 1e-6 },
  { op: "cosineSimilarityMatrix", n: 1, m: 1, d: 1, seed: 22, tolerance: 1e-6 },
  { op: "cosineSimilarityMatrix", n: 33, m: 17, d: 3, seed: 23, tolerance: 1e-6 },
  { op: "cosineSimilarityMatrix", n: 64, m: 65, d: 17, seed: 24, tolerance: 5e-6 },
  { op: "cosineSimilarityMatrix", n: 130, m: 47, d: 769, seed: 25, tolerance: 3e-5 },
  { op: "cosineSimilarityMatrix", n: 200, m: 211, d: 384, seed: 26, tolerance: 3e-5 },
  { op: "nearDuplicates", n: 0, d: 4, seed: 27, tolerance: 1e-6, threshold: 0.5 },
  { op: "nearDuplicates", n: 40, d: 3, seed: 28, tolerance: 5e-6, threshold: -1 },
  { op: "nearDuplicates", n: 100, d: 17, seed: 29, tolerance: 5e-6, threshold: 0.3 },
  { op: "nearDuplicates", n: 150, d: 769, seed: 30, tolerance: 3e-5, threshold: 0.95 },
  { op: "nearDuplicates", n: 300, d: 384, seed: 31, tolerance: 3e-5, threshold: 0.2 },
  { op: "topK", n: 1, m: 1, d: 3, k: 1, seed: 32, tolerance: 1e-6 },
  { op: "topK", n: 50, m: 70, d: 17, k: 5, seed: 33, tolerance: 5e-6 },
  { op: "topK", n: 33, m: 33, d: 769, k: 33, seed: 34, tolerance: 3e-5 },
  { op: "topK", n: 130, m: 257, d: 384, k: 10, seed: 35, tolerance: 3e-5 },
];

export function label(r: Row, tolerance = r.tolerance): string {
  const size = r.m === undefined ? `n=${r.n}` : `na=${r.n} nb=${r.m}`;
  const extra = r.threshold !== undefined ? ` threshold=${r.threshold}` : r.k !== undefined ? ` k=${r.k}` : "";
  return `${r.op} ${size} d=${r.d}${extra} (tolerance ${tolerance})`;
}

/** The worst absolute difference, as a problem when it exceeds `tol` (or the lengths differ). */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): string[] {
  if (actual.length !== expected.length) return [`${what}: length ${actual.length}, expected ${expected.length}`];
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i]! - expected[i]!);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  return worst <= tol ? [] : [`${what}: |error| ${worst} > ${tol} at ${at} (got ${actual[at]}, expected ${expected[at]})`];
}

/** A random matrix with some rows repeated (scaled, slightly perturbed) so that near-duplicates exist. */
export function withDuplicates(n: number, d: number, seed: number): Float32Array {
  const x = randomMatrix(n, d, seed);
  for (let i = 3; i < n; i += 7) for (let k = 0; k < d; k++) x[i * d + k] = x[(i - 3) * d + k]! * 2.5 + (k % 5 === 0 ? 0.01 : 0);
  return x;
}

/** Runs one row on the backend `opts` names and lists every way it differs from the reference. */
export async function checkRow(r: Row, opts: KernelOptions, tolerance = r.tolerance): Promise<string[]> {
  const what = label(r, tolerance);
  const x = r.op === "nearDuplicates" ? withDuplicates(r.n, r.d, r.seed) : randomMatrix(r.n, r.d, r.seed);
  const b = randomMatrix(r.m ?? 0, r.d, r.seed + 1000);
  switch (r.op) {
    case "normalizeRows":
      return closeness(await normalizeRows(x, r.d, opts), refNormalizeRows(x, r.d), tolerance, what);
    case "meanPairwiseCosineDistance":
      return closeness([await meanPairwiseCosineDistance(x, r.d, opts)], [refMeanPairwiseCosineDistance(x, r.d)], tolerance, what);
    case "rowDiversity":
      return closeness(await rowDiversity(x, r.d, opts), refRowDiversity(x, r.d), tolerance, what);
    case "cosineSimilarityMatrix":
      return closeness(await cosineSimilarityMatrix(x, b, r.d, opts), refCosineSimilarityMatrix(x, b, r.d), tolerance, what);
    case "nearDuplicates": {
      const problems: string[] = [];
      const t = r.threshold!;
      const got = await nearDuplicates(x, r.d, t, opts);
      const c = refCosineSimilarityMatrix(x, x, r.d);
      // Pairs within the tolerance of the threshold may fall either side of it.
      const sure = refNearDuplicates(x, r.d, t + tolerance);
      const key = (p: readonly [number, number, number]): number => p[0] * r.n + p[1];
      const gotKeys = new Set(got.map(key));
      for (const p of sure) if (!gotKeys.has(key(p))) problems.push(`${what}: pair (${p[0]}, ${p[1]}) with cos ${p[2]} missing`);
      for (let q = 0; q < got.length; q++) {
        const [i, j, s] = got[q]!;
        if (!(i < j && j < r.n && i >= 0)) problems.push(`${what}: bad pair (${i}, ${j})`);
        else if (Math.abs(s - c[i * r.n + j]!) > tolerance) problems.push(`${what}: similarity of (${i}, ${j}) is ${s}, expected ${c[i * r.n + j]}`);
        if (q > 0 && key(got[q - 1]!) >= key(got[q]!)) problems.push(`${what}: not sorted by i then j at ${q}`);
        if (s < Math.fround(t)) problems.push(`${what}: (${i}, ${j}) similarity ${s} below the threshold`);
      }
      if (r.threshold! > 0.5 && sure.length < 5) problems.push(`${what}: the case has only ${sure.length} near-duplicates`);
      return problems.slice(0, 10);
    }
    case "topK": {
      const problems: string[] = [];
      const k = r.k!;
      const nb = r.m!;
      const got = await topK(x, b, r.d, k, opts);
      const ref = refTopK(x, b, r.d, k);
      const c = refCosineSimilarityMatrix(x, b, r.d);
      problems.push(...closeness(got.scores, ref.scores, tolerance, `${what}: scores`));
      if (got.indices.length !== r.n * k) return [...problems, `${what}: ${got.indices.length} indices, expected ${r.n * k}`];
      for (let i = 0; i < r.n; i++) {
        const row = Array.from(got.indices.subarray(i * k, (i + 1) * k));
        if (new Set(row).size !== k) problems.push(`${what}: repeated indices in row ${i}`);
        for (let q = 0; q < k; q++) {
          const j = row[q]!;
          const s = got.scores[i * k + q]!;
          if (!(j >= 0 && j < nb)) problems.push(`${what}: index ${j} out of range in row ${i}`);
          else if (Math.abs(c[i * nb + j]! - s) > tolerance) problems.push(`${what}: score of (${i}, ${j}) is ${s}, expected ${c[i * nb + j]}`);
          if (q > 0 && s > got.scores[i * k + q - 1]!) problems.push(`${what}: row ${i} not best first at ${q}`);
        }
      }
      return problems.slice(0, 10);
    }
  }
}
