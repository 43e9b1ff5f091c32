/**
 * The public diversity kernels (Eq. 6: mean pairwise cosine distance of a batch's embeddings,
 * its per-row shares, the similarity matrix, near-duplicate pairs, top-k).
 *
 * Layout: every matrix is a row-major Float32Array of n rows × d columns (n = length / d).
 * Semantics, edge cases and precision are those of `native/include/advfc/kernels.h`, on every
 * backend: norms accumulate in float64; a zero vector has cosine 0 with everything (distance 1),
 * never NaN; n = 0 and n = 1 give a mean of 0. NaN or ±Inf in an input rejects with a
 * {@link NonFiniteInputError} naming the matrix and the row.
 *
 * Backends: "cuda" (the addon's CUDA kernels), "cpu" (the addon's AVX2/AVX-512 kernels, threaded,
 * off the JS thread) and "js" (pure TypeScript, always present, run in time slices that yield to
 * the event loop every few milliseconds). Every op returns a promise; input arrays must not be
 * modified until it settles.
 */
import { availableParallelism } from "node:os";
import type { NativeBinding, NativeCallOptions, NativeCudaInfo, NativeInfo, NativeKernelError } from "./binding.js";
import { config } from "./config.js";
import { cosineSimilarityMatrix as jsCosineSimilarityMatrix } from "./js/cosine-similarity-matrix.js";
import { meanPairwiseCosineDistance as jsMeanPairwiseCosineDistance } from "./js/mean-pairwise-cosine-distance.js";
import { nearDuplicates as jsNearDuplicates } from "./js/near-duplicates.js";
import { normalizeRows as jsNormalizeRows } from "./js/normalize-rows.js";
import { rowDiversity as jsRowDiversity } from "./js/row-diversity.js";
import { topK as jsTopK } from "./js/top-k.js";
import { BUILD_COMMAND, nativeBinding, nativeLoadReport, type NativeLoadAttempt } from "./loader.js";

/** Where an op runs; "auto" picks the best that is available. */
export type Backend = "auto" | "cuda" | "cpu" | "js";
/** The backend an op actually ran on. */
export type ResolvedBackend = Exclude<Backend, "auto">;

const BACKENDS: readonly Backend[] = ["auto", "cuda", "cpu", "js"];

export interface KernelOptions {
  /**
   * Where the op runs. "auto" is deterministic: always the best backend that loaded, "cuda" when
   * a device is usable, else "cpu" when the addon loaded, else "js" (small inputs are not moved
   * to "js"). An explicit "cuda" or "cpu" that is unavailable rejects with a
   * {@link BackendUnavailableError} saying why and how to fix it. `info().auto` tells which
   * backend "auto" resolves to.
   * @default "auto"
   */
  backend?: Backend;
  /**
   * Worker threads of the addon's CPU kernels (0 = hardware concurrency). Ignored by "cuda" and
   * "js" (which runs on the JS thread in time slices).
   * @default ADVFC_THREADS, else hardware concurrency
   */
  threads?: number;
  /**
   * Cancels the op: it rejects with the signal's reason (an "AbortError" DOMException unless
   * another was given) soon after the signal fires; an already-aborted signal rejects before
   * any work.
   * @default undefined (not cancellable)
   */
  signal?: AbortSignal;
  /**
   * "cuda" only: TF32 tensor cores for the similarity tiles (cosineSimilarityMatrix,
   * nearDuplicates, topK); about 1e-3 relative error instead of 1e-6. Ignored elsewhere.
   * @default false
   */
  tf32?: boolean;
}

export interface NearDuplicatesOptions extends KernelOptions {
  /**
   * The most pairs nearDuplicates may return; beyond it the op rejects with a
   * {@link TooManyPairsError} (each pair costs ~40 bytes as a JS tuple).
   * @default 50_000_000
   */
  maxPairs?: number;
}

