import { availableParallelism, cpus } from "node:os";
import { parseArgs } from "node:util";
import type { CommandIo } from "../io.js";
import { markdownTable } from "../table.js";

export const BENCH_KERNELS_HELP = `Usage: advfc bench kernels [options]

The diversity kernels of @advfc/native-embed on every available backend (cuda, cpu = the
addon's SIMD kernels, js = the pure-TypeScript loop), side by side with tfjs (wasm backend) in
the same run: one table per op, rows = backend x size, median of several runs. The matrix ops
report GFLOP/s (2*na*nb*d / t, also for nearDuplicates and topK: the implied matrix); the O(n*d)
ops report GB/s and their fraction of this machine's memory bandwidth (measured here).

Options:
  --ops LIST          ops to run (default: all): normalizeRows, meanPairwiseCosineDistance,
                      rowDiversity, cosineSimilarityMatrix, nearDuplicates, topK
  --sizes LIST        n x d sizes, e.g. 256x384,4096x768 (default: n in 256,1024,4096 x d in 384,768)
  --large-n N         one extra size N x 768 for the O(n*d) ops, beyond the caches (default
                      262144: 768 MiB per matrix)
  --no-large-n        skip that size
  --runs N            timed runs per row (default 5; a row whose single run takes over 2 s runs
                      once, marked with a dagger)
  --warmup N          untimed runs first (default 1)
  --backends LIST     among cuda, cpu, js, tfjs (default: every one available)
  --no-tfjs           leave tfjs out
  --no-js-large       skip the pure-JS loop where one run would take over ~10 s (printed as
                      "skipped (too slow)"; nothing is extrapolated)
  --quick             runs 3, and skip the pure-JS loop where one run would take over ~2 s
  --threshold T       nearDuplicates threshold (default 0.9)
  --k K               topK k (default 10)
  --gpu-peak-tflops X    the device's FP32 peak, for the GPU matrix target (default: the
                         spec-sheet value of known devices; it cannot be queried portably)
  --gpu-bandwidth-gbs X  the device's memory bandwidth, for the GPU O(n*d) target (default: the
                         spec-sheet value of known devices)
  --format text|json  (default text)
  -h, --help          show this help
`;

type OpName = "normalizeRows" | "meanPairwiseCosineDistance" | "rowDiversity" | "cosineSimilarityMatrix" | "nearDuplicates" | "topK";
const ALL_OPS: readonly OpName[] = ["normalizeRows", "meanPairwiseCosineDistance", "rowDiversity", "cosineSimilarityMatrix", "nearDuplicates", "topK"];
const LINEAR: ReadonlySet<OpName> = new Set(["normalizeRows", "meanPairwiseCosineDistance", "rowDiversity"]);
const KERNEL_TIMED: ReadonlySet<OpName> = new Set(["normalizeRows", "meanPairwiseCosineDistance", "rowDiversity", "cosineSimilarityMatrix"]);

type ImplName = "cuda" | "cuda kernels" | "cpu" | "cpu, out reused" | "js" | "tfjs-wasm";

/** Spec-sheet figures (FP32 non-tensor TFLOP/s, memory GB/s) by device-name fragment, most specific first. */
const KNOWN_GPUS: ReadonlyArray<{ match: RegExp; tflops: number; gbs: number }> = [
  { match: /H200/i, tflops: 67, gbs: 4800 },
  { match: /H100.*(PCIe)/i, tflops: 51, gbs: 2000 },
  { match: /H100.*NVL/i, tflops: 60, gbs: 3900 },
  { match: /H100/i, tflops: 67, gbs: 3350 },
  { match: /A100.*80GB/i, tflops: 19.5, gbs: 2039 },
  { match: /A100/i, tflops: 19.5, gbs: 1555 },
  { match: /L40S/i, tflops: 91.6, gbs: 864 },
  { match: /L4\b/i, tflops: 30.3, gbs: 300 },
  { match: /A10\b/i, tflops: 31.2, gbs: 600 },
  { match: /T4\b/i, tflops: 8.1, gbs: 320 },
];

const SLOW_RUN_S = 2;
const JS_LARGE_S = 10;

