/**
 * `hash`: a deterministic character-n-gram hashing embedder (the "hashing trick" over character
 * n-grams, as in scikit-learn's HashingVectorizer with `analyzer="char"`). No weights, no
 * download, microseconds per text.
 *
 * It measures SURFACE (character) similarity, not meaning: two paraphrases with different words
 * are far apart, and a sentence and its negation are close. Use it as a cheap diversity proxy, a
 * smoke-test backend, or where no model can be had; use `onnx` for semantic diversity (Eq. 6).
 *
 * Algorithm, per text:
 * 1. normalise: Unicode NFKC, then lowercase (locale-independent `toLowerCase`), control
 *    characters (\p{Cc}) become spaces, whitespace runs collapse to one space, ends are trimmed.
 *    An empty result embeds to the zero vector (cosine 0 with everything, including itself).
 * 2. pad with boundary markers U+0002 (start) and U+0003 (end) — never in normalised text, since
 *    controls were removed — so prefixes and suffixes get their own n-grams.
 * 3. every n-gram of n = minN … maxN Unicode code points is hashed: MurmurHash3 x86 32-bit,
 *    seed 0, over its UTF-8 bytes. Bucket = (hash as unsigned) mod dim; sign = −1 when bit 31 of
 *    the hash is set, else +1 (signed hashing: collisions cancel in expectation instead of adding).
 * 4. each distinct n-gram adds sign × weight to its bucket, weight = 1 + ln(count) (sublinear,
 *    the default: frequent n-grams such as "e " do not dominate) or the raw count.
 * 5. the vector is L2-normalised.
 */
import { assertTexts, l2NormalizeRow, resolveBatchSize, yieldToEventLoop, type EmbedOptions, type Embedder } from "./embedder.js";

export interface HashEmbedderOptions {
  /** Output dimension (number of hash buckets). @default 512 */
  dim?: number;
  /** Shortest n-gram, in code points. @default 2 */
  minN?: number;
  /** Longest n-gram, in code points. @default 4 */
  maxN?: number;
  /** Weight each distinct n-gram by 1 + ln(count) instead of its count. @default true */
  sublinear?: boolean;
}

export const HASH_DEFAULTS = { dim: 512, minN: 2, maxN: 4, sublinear: true } as const;

/**
 * MurmurHash3 x86 32-bit of bytes[start, end) (Austin Appleby's public-domain reference
 * algorithm). Returns the hash as a signed 32-bit integer, like scikit-learn's murmurhash3_32.
 */
export function murmurhash3_32(bytes: Uint8Array, seed = 0, start = 0, end = bytes.length): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed | 0;
  const len = end - start;
  const blocksEnd = start + (len & ~3);
  for (let i = start; i < blocksEnd; i += 4) {
    let k = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (len & 3) {
    case 3:
      k ^= (bytes[blocksEnd + 2] as number) << 16;
    // falls through
    case 2:
      k ^= (bytes[blocksEnd + 1] as number) << 8;
    // falls through
    case 1:
      k ^= bytes[blocksEnd] as number;
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Step 1 of the algorithm: the text the n-grams are taken from (without boundary markers). */
export function normalizeForHash(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\p{Cc}/gu, " ").replace(/\s+/gu, " ").trim();
}

const BOS = "\u0002";
const EOS = "\u0003";
const encoder = new TextEncoder();

function utf8Length(cp: number): number {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3; // lone surrogates are encoded as U+FFFD, also 3 bytes
  return 4;
}

export class HashEmbedder implements Embedder {
  readonly dim: number;
  readonly minN: number;
  readonly maxN: number;
  readonly sublinear: boolean;
  readonly name: string;
  readonly description = "character n-gram hashing: measures surface (character) similarity, not meaning";

  constructor(options: HashEmbedderOptions = {}) {
    const dim = options.dim ?? HASH_DEFAULTS.dim;
    const minN = options.minN ?? HASH_DEFAULTS.minN;
    const maxN = options.maxN ?? HASH_DEFAULTS.maxN;
    if (!Number.isInteger(dim) || dim < 1 || dim > 1 << 24) throw new RangeError(`Expected an integer in [1, 16777216] for hash dim but received ${dim}`);
    if (!Number.isInteger(minN) || !Number.isInteger(maxN) || minN < 1 || maxN < minN || maxN > 32) {
      throw new RangeError(`Expected integers 1 ≤ minN ≤ maxN ≤ 32 for the hash n-gram range but received ${minN}-${maxN}`);
    }
    this.dim = dim;
    this.minN = minN;
    this.maxN = maxN;
    this.sublinear = options.sublinear ?? HASH_DEFAULTS.sublinear;
    this.name = `hash:char-ngram(${minN}-${maxN},${this.sublinear ? "log-tf" : "tf"})/${dim}`;
  }

  /** Embeds one text into out[off .. off+dim) (which must be zero on entry). */
  embedOne(text: string, out: Float32Array, off = 0): void {
    const norm = normalizeForHash(text);
    if (norm === "") return;
    const padded = BOS + norm + EOS;
    const bytes = encoder.encode(padded);
    // Byte offset of each code point, plus the end: an n-gram is bytes[offs[i], offs[i+n]).
    const offs: number[] = [0];
    let o = 0;
    for (const ch of padded) {
      o += utf8Length(ch.codePointAt(0) as number);
      offs.push(o);
    }
    const cps = offs.length - 1;
    const counts = new Map<number, number>();
    for (let n = this.minN; n <= this.maxN && n <= cps; n++) {
      for (let i = 0; i + n <= cps; i++) {
        const h = murmurhash3_32(bytes, 0, offs[i] as number, offs[i + n] as number);
        counts.set(h, (counts.get(h) ?? 0) + 1);
      }
    }
    const acc = new Float64Array(this.dim);
    for (const [h, c] of counts) {
      const w = this.sublinear ? 1 + Math.log(c) : c;
      const bucket = (h >>> 0) % this.dim;
      acc[bucket]! += h < 0 ? -w : w;
    }
    l2NormalizeRow(acc, 0, this.dim);
    for (let d = 0; d < this.dim; d++) out[off + d] = acc[d] as number;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array> {
    assertTexts(texts);
    const batchSize = resolveBatchSize(options.batchSize);
    const out = new Float32Array(texts.length * this.dim);
    for (let start = 0; start < texts.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const end = Math.min(texts.length, start + batchSize);
      for (let i = start; i < end; i++) this.embedOne(texts[i] as string, out, i * this.dim);
      options.onProgress?.(end, texts.length);
      if (end < texts.length) await yieldToEventLoop();
    }
    options.signal?.throwIfAborted();
    return out;
  }

  async dispose(): Promise<void> {}
}