/** Options of the ops that return one Float32Array (normalizeRows, rowDiversity, cosineSimilarityMatrix). */
export interface OutputOptions extends KernelOptions {
  /**
   * Write the result into this array (and return it) instead of a new one: a Float32Array of
   * exactly the result's length that shares no memory with the inputs. Reusing one across calls
   * saves the first-touch page faults of fresh memory, which dominate normalizeRows on inputs of
   * hundreds of MB.
   * @default undefined (a new array)
   */
  out?: Float32Array;
}

/** Test hook, deliberately not part of the documented options: `simd: false` forces the addon's scalar CPU path. */
interface InternalOptions extends NearDuplicatesOptions, OutputOptions {
  simd?: boolean;
}

/** NaN or ±Inf in an input matrix. */
export class NonFiniteInputError extends RangeError {
  readonly code = "ADVFC_NON_FINITE";
  constructor(
    /** The argument that holds the value. */
    readonly matrix: "x" | "a" | "b",
    /** Its row (the lowest offending row of the first matrix checked: x, or a then b). */
    readonly row: number,
    /** Its column, when found. */
    readonly column: number | undefined,
    /** "NaN", "Infinity" or "-Infinity", when found. */
    readonly value: string | undefined,
  ) {
    super(`Expected finite values for ${matrix} but received ${value ?? "a non-finite value"} at row ${row}${column === undefined ? "" : `, column ${column}`}`);
    this.name = "NonFiniteInputError";
  }
}

/** nearDuplicates found more pairs than `maxPairs`. */
export class TooManyPairsError extends RangeError {
  readonly code = "ADVFC_TOO_MANY_PAIRS";
  constructor(
    readonly maxPairs: number,
    readonly threshold: number,
  ) {
    super(`Expected at most maxPairs = ${maxPairs} pairs for nearDuplicates but received more with similarity >= ${threshold} (raise the threshold or maxPairs)`);
    this.name = "TooManyPairsError";
  }
}

/** An explicit "cpu" or "cuda" backend that cannot be used here. */
export class BackendUnavailableError extends Error {
  readonly code = "ADVFC_BACKEND_UNAVAILABLE";
  constructor(
    readonly backend: "cpu" | "cuda",
    /** Why it is unavailable (the loader's or the addon's recorded reason). */
    readonly reason: string,
    /** How to make it available. */
    readonly fix: string,
  ) {
    super(`The "${backend}" backend is unavailable: ${reason}. ${fix}`);
    this.name = "BackendUnavailableError";
  }
}

// ---------------------------------------------------------------------------------------------
// Validation: "Expected <what> for <where> but received <value>".

