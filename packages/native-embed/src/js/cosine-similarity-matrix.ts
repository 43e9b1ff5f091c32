import { normalizeAll, Slicer, type JsCallOptions } from "./common.js";
import { dotTile, TILE_ROWS, tileCols } from "./dot-tile.js";

/** out (na × nb, row-major) = cos(a_i, b_j); rows are normalised first, then tiles of Â·B̂ᵀ. */
export async function cosineSimilarityMatrix(
  a: Float32Array,
  na: number,
  b: Float32Array,
  nb: number,
  d: number,
  out: Float32Array,
  opts: JsCallOptions,
): Promise<void> {
  const slicer = new Slicer(opts.cancel);
  const A = await normalizeAll(a, na, d, "a", slicer);
  // The self-similarity case (the same array twice) normalises once.
  const B = b === a && nb === na ? A : await normalizeAll(b, nb, d, "b", slicer);
  const cols = tileCols(d);
  for (let j0 = 0; j0 < nb; j0 += cols) {
    const j1 = Math.min(nb, j0 + cols);
    for (let i0 = 0; i0 < na; i0 += TILE_ROWS) {
      const i1 = Math.min(na, i0 + TILE_ROWS);
      dotTile(A, i0, i1, B, j0, j1, d, out, nb, i0 * nb + j0);
      if (slicer.due()) await slicer.pause();
    }
  }
}
