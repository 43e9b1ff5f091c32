/**
 * Shared pieces of the pure-TS backend: the options it reads, cooperative time slicing, errors
 * shaped like the addon's rejections, and row normalisation with the non-finite scan.
 *
 * The JS kernels take the addon's arguments (see `binding.ts`) so that `ops.ts` dispatches to
 * either through one code path and maps their rejections in one place.
 */
import type { NativeCallOptions, NativeKernelError } from "../binding.js";

/** The part of the addon's call options the pure-TS kernels read. */
export type JsCallOptions = Pick<NativeCallOptions, "cancel" | "maxPairs">;

/** An Error shaped like the addon's rejections, so `ops.ts` maps both backends alike. */
export function kernelError(
  code: NativeKernelError["code"],
  message: string,
  extra: { matrix?: "x" | "a" | "b"; row?: number } = {},
): NativeKernelError {
  return Object.assign(new Error(message), { code }, extra);
}

/** How long a kernel runs before it lets the event loop turn (timers, I/O, other calls). */
const SLICE_MS = 8;

/**
 * Cooperative time slicing. Kernels do their work in blocks of roughly 10–100 µs and ask
 * `due()` after each; when it says so they `await pause()`, which yields to the event loop
 * through `setImmediate` (so timers and I/O run) and then checks the cancel flag.
 */
export class Slicer {
  private deadline = performance.now() + SLICE_MS;

  constructor(private readonly cancel: Int32Array) {
    this.check();
  }

  due(): boolean {
    return performance.now() >= this.deadline;
  }

  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
    this.deadline = performance.now() + SLICE_MS;
  }

  private check(): void {
    if (Atomics.load(this.cancel, 0) !== 0) throw kernelError("ADVFC_ABORTED", "The operation was aborted");
  }
}

/** Rows per normalisation block between `due()` checks (scaled by d so a block is ~64k values). */
export function rowsPerBlock(d: number, values = 1 << 16): number {
  return Math.max(1, Math.floor(values / Math.max(1, d)));
}

/**
 * Writes the L2-normalised rows [r0, r1) of `x` (n × d) into `out` (float32; zero rows stay zero)
 * and returns the first row holding NaN or ±Inf, or -1. Norms accumulate in float64 (JS numbers),
 * so no finite float32 input overflows or underflows: x² ≤ 1.2e77 and ≥ 2e-90 in float64.
 * A row's squared sum is non-finite exactly when the row holds a non-finite value.
 */
export function normalizeBlock(x: Float32Array, d: number, r0: number, r1: number, out: Float32Array): number {
  for (let r = r0; r < r1; r++) {
    const o = r * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = 0;
    for (; k + 3 < d; k += 4) {
      const v0 = x[o + k]!;
      const v1 = x[o + k + 1]!;
      const v2 = x[o + k + 2]!;
      const v3 = x[o + k + 3]!;
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
    for (; k < d; k++) s0 += x[o + k]! * x[o + k]!;
    const ss = s0 + s1 + s2 + s3;
    if (!Number.isFinite(ss)) return r;
    if (ss === 0) {
      out.fill(0, o, o + d);
      continue;
    }
    const inv = 1 / Math.sqrt(ss);
    for (k = 0; k < d; k++) out[o + k] = x[o + k]! * inv;
  }
  return -1;
}

/**
 * Normalises every row of `x` (n × d) into a new float32 matrix, yielding between blocks.
 * Rejects with ADVFC_NON_FINITE naming `matrix` and the lowest offending row.
 */
export async function normalizeAll(
  x: Float32Array,
  n: number,
  d: number,
  matrix: "x" | "a" | "b",
  slicer: Slicer,
  out: Float32Array = new Float32Array(n * d),
): Promise<Float32Array> {
  const step = rowsPerBlock(d);
  for (let r0 = 0; r0 < n; r0 += step) {
    const r1 = Math.min(n, r0 + step);
    const bad = normalizeBlock(x, d, r0, r1, out);
    if (bad >= 0) throw kernelError("ADVFC_NON_FINITE", `non-finite value in ${matrix} at row ${bad}`, { matrix, row: bad });
    if (slicer.due()) await slicer.pause();
  }
  return out;
}