export interface KernelBenchRow {
  op: OpName;
  backend: ImplName;
  n: number;
  d: number;
  /** Timed runs (0 when skipped). */
  runs: number;
  median_ms: number | null;
  gflops?: number | null;
  gbps?: number | null;
  fraction_of_bandwidth?: number | null;
  /** This row's speed-up over the pure-JS loop / tfjs-wasm at the same size (time ratio). */
  vs_js: number | null;
  vs_tfjs: number | null;
  /** Why the row has no numbers. */
  skipped?: string;
  /** Ran once because a single run took over 2 s. */
  single_run?: boolean;
}

export interface KernelBenchTarget {
  target: string;
  measured: string;
  met: boolean | null;
}

type NativeEmbed = typeof import("@advfc/native-embed");
type Tf = typeof import("@tensorflow/tfjs-core");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Uniform values in [-1, 1) from a xorshift generator: fast enough for 10⁸ values. */
function randomMatrix(n: number, d: number, seed: number): Float32Array {
  const x = new Float32Array(n * d);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < x.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = (s >>> 0) / 2147483648 - 1;
  }
  return x;
}

/** Work of one call: flops (matrix ops) or bytes that must cross the memory bus (O(n·d) ops). */
function work(op: OpName, n: number, d: number): number {
  switch (op) {
    case "normalizeRows":
      return 8 * n * d; // read x, write out
    case "meanPairwiseCosineDistance":
      return 4 * n * d; // read x
    case "rowDiversity":
      return 8 * n * d + 4 * n; // read x twice (Σx̂ must be complete before any row's share), write n
    default:
      return 2 * n * n * d;
  }
}

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

