import { kernelError, normalizeAll, Slicer, type JsCallOptions } from "./common.js";
import { dotTile, TILE_ROWS, tileCols } from "./dot-tile.js";

/**
 * Every pair i < j with cos(x_i, x_j) >= threshold (compared in float32, like the addon), sorted
 * by i then j, as three parallel arrays. Tiles of the upper triangle are computed and scanned;
 * the n × n matrix never exists. More than opts.maxPairs pairs reject with ADVFC_TOO_MANY_PAIRS.
 */
export async function nearDuplicates(
  x: Float32Array,
  n: number,
  d: number,
  threshold: number,
  opts: JsCallOptions,
): Promise<{ i: Int32Array; j: Int32Array; similarity: Float32Array }> {
  const slicer = new Slicer(opts.cancel);
  const X = await normalizeAll(x, n, d, "x", slicer);
  const t = Math.fround(threshold);
  const cols = tileCols(d);
  const tile = new Float32Array(TILE_ROWS * cols);
  const is: number[] = [];
  const js: number[] = [];
  const sims: number[] = [];
  // Pairs of the current row block, per row, so that the output stays sorted by i then j.
  const rowJ: number[][] = Array.from({ length: TILE_ROWS }, () => []);
  const rowS: number[][] = Array.from({ length: TILE_ROWS }, () => []);
  let pending = 0; // pairs held in rowJ / rowS
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    const i1 = Math.min(n, i0 + TILE_ROWS);
    for (let j0 = i0 + 1; j0 < n; j0 += cols) {
      const j1 = Math.min(n, j0 + cols);
      const w = j1 - j0;
      dotTile(X, i0, i1, X, j0, j1, d, tile, w, 0);
      for (let i = i0; i < i1; i++) {
        const base = (i - i0) * w - j0;
        const pj = rowJ[i - i0]!;
        const ps = rowS[i - i0]!;
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const s = tile[base + j]!;
          if (s >= t) {
            pj.push(j);
            ps.push(s);
            pending++;
          }
        }
        if (is.length + pending > opts.maxPairs) {
          throw kernelError("ADVFC_TOO_MANY_PAIRS", `more than ${opts.maxPairs} pairs have similarity >= ${threshold}`);
        }
      }
      if (slicer.due()) await slicer.pause();
    }
    for (let r = 0; r < i1 - i0; r++) {
      const pj = rowJ[r]!;
      const ps = rowS[r]!;
      for (let q = 0; q < pj.length; q++) {
        is.push(i0 + r);
        js.push(pj[q]!);
        sims.push(ps[q]!);
      }
      pj.length = 0;
      ps.length = 0;
    }
    pending = 0;
  }
  return { i: Int32Array.from(is), j: Int32Array.from(js), similarity: Float32Array.from(sims) };
}
