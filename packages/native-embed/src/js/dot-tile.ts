/**
 * out[oBase + (i − i0)·ldo + (j − j0)] = A_i · B_j for i in [i0, i1), j in [j0, j1), over rows of
 * d floats (already normalised). Accumulates in float64 (JS numbers) and stores float32. The main
 * loop is a 4 × 2 register tile (8 accumulators, 6 loads per 8 multiply-adds), which V8 keeps in
 * registers: about twice the speed of one dot product at a time.
 */
export function dotTile(
  A: Float32Array,
  i0: number,
  i1: number,
  B: Float32Array,
  j0: number,
  j1: number,
  d: number,
  out: Float32Array,
  ldo: number,
  oBase: number,
): void {
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const a0 = i * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    const o = oBase + (i - i0) * ldo - j0;
    let j = j0;
    for (; j + 1 < j1; j += 2) {
      const b0 = j * d;
      const b1 = b0 + d;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let k = 0; k < d; k++) {
        const x0 = B[b0 + k]!;
        const x1 = B[b1 + k]!;
        const y0 = A[a0 + k]!;
        const y1 = A[a1 + k]!;
        const y2 = A[a2 + k]!;
        const y3 = A[a3 + k]!;
        s00 += y0 * x0;
        s01 += y0 * x1;
        s10 += y1 * x0;
        s11 += y1 * x1;
        s20 += y2 * x0;
        s21 += y2 * x1;
        s30 += y3 * x0;
        s31 += y3 * x1;
      }
      out[o + j] = s00;
      out[o + j + 1] = s01;
      out[o + ldo + j] = s10;
      out[o + ldo + j + 1] = s11;
      out[o + 2 * ldo + j] = s20;
      out[o + 2 * ldo + j + 1] = s21;
      out[o + 3 * ldo + j] = s30;
      out[o + 3 * ldo + j + 1] = s31;
    }
    if (j < j1) {
      const b0 = j * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const x0 = B[b0 + k]!;
        s0 += A[a0 + k]! * x0;
        s1 += A[a1 + k]! * x0;
        s2 += A[a2 + k]! * x0;
        s3 += A[a3 + k]! * x0;
      }
      out[o + j] = s0;
      out[o + ldo + j] = s1;
      out[o + 2 * ldo + j] = s2;
      out[o + 3 * ldo + j] = s3;
    }
  }
  for (; i < i1; i++) {
    const a0 = i * d;
    const o = oBase + (i - i0) * ldo - j0;
    for (let j = j0; j < j1; j++) {
      const b0 = j * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < d; k += 4) {
        s0 += A[a0 + k]! * B[b0 + k]!;
        s1 += A[a0 + k + 1]! * B[b0 + k + 1]!;
        s2 += A[a0 + k + 2]! * B[b0 + k + 2]!;
        s3 += A[a0 + k + 3]! * B[b0 + k + 3]!;
      }
      for (; k < d; k++) s0 += A[a0 + k]! * B[b0 + k]!;
      out[o + j] = s0 + s1 + s2 + s3;
    }
  }
}

/** Columns of B per tile: about 64k floats of B (256 KiB, an L2's worth), even, at least 2. */
export function tileCols(d: number): number {
  return Math.max(2, Math.floor((1 << 16) / Math.max(1, d)) & ~1);
}

/** Rows of A per tile: a multiple of the 4-row register tile. */
export const TILE_ROWS = 16;