function describe(v: unknown): string {
  if (v === null) return "null";
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length?: number }).length ?? v.byteLength})`;
  if (Array.isArray(v)) return `an Array(${v.length})`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return String(v);
}

function invalid(Ctor: TypeErrorConstructor | RangeErrorConstructor, what: string, where: string, value: string): Error {
  return Object.assign(new Ctor(`Expected ${what} for ${where} but received ${value}`), { code: "ADVFC_INVALID_ARGUMENT" as const });
}

function checkD(d: unknown, op: string): number {
  if (typeof d !== "number" || !Number.isInteger(d) || d <= 0) throw invalid(TypeError, "a positive integer", `d (${op})`, describe(d));
  return d;
}

/** Rows of a matrix argument; only a Float32Array is accepted (no silent conversion of other arrays). */
function rowsOf(x: unknown, name: "x" | "a" | "b", d: number, op: string): number {
  if (!(x instanceof Float32Array)) {
    throw invalid(TypeError, "a Float32Array (no other array type is accepted: convert with Float32Array.from)", `${name} (${op})`, describe(x));
  }
  if (x.length % d !== 0) {
    throw invalid(TypeError, `a length that is a multiple of d = ${d}`, `${name} (${op})`, `length ${x.length} (d mismatch: ${name} is not rows of ${d} values)`);
  }
  return x.length / d;
}

function checkOptions(opts: unknown, op: string): InternalOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object") throw invalid(TypeError, "an options object", `the options of ${op}`, describe(opts));
  const o = opts as InternalOptions;
  if (o.backend !== undefined && !BACKENDS.includes(o.backend)) {
    throw invalid(TypeError, `one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`, `options.backend (${op})`, describe(o.backend));
  }
  if (o.threads !== undefined && (typeof o.threads !== "number" || !Number.isInteger(o.threads) || o.threads < 0)) {
    throw invalid(TypeError, "a non-negative integer", `options.threads (${op})`, describe(o.threads));
  }
  if (o.maxPairs !== undefined && (typeof o.maxPairs !== "number" || !Number.isSafeInteger(o.maxPairs) || o.maxPairs < 0)) {
    throw invalid(TypeError, "a non-negative integer", `options.maxPairs (${op})`, describe(o.maxPairs));
  }
  if (o.tf32 !== undefined && typeof o.tf32 !== "boolean") throw invalid(TypeError, "a boolean", `options.tf32 (${op})`, describe(o.tf32));
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid(TypeError, "an AbortSignal", `options.signal (${op})`, describe(o.signal));
  return o;
}

// ---------------------------------------------------------------------------------------------
// Backends.

type KernelName = "normalizeRows" | "meanPairwiseCosineDistance" | "rowDiversity" | "cosineSimilarityMatrix" | "nearDuplicates" | "topK";
type Kernels = Pick<NativeBinding, KernelName>;

const jsKernels: Kernels = {
  normalizeRows: jsNormalizeRows,
  meanPairwiseCosineDistance: jsMeanPairwiseCosineDistance,
  rowDiversity: jsRowDiversity,
  cosineSimilarityMatrix: jsCosineSimilarityMatrix,
  nearDuplicates: jsNearDuplicates,
  topK: jsTopK,
};

let nativeInfoCache: NativeInfo | undefined;

/** The addon and its (cached) info(), or undefined when it did not load. */
function native(): { binding: NativeBinding; info: NativeInfo } | undefined {
  const binding = nativeBinding();
  if (binding === undefined) return undefined;
  nativeInfoCache ??= binding.info();
  return { binding, info: nativeInfoCache };
}

function cpuUnavailable(): BackendUnavailableError {
  const report = nativeLoadReport();
  const fix = report.disabled
    ? 'Unset ADVFC_NO_NATIVE, or use backend "auto" or "js".'
    : `Build the addon with \`${BUILD_COMMAND}\` (it needs cmake and a C++17 compiler), or set ADVFC_NATIVE_PATH to a built advfc_native.node, or use backend "auto" or "js".`;
  return new BackendUnavailableError("cpu", report.reason ?? "the native addon did not load", fix);
}

function cudaReason(cuda: NativeCudaInfo): string {
  if (!cuda.compiled) return cuda.reason ?? "the addon was built without CUDA kernels (nvcc was not found at build time)";
  return cuda.reason ?? "no usable CUDA device";
}

function cudaUnavailable(): BackendUnavailableError {
  const n = native();
  if (n === undefined) {
    const cpu = cpuUnavailable();
    return new BackendUnavailableError("cuda", cpu.reason, cpu.fix.replace('use backend "auto" or "js"', 'use backend "auto"'));
  }
  const fix = n.info.cuda.compiled
    ? 'Check the NVIDIA driver and the device (nvidia-smi; CUDA_VISIBLE_DEVICES), or use backend "auto" or "cpu".'
    : `Install the CUDA toolkit (nvcc on PATH, or CUDACXX) and rebuild with \`${BUILD_COMMAND}\`, or use backend "auto" or "cpu".`;
  return new BackendUnavailableError("cuda", cudaReason(n.info.cuda), fix);
}

function autoBackend(): ResolvedBackend {
  const n = native();
  if (n === undefined) return "js";
  return n.info.cuda.available ? "cuda" : "cpu";
}

interface Resolved {
  backend: ResolvedBackend;
  kernels: Kernels;
  call: NativeCallOptions;
  signal: AbortSignal | undefined;
}

