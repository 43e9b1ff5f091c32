/**
 * The sentence-embedder contract shared by every backend (`onnx`, `hash`).
 */

export interface EmbedOptions {
  /**
   * Texts per model call. Larger batches amortise per-call overhead but pad more and use more
   * memory (onnx: batch × longest sequence × hidden floats per layer).
   * @default 32
   */
  batchSize?: number;
  /** Checked between batches; an aborted embed rejects with `signal.reason`. @default undefined */
  signal?: AbortSignal;
  /** Called after each batch with the number of texts embedded so far and the total. @default undefined */
  onProgress?: (done: number, total: number) => void;
}

export interface Embedder {
  /**
   * Embeds `texts` and resolves to an `n × dim` row-major float32 matrix, row i for texts[i].
   * Every row is L2-normalised (unit length), except the all-zero row an embedder may return for
   * a text it has nothing to say about (hash: an empty text), which has cosine 0 with everything.
   */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array>;
  /** Dimension of each embedding. */
  readonly dim: number;
  /**
   * An honest, stable identifier of what produced the vectors, e.g.
   * `onnx:shibing624/text2vec-base-multilingual` or `hash:char-ngram(2-4,log-tf)/512`.
   */
  readonly name: string;
  /** One line saying what the vectors measure (meaning vs surface form), for logs and reports. */
  readonly description: string;
  /** Frees native resources (onnx sessions). Idempotent; the embedder is unusable afterwards. */
  dispose(): Promise<void>;
}

/** Default texts per batch. */
export const DEFAULT_BATCH_SIZE = 32;

/** Validates `batchSize` (a positive integer) and returns it, with the default filled in. */
export function resolveBatchSize(batchSize: number | undefined): number {
  const b = batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(b) || b < 1) throw new RangeError(`Expected a positive integer for batchSize but received ${String(batchSize)}`);
  return b;
}

/** Throws a TypeError naming the index if any element is not a string (callers may come from JS). */
export function assertTexts(texts: readonly string[]): void {
  if (!Array.isArray(texts)) throw new TypeError(`Expected an array of strings for texts but received ${typeof texts}`);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") throw new TypeError(`Expected a string for texts[${i}] but received ${texts[i] === null ? "null" : typeof texts[i]}`);
  }
}

/** L2-normalises `v[off .. off+dim)` in place; a zero row stays zero. */
export function l2NormalizeRow(v: Float32Array | Float64Array, off: number, dim: number): void {
  let s = 0;
  for (let i = off; i < off + dim; i++) s += (v[i] as number) * (v[i] as number);
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let i = off; i < off + dim; i++) v[i] = (v[i] as number) * inv;
}

/** Resolves on the next macrotask, so an abort or other I/O can be observed between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
