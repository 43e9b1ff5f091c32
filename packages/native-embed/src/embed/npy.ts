/**
 * NumPy .npy writer for float32 matrices (format version 1.0, see numpy.lib.format):
 * magic "\x93NUMPY", version 1.0, a little-endian uint16 header length, then an ASCII Python
 * dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (n, dim), }` padded with
 * spaces and ended by "\n" so that magic + length + header is a multiple of 64 bytes, then the
 * raw little-endian float32 data in C (row-major) order.
 */
import { open, rename, rm } from "node:fs/promises";

/** The .npy header (magic through the newline) for an `n × dim` little-endian float32 matrix. */
export function npyHeader(n: number, dim: number): Uint8Array {
  for (const [k, v] of [["n", n], ["dim", dim]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`Expected a non-negative integer for npy ${k} but received ${v}`);
  }
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${dim}), }`;
  const pre = 10; // 6 magic + 2 version + 2 header length
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = dict + " ".repeat(total - pre - dict.length - 1) + "\n";
  if (header.length > 0xffff) throw new RangeError("npy header too long for format 1.0");
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  return out;
}

/** The whole .npy file for `data` (length n × dim) as one buffer. */
export function encodeNpy(data: Float32Array, n: number, dim: number): Uint8Array {
  if (data.length !== n * dim) throw new RangeError(`Expected ${n} × ${dim} = ${n * dim} values for npy data but received ${data.length}`);
  const header = npyHeader(n, dim);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  const dv = new DataView(out.buffer, header.length);
  for (let i = 0; i < data.length; i++) dv.setFloat32(i * 4, data[i] as number, true);
  return out;
}

/**
 * Writes `data` (n × dim, row-major) to `path` as .npy, atomically: written to `path.<pid>.tmp`
 * then renamed, so a reader never sees a half-written file.
 */
export async function writeNpy(path: string, data: Float32Array, n: number, dim: number): Promise<void> {
  if (data.length !== n * dim) throw new RangeError(`Expected ${n} × ${dim} = ${n * dim} values for npy data but received ${data.length}`);
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.write(npyHeader(n, dim));
    // Write in ~4 MiB slices so a large matrix is not copied whole a second time.
    const rows = Math.max(1, Math.floor((4 << 20) / Math.max(1, dim * 4)));
    for (let r = 0; r < n; r += rows) {
      const slice = data.subarray(r * dim, Math.min(n, r + rows) * dim);
      const buf = new Uint8Array(slice.byteLength);
      const dv = new DataView(buf.buffer);
      for (let i = 0; i < slice.length; i++) dv.setFloat32(i * 4, slice[i] as number, true);
      await fh.write(buf);
    }
    await fh.close();
    await rename(tmp, path);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}