/** The backend, its kernels and the addon call options for one call; throws when an explicit backend is unavailable. */
function resolve(opts: InternalOptions, cancel: Int32Array): Resolved {
  const want = opts.backend ?? "auto";
  const backend = want === "auto" ? autoBackend() : want;
  let kernels: Kernels = jsKernels;
  if (backend !== "js") {
    const n = native();
    if (n === undefined) throw backend === "cpu" ? cpuUnavailable() : cudaUnavailable();
    if (backend === "cuda" && !n.info.cuda.available) throw cudaUnavailable();
    kernels = n.binding;
  }
  return {
    backend,
    kernels,
    signal: opts.signal,
    call: {
      backend: backend === "cuda" ? "cuda" : "cpu",
      threads: opts.threads ?? config.threads,
      simd: opts.simd ?? true,
      tf32: opts.tf32 ?? false,
      cancel,
      maxPairs: opts.maxPairs ?? 50_000_000,
    },
  };
}

const KERNEL_CODES: ReadonlySet<unknown> = new Set<NativeKernelError["code"]>([
  "ADVFC_NON_FINITE",
  "ADVFC_ABORTED",
  "ADVFC_TOO_MANY_PAIRS",
  "ADVFC_BAD_ARGUMENT",
  "ADVFC_OUT_OF_MEMORY",
  "ADVFC_CUDA",
]);

/** A rejection of a kernel (native or js), as opposed to an error of this module. */
function isKernelError(e: unknown): e is NativeKernelError {
  return e instanceof Error && KERNEL_CODES.has((e as { code?: unknown }).code);
}

/** The column and kind of the first non-finite value of a row (the addon reports the row only). */
function locateNonFinite(x: Float32Array, d: number, row: number): { column?: number; value?: string } {
  for (let c = 0; c < d; c++) {
    const v = x[row * d + c];
    if (v !== undefined && !Number.isFinite(v)) return { column: c, value: String(v) };
  }
  return {};
}

/**
 * Runs one op: validates the options, resolves the backend, wires the abort signal to a shared
 * cancel flag (per call), and maps kernel rejections to the public errors.
 */
async function run<T>(
  op: string,
  rawOpts: unknown,
  inputs: { x?: Float32Array; a?: Float32Array; b?: Float32Array; d: number; threshold?: number },
  body: (kernels: Kernels, call: NativeCallOptions, backend: ResolvedBackend) => Promise<T>,
): Promise<T> {
  const opts = checkOptions(rawOpts, op);
  opts.signal?.throwIfAborted();
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const r = resolve(opts, cancel);
  const onAbort = (): void => {
    Atomics.store(cancel, 0, 1);
  };
  r.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await body(r.kernels, r.call, r.backend);
  } catch (e) {
    if (!isKernelError(e)) throw e;
    switch (e.code) {
      case "ADVFC_ABORTED":
        throw r.signal?.reason ?? new DOMException("The operation was aborted", "AbortError");
      case "ADVFC_NON_FINITE": {
        const matrix = e.matrix ?? "x";
        const row = e.row ?? -1;
        const m = inputs[matrix];
        const where = m !== undefined && row >= 0 ? locateNonFinite(m, inputs.d, row) : {};
        throw new NonFiniteInputError(matrix, row, where.column, where.value);
      }
      case "ADVFC_TOO_MANY_PAIRS":
        throw new TooManyPairsError(r.call.maxPairs, inputs.threshold ?? Number.NaN);
      default:
        throw Object.assign(new Error(`advfc ${op} failed on the "${r.backend}" backend: ${e.message}`, { cause: e }), { code: e.code });
    }
  } finally {
    r.signal?.removeEventListener("abort", onAbort);
  }
}

function overlaps(p: Float32Array, q: Float32Array): boolean {
  return p.buffer === q.buffer && p.byteOffset < q.byteOffset + q.byteLength && q.byteOffset < p.byteOffset + p.byteLength;
}

/** Checks options.out when given: a Float32Array of `length` that overlaps no input. */
function checkOut(opts: OutputOptions | undefined, length: number, inputs: Array<[string, Float32Array]>, op: string): void {
  const out: unknown = opts?.out;
  if (out === undefined) return;
  if (!(out instanceof Float32Array) || out.length !== length) throw invalid(TypeError, `a Float32Array of length ${length}`, `options.out (${op})`, describe(out));
  for (const [name, x] of inputs) {
    if (overlaps(out, x)) throw invalid(TypeError, `an array that shares no memory with ${name}`, `options.out (${op})`, `one that overlaps ${name}`);
  }
}