function fmtRate(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function fmtRatio(v: number | null): string {
  if (v === null) return "—";
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}x`;
}

function parseList(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Best of three single-threaded JS triads a[i] = b[i] + s·c[i] over 128 MiB arrays (3 × 128 MiB moved). */
function jsTriad(): number {
  const len = 16 * 2 ** 20;
  const a = new Float64Array(len);
  const b = new Float64Array(len).fill(1);
  const c = new Float64Array(len).fill(2);
  let best = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < len; i++) a[i] = b[i]! + 3 * c[i]!;
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, (3 * 8 * len) / s / 1e9);
  }
  return best;
}

interface Input {
  n: number;
  d: number;
  a: Float32Array;
  b: Float32Array;
  /** normalizeRows' output, reused across runs by "cpu, out reused". */
  out?: Float32Array;
}

type Impl = (op: OpName, input: Input) => Promise<unknown>;

function nativeImpl(ne: NativeEmbed, backend: "cuda" | "cpu" | "js", threshold: number, k: number): Impl {
  const opts = { backend } as const;
  return (op, { d, a, b }) => {
    switch (op) {
      case "normalizeRows":
        return ne.normalizeRows(a, d, opts);
      case "meanPairwiseCosineDistance":
        return ne.meanPairwiseCosineDistance(a, d, opts);
      case "rowDiversity":
        return ne.rowDiversity(a, d, opts);
      case "cosineSimilarityMatrix":
        return ne.cosineSimilarityMatrix(a, b, d, opts);
      case "nearDuplicates":
        return ne.nearDuplicates(a, d, threshold, opts);
      case "topK":
        return ne.topK(a, b, d, k, opts);
    }
  };
}

/** The CUDA kernels' device time alone; the op's promise resolves to milliseconds. */
function cudaKernelImpl(ne: NativeEmbed): Impl {
  return (op, { d, a, b }) => {
    if (!KERNEL_TIMED.has(op)) throw new Error(`no kernel timing for ${op}`);
    return ne.cudaKernelTime(op as Parameters<NativeEmbed["cudaKernelTime"]>[0], a, op === "cosineSimilarityMatrix" ? b : null, d);
  };
}

/**
 * tfjs (wasm backend) equivalents, end to end like the addon's ops: upload from the
 * Float32Array, compute, read back with data(). The matrix is matMul(Â, transpose(B̂)): on this
 * backend an explicit transpose is several times faster than matMul's transposeB flag.
 */
function tfjsImpl(tf: Tf, threshold: number, k: number): Impl {
  const normalise = (x: import("@tensorflow/tfjs-core").Tensor2D) => tf.div(x, tf.norm(x, "euclidean", 1, true));
  return async (op, { n, d, a, b }) => {
    const x = tf.tensor2d(a, [n, d]);
    try {
      switch (op) {
        case "normalizeRows": {
          const y = tf.tidy(() => normalise(x));
          const r = await y.data();
          y.dispose();
          return r;
        }
        case "meanPairwiseCosineDistance": {
          const y = tf.tidy(() => {
            const s = tf.sum(normalise(x), 0);
            return tf.sub(1, tf.div(tf.sub(tf.sum(tf.square(s)), n), n * (n - 1)));
          });
          const r = await y.data();
          y.dispose();
          return r[0];
        }
        case "rowDiversity": {
          const y = tf.tidy(() => {
            const xn = normalise(x);
            const s = tf.sum(xn, 0, true);
            return tf.sub(1, tf.div(tf.sub(tf.matMul(xn, s, false, true), 1), n - 1));
          });
          const r = await y.data();
          y.dispose();
          return r;
        }
        case "cosineSimilarityMatrix":
        case "nearDuplicates":
        case "topK": {
          const bt = op === "nearDuplicates" ? x : tf.tensor2d(b, [n, d]);
          try {
            const sim = tf.tidy(() => {
              const an = normalise(x);
              return tf.matMul(an, tf.transpose(bt === x ? an : normalise(bt)));
            });
            try {
              if (op === "cosineSimilarityMatrix") return await sim.data();
              if (op === "topK") {
                const t = tf.topk(sim, k);
                const r = [await t.indices.data(), await t.values.data()];
                t.indices.dispose();
                t.values.dispose();
                return r;
              }
              const mask = tf.greaterEqual(sim, threshold);
              const where = await tf.whereAsync(mask);
              mask.dispose();
              const ij = await where.data();
              const vals = tf.gatherND(sim, where);
              const v = await vals.data();
              where.dispose();
              vals.dispose();
              const pairs: Array<[number, number, number]> = [];
              for (let p = 0; p < v.length; p++) if (ij[2 * p]! < ij[2 * p + 1]!) pairs.push([ij[2 * p]!, ij[2 * p + 1]!, v[p]!]);
              return pairs;
            } finally {
              sim.dispose();
            }
          } finally {
            if (bt !== x) bt.dispose();
          }
        }
      }
    } finally {
      x.dispose();
    }
  };
}

export async function runBenchKernels(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ops: { type: "string" },
        sizes: { type: "string" },
        "large-n": { type: "string", default: "262144" },
        "no-large-n": { type: "boolean", default: false },
        runs: { type: "string" },
        warmup: { type: "string", default: "1" },
        backends: { type: "string" },
        "no-tfjs": { type: "boolean", default: false },
        "no-js-large": { type: "boolean", default: false },
        quick: { type: "boolean", default: false },
        threshold: { type: "string", default: "0.9" },
        k: { type: "string", default: "10" },
        "gpu-peak-tflops": { type: "string" },
        "gpu-bandwidth-gbs": { type: "string" },
        format: { type: "string", default: "text" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    io.stderr.write(`advfc bench kernels: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(BENCH_KERNELS_HELP);
    return 0;
  }
  const fail = (msg: string): number => {
    io.stderr.write(`advfc bench kernels: ${msg}\n`);
    return 2;
  };
  const runs = Number(values.runs ?? (values.quick ? "3" : "5"));
  const warmup = Number(values.warmup);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) return fail("--runs must be a positive integer and --warmup a non-negative integer");
  if (values.format !== "text" && values.format !== "json") return fail(`--format must be text or json, not "${values.format}"`);
  const opList = values.ops === undefined ? [...ALL_OPS] : parseList(values.ops);
  for (const op of opList) if (!ALL_OPS.includes(op as OpName)) return fail(`unknown op "${op}" in --ops (known: ${ALL_OPS.join(", ")})`);
  const ops = opList as OpName[];
  let sizes: Array<{ n: number; d: number }> = [];
  if (values.sizes === undefined) {
    for (const n of [256, 1024, 4096]) for (const d of [384, 768]) sizes.push({ n, d });
  } else {
    for (const s of parseList(values.sizes)) {
      const m = /^(\d+)[x×](\d+)$/.exec(s);
      if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) return fail(`--sizes takes n x d pairs like 1024x768, not "${s}"`);
      sizes.push({ n: Number(m[1]), d: Number(m[2]) });
    }
  }
  sizes = sizes.sort((p, q) => p.n * p.n * p.d - q.n * q.n * q.d);
  const largeN = values["no-large-n"] ? 0 : Number(values["large-n"]);
  if (!Number.isInteger(largeN) || largeN < 0) return fail("--large-n must be a non-negative integer");
  const threshold = Number(values.threshold);
  const k = Number(values.k);
  if (!Number.isFinite(threshold)) return fail("--threshold must be a number");
  if (!Number.isInteger(k) || k < 1) return fail("--k must be a positive integer");
  if (sizes.some((s) => s.n < k) && ops.includes("topK")) return fail(`--k ${k} is larger than the smallest n`);
  const peakArg = values["gpu-peak-tflops"] === undefined ? undefined : Number(values["gpu-peak-tflops"]);
  const bwArg = values["gpu-bandwidth-gbs"] === undefined ? undefined : Number(values["gpu-bandwidth-gbs"]);
  if ((peakArg !== undefined && !(peakArg > 0)) || (bwArg !== undefined && !(bwArg > 0))) return fail("--gpu-peak-tflops and --gpu-bandwidth-gbs take positive numbers");

  const ne: NativeEmbed = await import("@advfc/native-embed");
  const info = ne.info();
  const available: Record<string, { ok: boolean; why?: string }> = {
    cuda: { ok: info.backends.cuda.available, why: info.backends.cuda.reason },
    cpu: { ok: info.backends.cpu.available, why: info.backends.cpu.reason },
    js: { ok: true },
    tfjs: { ok: !values["no-tfjs"], why: "--no-tfjs" },
  };
  const wanted = values.backends === undefined ? ["cuda", "cpu", "js", "tfjs"] : parseList(values.backends);
  for (const b of wanted) if (!(b in available)) return fail(`unknown backend "${b}" in --backends (known: cuda, cpu, js, tfjs)`);
  const notes: string[] = [];
  const backends = wanted.filter((b) => {
    if (available[b]!.ok) return true;
    if (values.backends !== undefined) notes.push(`${b}: not run (${available[b]!.why ?? "unavailable"})`);
    return false;
  });

  let tf: Tf | undefined;
  if (backends.includes("tfjs")) {
    try {
      tf = await import("@tensorflow/tfjs-core");
      await import("@tensorflow/tfjs-backend-wasm");
      await tf.setBackend("wasm");
      await tf.ready();
    } catch (e) {
      notes.push(`tfjs-wasm: not run (${(e as Error).message})`);
      tf = undefined;
    }
  }
  const impls = new Map<ImplName, Impl>();
  if (backends.includes("cuda")) {
    impls.set("cuda", nativeImpl(ne, "cuda", threshold, k));
    impls.set("cuda kernels", cudaKernelImpl(ne));
  }
  if (backends.includes("cpu")) {
    impls.set("cpu", nativeImpl(ne, "cpu", threshold, k));
    // normalizeRows into one output reused across runs: the kernel without the first-touch page
    // faults of a fresh n·d result (which dominate it at hundreds of MB).
    impls.set("cpu, out reused", (op, input) => {
      if (op !== "normalizeRows") throw new Error("normalizeRows only");
      input.out ??= new Float32Array(input.n * input.d);
      return ne.normalizeRows(input.a, input.d, { backend: "cpu", out: input.out });
    });
  }
  if (backends.includes("js")) impls.set("js", nativeImpl(ne, "js", threshold, k));
  if (tf !== undefined) impls.set("tfjs-wasm", tfjsImpl(tf, threshold, k));

  // Memory bandwidth: the addon's multi-threaded triad, else a single-threaded JS triad.
  let bandwidth: { gbps: number; method: string } | undefined;
  if (ops.some((op) => LINEAR.has(op))) {
    io.stderr.write("measuring memory bandwidth ...\n");
    if (info.backends.cpu.available) {
      // Best of three, as STREAM reports: on a shared machine the worst runs measure the neighbours.
      let best = 0;
      for (let i = 0; i < 3; i++) best = Math.max(best, await ne.memoryBandwidth({ bytes: 256 * 2 ** 20 }));
      bandwidth = { gbps: best, method: `the addon's triad, ${info.threads} threads, 3 x 256 MiB, best of 3` };
    } else {
      bandwidth = { gbps: jsTriad(), method: "a JS triad, 1 thread, 3 x 128 MiB (the addon is not loaded; a lower bound)" };
    }
  }

  const rows: KernelBenchRow[] = [];
  /** Last measured rate (work per second) per op and implementation, to foresee slow runs. */
  const rates = new Map<string, number>();
  const jsSkipAbove = values.quick ? SLOW_RUN_S : values["no-js-large"] ? JS_LARGE_S : Number.POSITIVE_INFINITY;
  let singleRunRows = 0;
  const t00 = performance.now();

  for (const op of ops) {
    const opSizes = [...sizes];
    if (LINEAR.has(op) && largeN > 0) opSizes.push({ n: largeN, d: 768 });
    for (const { n, d } of opSizes) {
      // b only where an op reads it (the O(n·d) ops and nearDuplicates read a alone).
      const a = randomMatrix(n, d, n + d);
      const input: Input = { n, d, a, b: op === "cosineSimilarityMatrix" || op === "topK" ? randomMatrix(n, d, n + d + 1) : a };
      const w = work(op, n, d);
      const measured = new Map<ImplName, number>();
      const sizeRows: KernelBenchRow[] = [];
      for (const [name, impl] of impls) {
        if (name === "cuda kernels" && !KERNEL_TIMED.has(op)) continue;
        if (name === "cpu, out reused" && op !== "normalizeRows") continue;
        const row: KernelBenchRow = { op, backend: name, n, d, runs: 0, median_ms: null, vs_js: null, vs_tfjs: null };
        sizeRows.push(row);
        const rate = rates.get(`${op}/${name}`);
        const predicted = rate === undefined ? 0 : w / rate;
        if (name === "js" && predicted > jsSkipAbove) {
          row.skipped = "skipped (too slow)";
          io.stderr.write(`${op} ${n}x${d} ${name}: skipped (one run would take ~${predicted.toFixed(0)} s)\n`);
          continue;
        }
        try {
          const times: number[] = [];
          const timeOne = async (): Promise<number> => {
            const t0 = performance.now();
            const r = await impl(op, input);
            const wall = performance.now() - t0;
            return name === "cuda kernels" ? (r as number) : wall;
          };
          let single = predicted > SLOW_RUN_S;
          if (!single) {
            for (let i = 0; i < warmup; i++) {
              const t = await timeOne();
              if (t / 1000 > SLOW_RUN_S) {
                // The warm-up run was already one slow run: keep it as the measurement.
                times.push(t);
                single = true;
                break;
              }
            }
          }
          const want = single ? 1 : runs;
          while (times.length < want) times.push(await timeOne());
          row.runs = times.length;
          if (single && runs > 1) {
            row.single_run = true;
            singleRunRows++;
          }
          const ms = median(times);
          row.median_ms = ms;
          measured.set(name, ms);
          rates.set(`${op}/${name}`, w / (ms / 1000));
          if (LINEAR.has(op)) {
            row.gbps = w / (ms / 1000) / 1e9;
            row.fraction_of_bandwidth = bandwidth === undefined ? null : row.gbps / bandwidth.gbps;
          } else {
            row.gflops = w / (ms / 1000) / 1e9;
          }
          io.stderr.write(`${op} ${n}x${d} ${name}: ${fmtMs(ms)} ms (${row.runs} run${row.runs > 1 ? "s" : ""})\n`);
        } catch (e) {
          row.skipped = `failed: ${(e as Error).message.split("\n")[0]}`;
          io.stderr.write(`${op} ${n}x${d} ${name}: ${row.skipped}\n`);
        }
      }
      const jsMs = measured.get("js");
      const tfMs = measured.get("tfjs-wasm");
      for (const row of sizeRows) {
        if (row.median_ms === null) continue;
        row.vs_js = jsMs === undefined ? null : jsMs / row.median_ms;
        row.vs_tfjs = tfMs === undefined ? null : tfMs / row.median_ms;
      }
      rows.push(...sizeRows);
    }
  }
  const totalSeconds = (performance.now() - t00) / 1000;

  // Targets (issue): evaluated on what was measured; null = not measured here.
  const targets: KernelBenchTarget[] = [];
  const find = (op: OpName, backend: ImplName, n: number, d: number) => rows.find((r) => r.op === op && r.backend === backend && r.n === n && r.d === d && r.median_ms !== null);
  const m4096 = find("cosineSimilarityMatrix", "cpu", 4096, 768);
  const ran = (op: OpName): boolean => ops.includes(op);
  if (ran("cosineSimilarityMatrix")) targets.push({
    target: "cpu cosineSimilarityMatrix n=4096 d=768 >= 60 GFLOP/s",
    measured: m4096 ? `${fmtRate(m4096.gflops!)} GFLOP/s` : "not measured (needs the cpu backend and the size 4096x768)",
    met: m4096 ? m4096.gflops! >= 60 : null,
  });
  for (const op of ops.filter((o) => LINEAR.has(o))) {
    // normalizeRows is judged with its output reused (the kernel); the fresh-output figure follows.
    const reused = op === "normalizeRows";
    const r = largeN > 0 ? find(op, reused ? "cpu, out reused" : "cpu", largeN, 768) : undefined;
    const fresh = reused && largeN > 0 ? find(op, "cpu", largeN, 768) : undefined;
    const frac = (x: KernelBenchRow): string => `${fmtRate(x.gbps!)} GB/s = ${x.fraction_of_bandwidth!.toFixed(2)} of ${fmtRate(bandwidth!.gbps)} GB/s`;
    targets.push({
      target: `cpu ${op}${reused ? " (output reused)" : ""} n=${largeN || "(large)"} d=768 >= 0.5 of the measured memory bandwidth`,
      measured:
        r && r.fraction_of_bandwidth != null
          ? `${frac(r)}${fresh && fresh.fraction_of_bandwidth != null ? ` (into a fresh array: ${frac(fresh)}, page faults included)` : ""}`
          : "not measured",
      met: r && r.fraction_of_bandwidth != null ? r.fraction_of_bandwidth >= 0.5 : null,
    });
  }
  const both = rows
    .filter((r) => r.op === "cosineSimilarityMatrix" && r.backend === "cpu" && r.vs_js !== null)
    .sort((p, q) => q.n * q.n * q.d - p.n * p.n * p.d)[0];
  if (ran("cosineSimilarityMatrix")) targets.push({
    target: "cpu cosineSimilarityMatrix >= 20x the pure-JS loop (largest size where both ran)",
    measured: both ? `${fmtRatio(both.vs_js)} at ${both.n}x${both.d}` : "not measured",
    met: both ? both.vs_js! >= 20 : null,
  });
  if (backends.includes("cuda")) {
    const device = info.cuda.device ?? "";
    const known = KNOWN_GPUS.find((g) => g.match.test(device));
    const peak = peakArg ?? known?.tflops;
    const devBw = bwArg ?? known?.gbs;
    const peakSrc = peakArg !== undefined ? "--gpu-peak-tflops" : known ? `spec sheet of ${device}` : "unknown: pass --gpu-peak-tflops";
    const bwSrc = bwArg !== undefined ? "--gpu-bandwidth-gbs" : known ? `spec sheet of ${device}` : "unknown: pass --gpu-bandwidth-gbs";
    for (const op of ops.filter((o) => LINEAR.has(o))) {
      const r = largeN > 0 ? find(op, "cuda kernels", largeN, 768) : undefined;
      targets.push({
        target: `cuda ${op} kernels only, n=${largeN || "(large)"} d=768 >= 60% of device memory bandwidth (${devBw ?? "?"} GB/s, ${bwSrc})`,
        measured: r ? `${fmtRate(r.gbps!)} GB/s${devBw ? ` = ${((100 * r.gbps!) / devBw).toFixed(0)}%` : ""}` : "not measured",
        met: r && devBw ? r.gbps! >= 0.6 * devBw : null,
      });
    }
    const g = find("cosineSimilarityMatrix", "cuda kernels", 4096, 768);
    if (ran("cosineSimilarityMatrix")) targets.push({
      target: `cuda cosineSimilarityMatrix kernels only, n=4096 d=768 >= 50% of FP32 peak (${peak ?? "?"} TFLOP/s, ${peakSrc})`,
      measured: g ? `${fmtRate(g.gflops! / 1000)} TFLOP/s${peak ? ` = ${((100 * g.gflops!) / 1000 / peak).toFixed(0)}%` : ""}` : "not measured",
      met: g && peak ? g.gflops! / 1000 >= 0.5 * peak : null,
    });
  }

  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    node: process.version,
    simd: info.simd,
    threads: info.threads,
    addon: info.addon.loaded ? `${info.addon.path} (${info.addon.build ?? "?"})` : `not loaded: ${info.backends.cpu.reason ?? "?"}`,
    cuda: info.cuda.available ? (info.cuda.device ?? "available") : info.addon.loaded ? `unavailable: ${info.cuda.reason ?? "?"}` : "unavailable (the addon is not loaded)",
  };

  if (values.format === "json") {
    io.stdout.write(
      JSON.stringify(
        { benchmark: "kernels", machine, memory_bandwidth: bandwidth ?? null, runs, warmup, threshold, k, total_seconds: totalSeconds, notes, rows, targets },
        null,
        2,
      ) + "\n",
    );
    return 0;
  }

  const out: string[] = [];
  out.push(`advfc bench kernels — ${machine.cpu}, ${machine.cores} cores, node ${machine.node}`);
  out.push(`addon: ${machine.addon}; SIMD ${machine.simd}, ${machine.threads} threads; CUDA: ${machine.cuda}`);
  if (bandwidth) out.push(`memory bandwidth: ${fmtRate(bandwidth.gbps)} GB/s, measured by ${bandwidth.method}`);
  if (largeN > 0) out.push(`large size for the O(n·d) ops: ${largeN}x768 (${((largeN * 768 * 4) / 2 ** 20).toFixed(0)} MiB per matrix), meant to exceed the caches`);
  out.push(`median of ${runs} runs after ${warmup} warm-up run(s); every row is end to end from Float32Array to result, except "cuda kernels" (device time alone)`);
  for (const note of notes) out.push(`note: ${note}`);
  for (const op of ops) {
    const linear = LINEAR.has(op);
    const opRows = rows.filter((r) => r.op === op);
    const head = linear
      ? ["backend", "n x d", "median ms", "GB/s", "of bandwidth", "vs js", "vs tfjs-wasm"]
      : ["backend", "n x d", "median ms", "GFLOP/s", "vs js", "vs tfjs-wasm"];
    const table: string[][] = [head];
    for (const r of opRows) {
      const size = `${r.n}x${r.d}`;
      const name = `${r.backend}${r.single_run ? " †" : ""}`;
      if (r.median_ms === null) {
        table.push([name, size, r.skipped ?? "—", ...head.slice(3).map(() => "")]);
        continue;
      }
      const rate = linear ? fmtRate(r.gbps!) : fmtRate(r.gflops!);
      const frac = linear ? [r.fraction_of_bandwidth == null ? "—" : `${(100 * r.fraction_of_bandwidth).toFixed(0)}%`] : [];
      table.push([name, size, fmtMs(r.median_ms), rate, ...frac, fmtRatio(r.vs_js), fmtRatio(r.vs_tfjs)]);
    }
    const what = linear ? `GB/s = ${op === "normalizeRows" ? "8·n·d (read x, write the result)" : op === "rowDiversity" ? "8·n·d + 4·n (x read twice, n written)" : "4·n·d (x read once)"} bytes / t` : `GFLOP/s = 2·n·n·d / t${op === "cosineSimilarityMatrix" ? "" : " (the implied n x n matrix)"}`;
    const extra = op === "nearDuplicates" ? `, threshold ${threshold}` : op === "topK" ? `, k ${k}` : "";
    out.push("", `## ${op} (${what}${extra})`, "");
    out.push(...markdownTable(table, 2));
  }
  out.push("");
  if (singleRunRows > 0) out.push(`† ran once (one run takes over ${SLOW_RUN_S} s; the JIT / library was warmed at the smaller sizes)`);
  out.push("vs js / vs tfjs-wasm: the time of the pure-JS loop / of tfjs (wasm, matMul(Â, transpose(B̂)) or the equivalent ops, with upload and data() readback) at the same size divided by this row's time");
  out.push("", "targets:");
  for (const t of targets) out.push(`  ${t.met === null ? "n/a    " : t.met ? "met    " : "NOT met"}  ${t.target}: ${t.measured}`);
  out.push("", `total ${totalSeconds.toFixed(0)} s`, "");
  io.stdout.write(out.join("\n"));
  return 0;
}
