import { normalizeAll, Slicer, type JsCallOptions } from "./common.js";

/** out (n × d) = each row of x divided by its L2 norm; zero rows stay zero. */
export async function normalizeRows(x: Float32Array, n: number, d: number, out: Float32Array, opts: JsCallOptions): Promise<void> {
  await normalizeAll(x, n, d, "x", new Slicer(opts.cancel), out);
}