/** options.out (already checked), else a new array of `length`. */
function output(opts: OutputOptions | undefined, length: number, op: string): Float32Array {
  if (opts?.out !== undefined) return opts.out;
  try {
    return new Float32Array(length);
  } catch {
    throw invalid(RangeError, "a result that fits in one typed array", op, `${length} elements (nearDuplicates and topK never hold the whole matrix)`);
  }
}

// ---------------------------------------------------------------------------------------------
// The ops.

/**
 * L2-normalises every row of `x` (n × d): returns a new n × d matrix; zero rows stay zero.
 */
export async function normalizeRows(x: Float32Array, d: number, opts?: OutputOptions): Promise<Float32Array> {
  checkD(d, "normalizeRows");
  const n = rowsOf(x, "x", d, "normalizeRows");
  checkOut(opts, n * d, [["x", x]], "normalizeRows");
  return run("normalizeRows", opts, { x, d }, async (k, call) => {
    const out = output(opts, n * d, "normalizeRows");
    await k.normalizeRows(x, n, d, out, call);
    return out;
  });
}

/**
 * Mean over all pairs i < j of the cosine distance 1 − cos(x_i, x_j) of the rows of `x` (n × d):
 * the scalar of Eq. 6 before α. O(n·d). n = 0 and n = 1 give 0; zero rows are at distance 1
 * from every row.
 */
export async function meanPairwiseCosineDistance(x: Float32Array, d: number, opts?: KernelOptions): Promise<number> {
  checkD(d, "meanPairwiseCosineDistance");
  const n = rowsOf(x, "x", d, "meanPairwiseCosineDistance");
  return run("meanPairwiseCosineDistance", opts, { x, d }, (k, call) => k.meanPairwiseCosineDistance(x, n, d, call));
}

/**
 * Each row's mean cosine distance to the other rows (the per-sample share of Eq. 6): a new
 * Float32Array of n values. O(n·d). n = 1 gives [0]; n = 0 gives [].
 */
export async function rowDiversity(x: Float32Array, d: number, opts?: OutputOptions): Promise<Float32Array> {
  checkD(d, "rowDiversity");
  const n = rowsOf(x, "x", d, "rowDiversity");
  checkOut(opts, n, [["x", x]], "rowDiversity");
  return run("rowDiversity", opts, { x, d }, async (k, call) => {
    const out = output(opts, n, "rowDiversity");
    await k.rowDiversity(x, n, d, out, call);
    return out;
  });
}


/**
 * The cosine similarity of every row of `a` (na × d) with every row of `b` (nb × d): a new
 * row-major na × nb Float32Array. Passing the same array as `a` and `b` normalises it once.
 */
export async function cosineSimilarityMatrix(a: Float32Array, b: Float32Array, d: number, opts?: OutputOptions): Promise<Float32Array> {
  checkD(d, "cosineSimilarityMatrix");
  const na = rowsOf(a, "a", d, "cosineSimilarityMatrix");
  const nb = rowsOf(b, "b", d, "cosineSimilarityMatrix");
  checkOut(opts, na * nb, [["a", a], ["b", b]], "cosineSimilarityMatrix");
  return run("cosineSimilarityMatrix", opts, { a, b, d }, async (k, call) => {
    const out = output(opts, na * nb, "cosineSimilarityMatrix");
    await k.cosineSimilarityMatrix(a, na, b, nb, d, out, call);
    return out;
  });
}

/**
 * Every pair of rows i < j of `x` (n × d) with cos(x_i, x_j) >= `threshold`, as
 * [i, j, similarity] sorted by i then j. The n × n matrix is never materialised. A threshold
 * ≤ 0 includes pairs with zero rows (their cosine is 0).
 */
