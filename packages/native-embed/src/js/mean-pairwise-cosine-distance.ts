import { Slicer, type JsCallOptions } from "./common.js";
import { rowSums } from "./row-sums.js";

/**
 * Mean over pairs i < j of 1 − cos(x_i, x_j), in O(n·d) through
 * Σ_{i<j} cos = (‖Σ x̂_i‖² − z) / 2 with z the number of non-zero rows. n < 2 gives 0.
 */
export async function meanPairwiseCosineDistance(x: Float32Array, n: number, d: number, opts: JsCallOptions): Promise<number> {
  const { s, nonZero } = await rowSums(x, n, d, new Slicer(opts.cancel));
  if (n < 2) return 0;
  let ss = 0;
  for (let k = 0; k < d; k++) ss += s[k]! * s[k]!;
  const pairs = (n * (n - 1)) / 2;
  return 1 - (ss - nonZero) / 2 / pairs;
}
