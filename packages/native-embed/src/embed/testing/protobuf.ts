/**
 * A minimal protocol-buffers writer: just enough of the wire format to emit ONNX models in tests
 * (varints, 32-bit floats, length-delimited fields). Fields are written in the order they are
 * added; repeated scalars are written unpacked, which every proto2/proto3 parser accepts.
 */

/** Wire types of the protobuf encoding. */
const VARINT = 0;
const FIXED32 = 5;
const LEN = 2;

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  /** Writes v as an unsigned LEB128 varint; negative int64 values use their 64-bit two's complement (10 bytes). */
  private rawVarint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    const out: number[] = [];
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    this.push(Uint8Array.from(out));
  }

  /** int64 / int32 / enum / bool field. */
  int(field: number, v: number | bigint): this {
    this.tag(field, VARINT);
    this.rawVarint(BigInt(v));
    return this;
  }

  /** float field (fixed32, little-endian IEEE 754). */
  float(field: number, v: number): this {
    this.tag(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  /** bytes field. */
  bytes(field: number, v: Uint8Array): this {
    this.tag(field, LEN);
    this.rawVarint(BigInt(v.length));
    this.push(v);
    return this;
  }

  /** string field (UTF-8). */
  string(field: number, v: string): this {
    return this.bytes(field, new TextEncoder().encode(v));
  }

  /** Embedded message field. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