export async function nearDuplicates(
  x: Float32Array,
  d: number,
  threshold: number,
  opts?: NearDuplicatesOptions,
): Promise<Array<[i: number, j: number, similarity: number]>> {
  checkD(d, "nearDuplicates");
  const n = rowsOf(x, "x", d, "nearDuplicates");
  if (typeof threshold !== "number") throw invalid(TypeError, "a finite number", "threshold (nearDuplicates)", describe(threshold));
  if (!Number.isFinite(threshold)) throw invalid(RangeError, "a finite number", "threshold (nearDuplicates)", describe(threshold));
  return run("nearDuplicates", opts, { x, d, threshold }, async (k, call) => {
    const r = await k.nearDuplicates(x, n, d, threshold, call);
    const pairs = new Array<[number, number, number]>(r.i.length);
    for (let p = 0; p < r.i.length; p++) pairs[p] = [r.i[p]!, r.j[p]!, r.similarity[p]!];
    return pairs;
  });
}

/**
 * For each row of `a` (na × d), the `k` rows of `b` (nb × d) with the highest cosine
 * similarity, best first, ties to the lower index: `indices` and `scores` are row-major na × k.
 * Requires an integer 1 ≤ k ≤ nb unless na = 0.
 */
export async function topK(
  a: Float32Array,
  b: Float32Array,
  d: number,
  k: number,
  opts?: KernelOptions,
): Promise<{ indices: Int32Array; scores: Float32Array }> {
  checkD(d, "topK");
  const na = rowsOf(a, "a", d, "topK");
  const nb = rowsOf(b, "b", d, "topK");
  if (typeof k !== "number") throw invalid(TypeError, `an integer k with 1 ≤ k ≤ nb = ${nb}`, "k (topK)", describe(k));
  if (na === 0 ? !Number.isInteger(k) || k < 0 : !Number.isInteger(k) || k < 1 || k > nb) {
    throw invalid(RangeError, `an integer k with 1 ≤ k ≤ nb = ${nb}`, "k (topK)", describe(k));
  }
  return run("topK", opts, { a, b, d }, async (kernels, call) => {
    const indices = new Int32Array(na * k);
    const scores = new Float32Array(na * k);
    if (na > 0) await kernels.topK(a, na, b, nb, d, k, indices, scores, call);
    return { indices, scores };
  });
}

// ---------------------------------------------------------------------------------------------
// info().

export interface BackendStatus {
  available: boolean;
  /** Why it is unavailable (absent when available). */
  reason?: string;
}

export interface KernelsInfo {
  backends: {
    js: { available: true };
    cpu: BackendStatus & {
      /** SIMD level in use: "avx512" | "avx2+fma" | "scalar". */
      simd?: string;
      /** SIMD levels compiled into the addon. */
      simdCompiled?: string[];
      /** Default worker threads. */
      threads?: number;
    };
    cuda: BackendStatus & Omit<NativeCudaInfo, "available" | "reason">;
  };
  /** The backend "auto" resolves to in this process. */
  auto: ResolvedBackend;
  /** The CPU kernels' SIMD level, or "none" when the addon did not load (the js backend). */
  simd: string;
  /** Default CPU threads: ADVFC_THREADS, else the addon's, else this machine's parallelism. */
  threads: number;
  cuda: { available: boolean; device?: string; reason?: string };
  addon: {
    loaded: boolean;
    /** The advfc_native.node in use. */
    path?: string;
    /** Compiler and build type. */
    build?: string;
    contractVersion?: number;
    /** Every load attempt and why it failed. */
    attempts: NativeLoadAttempt[];
    /** ADVFC_NO_NATIVE=1 was set. */
    disabled: boolean;
  };
}

