/**
 * Naive float64 references of every op, straight from the definitions (no identities, no
 * tiling), and a seeded generator of test matrices. Used by the tests of every backend.
 */

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * n × d float32 values in [-1, 1) plus a shared direction (`bias`), so that cosines spread
 * over a useful range instead of clustering at 0 as independent high-dimensional vectors do.
 */
export function randomMatrix(n: number, d: number, seed: number, bias = 0.3): Float32Array {
  const r = rng(seed);
  const common = Array.from({ length: d }, () => r() * 2 - 1);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x[i * d + k] = r() * 2 - 1 + bias * common[k]!;
  return x;
}

function row(x: Float32Array, d: number, i: number): Float64Array {
  return Float64Array.from(x.subarray(i * d, (i + 1) * d));
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const e of v) s += e * e;
  return Math.sqrt(s);
}

/** cos(u, v) in float64; 0 when either is all zeros. */
export function refCos(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  const u = row(a, d, i);
  const v = row(b, d, j);
  const nu = norm(u);
  const nv = norm(v);
  if (nu === 0 || nv === 0) return 0;
  let s = 0;
  for (let k = 0; k < d; k++) s += (u[k]! / nu) * (v[k]! / nv);
  return s;
}

export function refNormalizeRows(x: Float32Array, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const u = row(x, d, i);
    const nu = norm(u);
    if (nu > 0) for (let k = 0; k < d; k++) out[i * d + k] = u[k]! / nu;
  }
  return out;
}

export function refCosineSimilarityMatrix(a: Float32Array, b: Float32Array, d: number): Float64Array {
  const na = a.length / d;
  const nb = b.length / d;
  const A = refNormalizeRows(a, d);
  const B = b === a ? A : refNormalizeRows(b, d);
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[i * d + k]! * B[j * d + k]!;
      out[i * nb + j] = s;
    }
  }
  return out;
}

/** The mean of 1 − cos over all pairs i < j, by enumerating them (0 for n < 2). */
export function refMeanPairwiseCosineDistance(x: Float32Array, d: number): number {
  const n = x.length / d;
  if (n < 2) return 0;
  const c = refCosineSimilarityMatrix(x, x, d);
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += 1 - c[i * n + j]!;
  return s / ((n * (n - 1)) / 2);
}

/** Each row's mean of 1 − cos to the others, by enumeration ([0] for n = 1). */
export function refRowDiversity(x: Float32Array, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n);
  if (n < 2) return out;
  const c = refCosineSimilarityMatrix(x, x, d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) if (j !== i) s += 1 - c[i * n + j]!;
    out[i] = s / (n - 1);
  }
  return out;
}

/** Every pair i < j with cos >= threshold, sorted by i then j. */
export function refNearDuplicates(x: Float32Array, d: number, threshold: number): Array<[number, number, number]> {
  const n = x.length / d;
  const c = refCosineSimilarityMatrix(x, x, d);
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (c[i * n + j]! >= threshold) out.push([i, j, c[i * n + j]!]);
  return out;
}

/** Per row of a, the k best rows of b (score descending, index ascending on ties). */
export function refTopK(a: Float32Array, b: Float32Array, d: number, k: number): { indices: Int32Array; scores: Float64Array } {
  const na = a.length / d;
  const nb = b.length / d;
  const c = refCosineSimilarityMatrix(a, b, d);
  const indices = new Int32Array(na * k);
  const scores = new Float64Array(na * k);
  for (let i = 0; i < na; i++) {
    const order = Array.from({ length: nb }, (_, j) => j).sort((p, q) => c[i * nb + q]! - c[i * nb + p]! || p - q);
    for (let r = 0; r < k; r++) {
      indices[i * k + r] = order[r]!;
      scores[i * k + r] = c[i * nb + order[r]!]!;
    }
  }
  return { indices, scores };
}
