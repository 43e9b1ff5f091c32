/**
 * The single typed contract of the native addon (`build/Release/advfc_native.node`, built from
 * `addon/*.cpp` over `native/`). Every native export is declared here and nowhere else; no `any`
 * crosses the boundary. The addon validates nothing that the TS layer (`ops.ts`) already
 * validates (sizes, d mismatch, k range): it trusts `n`, `d`, `k` and the lengths of `out`
 * buffers, which `ops.ts` computes. It does check every input value for NaN/±Inf, because that
 * scan belongs in the same pass as the norms.
 *
 * Every kernel runs in a `Napi::AsyncWorker` (off the JS thread) and resolves its promise when
 * done. Input arrays must not be modified until the promise settles.
 */

/** Bumped whenever a signature below changes; the loader refuses an addon with another value. */
export const NATIVE_CONTRACT_VERSION = 1;

/** The native backends: the addon's CPU kernels and its CUDA kernels. */
export type NativeBackend = "cpu" | "cuda";

export interface NativeCallOptions {
  backend: NativeBackend;
  /** CPU worker threads; 0 = hardware concurrency. Ignored by cuda. */
  threads: number;
  /** false forces the scalar CPU path (as ADVFC_DISABLE_SIMD=1 does for the whole process). */
  simd: boolean;
  /** cuda only: tensor-core TF32 for the similarity tiles. */
  tf32: boolean;
  /**
   * Cancellation flag: the kernel polls element 0 between blocks and rejects with code
   * "ADVFC_ABORTED" once it is non-zero. Backed by a SharedArrayBuffer so worker threads see
   * the write.
   */
  cancel: Int32Array;
  /** nearDuplicates: reject with code "ADVFC_TOO_MANY_PAIRS" beyond this many pairs. */
  maxPairs: number;
}

/**
 * How a native kernel rejects. `code` is stable:
 * - "ADVFC_NON_FINITE": NaN or ±Inf in input `matrix` ("x" | "a" | "b") at `row`;
 * - "ADVFC_ABORTED": the cancel flag was set;
 * - "ADVFC_TOO_MANY_PAIRS": nearDuplicates exceeded maxPairs;
 * - "ADVFC_BAD_ARGUMENT", "ADVFC_OUT_OF_MEMORY", "ADVFC_CUDA": see `message`.
 */
export interface NativeKernelError extends Error {
  code:
    | "ADVFC_NON_FINITE"
    | "ADVFC_ABORTED"
    | "ADVFC_TOO_MANY_PAIRS"
    | "ADVFC_BAD_ARGUMENT"
    | "ADVFC_OUT_OF_MEMORY"
    | "ADVFC_CUDA";
  matrix?: "x" | "a" | "b";
  row?: number;
}

export interface NativeCudaInfo {
  /** The addon was built with nvcc and contains CUDA kernels. */
  compiled: boolean;
  /** A device and a usable driver were found. */
  available: boolean;
  /** Why CUDA is not available (absent when available). */
  reason?: string;
  device?: string;
  computeCapability?: string;
  totalMemoryBytes?: number;
  runtimeVersion?: string;
}

export interface NativeInfo {
  contractVersion: number;
  /** SIMD level the CPU kernels use: "avx512" | "avx2+fma" | "scalar" (after ADVFC_DISABLE_SIMD). */
  simd: string;
  /** SIMD levels compiled into the addon, e.g. ["scalar", "avx2+fma", "avx512"]. */
  simdCompiled: string[];
  /** Threads the CPU kernels use by default (hardware concurrency). */
  threads: number;
  cuda: NativeCudaInfo;
  /** Compiler and build type, for bug reports. */
  build: string;
}

export interface NativeBinding {
  info(): NativeInfo;
  /** out: n × d. */
  normalizeRows(x: Float32Array, n: number, d: number, out: Float32Array, opts: NativeCallOptions): Promise<void>;
  meanPairwiseCosineDistance(x: Float32Array, n: number, d: number, opts: NativeCallOptions): Promise<number>;
  /** out: n. */
  rowDiversity(x: Float32Array, n: number, d: number, out: Float32Array, opts: NativeCallOptions): Promise<void>;
  /** out: na × nb row-major. */
  cosineSimilarityMatrix(
    a: Float32Array,
    na: number,
    b: Float32Array,
    nb: number,
    d: number,
    out: Float32Array,
    opts: NativeCallOptions,
  ): Promise<void>;
  /** Pairs i < j with similarity >= threshold, sorted by i then j, as three parallel arrays. */
  nearDuplicates(
    x: Float32Array,
    n: number,
    d: number,
    threshold: number,
    opts: NativeCallOptions,
  ): Promise<{ i: Int32Array; j: Int32Array; similarity: Float32Array }>;
  /** indices, scores: na × k row-major, best first, ties to the lower index. */
  topK(
    a: Float32Array,
    na: number,
    b: Float32Array,
    nb: number,
    d: number,
    k: number,
    indices: Int32Array,
    scores: Float32Array,
    opts: NativeCallOptions,
  ): Promise<void>;
  /**
   * Benchmark helper: the CUDA kernels' device time alone (ms) for one call of `op` on the given
   * input, excluding host↔device copies. Rejects with "ADVFC_CUDA" when CUDA is unavailable.
   */
  cudaKernelTime(
    op: "normalizeRows" | "meanPairwiseCosineDistance" | "rowDiversity" | "cosineSimilarityMatrix",
    a: Float32Array,
    na: number,
    b: Float32Array | null,
    nb: number,
    d: number,
    opts: NativeCallOptions,
  ): Promise<number>;
  /** Benchmark helper: this machine's memory bandwidth (GB/s) by a multi-threaded triad over `bytes` per array. */
  memoryBandwidth(bytes: number, threads: number): Promise<number>;
}
