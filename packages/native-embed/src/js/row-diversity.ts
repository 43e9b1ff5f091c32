import { rowsPerBlock, Slicer, type JsCallOptions } from "./common.js";
import { rowSums } from "./row-sums.js";

function rowShares(x: Float32Array, d: number, r0: number, r1: number, s: Float64Array, inv: Float64Array, n: number, out: Float32Array): void {
  for (let r = r0; r < r1; r++) {
    const w = inv[r]!;
    if (w === 0) {
      out[r] = 1; // a zero row is at distance 1 from everything
      continue;
    }
    const o = r * d;
    let dot = 0;
    let self = 0;
    for (let k = 0; k < d; k++) {
      const v = x[o + k]! * w;
      dot += v * s[k]!;
      self += v * v;
    }
    out[r] = 1 - (dot - self) / (n - 1);
  }
}

/**
 * out[i] = mean over j ≠ i of 1 − cos(x_i, x_j) = 1 − (x̂_i·s − ‖x̂_i‖²) / (n − 1), s = Σ_j x̂_j.
 * n = 1 gives [0]; n = 0 writes nothing.
 */
export async function rowDiversity(x: Float32Array, n: number, d: number, out: Float32Array, opts: JsCallOptions): Promise<void> {
  const slicer = new Slicer(opts.cancel);
  const { s, inv } = await rowSums(x, n, d, slicer);
  if (n === 1) {
    out[0] = 0;
    return;
  }
  const step = rowsPerBlock(d);
  for (let r0 = 0; r0 < n; r0 += step) {
    rowShares(x, d, r0, Math.min(n, r0 + step), s, inv, n, out);
    if (slicer.due()) await slicer.pause();
  }
}
