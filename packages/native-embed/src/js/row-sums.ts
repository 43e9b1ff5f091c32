import { kernelError, rowsPerBlock, type Slicer } from "./common.js";

/** What the O(n·d) ops share: s = Σ_i x̂_i (float64), each row's 1/‖x_i‖ (0 for zero rows), z. */
export interface RowSums {
  s: Float64Array;
  inv: Float64Array;
  /** Rows that are not all zeros. */
  nonZero: number;
}

function accumulate(x: Float32Array, d: number, r0: number, r1: number, sums: RowSums): number {
  const { s, inv } = sums;
  for (let r = r0; r < r1; r++) {
    const o = r * d;
    let s0 = 0;
    let s1 = 0;
    let k = 0;
    for (; k + 1 < d; k += 2) {
      const v0 = x[o + k]!;
      const v1 = x[o + k + 1]!;
      s0 += v0 * v0;
      s1 += v1 * v1;
    }
    if (k < d) s0 += x[o + k]! * x[o + k]!;
    const ss = s0 + s1;
    if (!Number.isFinite(ss)) return r;
    if (ss === 0) continue;
    const w = 1 / Math.sqrt(ss);
    inv[r] = w;
    sums.nonZero++;
    for (k = 0; k < d; k++) s[k] = s[k]! + x[o + k]! * w;
  }
  return -1;
}

/** One pass over x (n × d): the normalised rows' sum and the inverse norms, yielding between blocks. */
export async function rowSums(x: Float32Array, n: number, d: number, slicer: Slicer): Promise<RowSums> {
  const sums: RowSums = { s: new Float64Array(d), inv: new Float64Array(n), nonZero: 0 };
  const step = rowsPerBlock(d);
  for (let r0 = 0; r0 < n; r0 += step) {
    const bad = accumulate(x, d, r0, Math.min(n, r0 + step), sums);
    if (bad >= 0) throw kernelError("ADVFC_NON_FINITE", `non-finite value in x at row ${bad}`, { matrix: "x", row: bad });
    if (slicer.due()) await slicer.pause();
  }
  return sums;
}