/** What is available here: each backend with the reason it is not, the addon's build, SIMD level and threads. */
export function info(): KernelsInfo {
  const n = native();
  const report = nativeLoadReport();
  const addon = {
    loaded: report.loaded,
    ...(report.path !== undefined && { path: report.path }),
    ...(n !== undefined && { build: n.info.build, contractVersion: n.info.contractVersion }),
    attempts: report.attempts.map((a) => ({ ...a })),
    disabled: report.disabled,
  };
  const threads = config.threads || n?.info.threads || availableParallelism();
  if (n === undefined) {
    const reason = report.reason ?? "the native addon did not load";
    return {
      backends: { js: { available: true }, cpu: { available: false, reason }, cuda: { available: false, compiled: false, reason } },
      auto: "js",
      simd: "none",
      threads,
      cuda: { available: false, reason },
      addon,
    };
  }
  const { available: cudaAvailable, reason: _reason, ...cudaRest } = n.info.cuda;
  const cudaWhy = cudaAvailable ? undefined : cudaReason(n.info.cuda);
  return {
    backends: {
      js: { available: true },
      cpu: { available: true, simd: n.info.simd, simdCompiled: [...n.info.simdCompiled], threads: n.info.threads },
      cuda: { available: cudaAvailable, ...(cudaWhy !== undefined && { reason: cudaWhy }), ...cudaRest },
    },
    auto: cudaAvailable ? "cuda" : "cpu",
    simd: n.info.simd,
    threads,
    cuda: {
      available: cudaAvailable,
      ...(n.info.cuda.device !== undefined && { device: n.info.cuda.device }),
      ...(cudaWhy !== undefined && { reason: cudaWhy }),
    },
    addon,
  };
}

// ---------------------------------------------------------------------------------------------
// Benchmark helpers (used by `advfc bench kernels`).

/**
 * This machine's memory bandwidth in GB/s (1e9 bytes/s), measured by the addon's multi-threaded
 * triad a[i] = b[i] + s·c[i] over three arrays of `bytes` each. Rejects with a
 * {@link BackendUnavailableError} when the addon did not load.
 */
export async function memoryBandwidth(opts: {
  /** Bytes per array: make it well beyond the last-level cache. @default 268_435_456 (256 MiB) */
  bytes?: number;
  /** Threads (0 = hardware concurrency). @default ADVFC_THREADS, else hardware concurrency */
  threads?: number;
} = {}): Promise<number> {
  const bytes = opts.bytes ?? 256 * 2 ** 20;
  if (!Number.isSafeInteger(bytes) || bytes < 4096) throw invalid(RangeError, "an integer >= 4096", "bytes (memoryBandwidth)", describe(opts.bytes));
  const threads = opts.threads ?? config.threads;
  if (!Number.isInteger(threads) || threads < 0) throw invalid(TypeError, "a non-negative integer", "threads (memoryBandwidth)", describe(opts.threads));
  const n = native();
  if (n === undefined) throw cpuUnavailable();
  return n.binding.memoryBandwidth(bytes, threads);
}

/** The ops whose CUDA kernels {@link cudaKernelTime} can time. */
export type TimedOp = "normalizeRows" | "meanPairwiseCosineDistance" | "rowDiversity" | "cosineSimilarityMatrix";

/**
 * The device time (ms) of one call's CUDA kernels alone, excluding host↔device copies, for
 * `op` on `a` (and `b` for cosineSimilarityMatrix; pass null otherwise). Rejects with a
 * {@link BackendUnavailableError} when CUDA is unavailable.
 */
export async function cudaKernelTime(op: TimedOp, a: Float32Array, b: Float32Array | null, d: number, opts: Pick<KernelOptions, "tf32" | "signal"> = {}): Promise<number> {
  checkD(d, "cudaKernelTime");
  const na = rowsOf(a, "a", d, "cudaKernelTime");
  if (op === "cosineSimilarityMatrix" && b === null) throw invalid(TypeError, "a Float32Array", "b (cudaKernelTime of cosineSimilarityMatrix)", "null");
  const nb = b === null ? 0 : rowsOf(b, "b", d, "cudaKernelTime");
  // run() has resolved the cuda backend, so the addon is loaded.
  return run("cudaKernelTime", { ...opts, backend: "cuda" }, { a, ...(b !== null && { b }), d }, (_kernels, call) =>
    native()!.binding.cudaKernelTime(op, a, na, b, nb, d, call),
  );
}
