import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import {
  BackendUnavailableError,
  cosineSimilarityMatrix,
  info,
  meanPairwiseCosineDistance,
  nearDuplicates,
  NonFiniteInputError,
  normalizeRows,
  rowDiversity,
  TooManyPairsError,
  topK,
  type KernelOptions,
} from "./ops.js";
import { checkRow, closeness, label, TABLE } from "./testing/kernel-table.js";
import { randomMatrix, refCosineSimilarityMatrix, refMeanPairwiseCosineDistance, refNormalizeRows, refRowDiversity } from "./testing/reference.js";

const REQUIRE_NATIVE = process.env.ADVFC_REQUIRE_NATIVE === "1";
const INFO = info();
const CPU = INFO.backends.cpu.available;
const NO_ADDON = `the native addon did not load (${INFO.backends.cpu.reason ?? "?"})`;

interface BackendCase {
  name: string;
  opts: KernelOptions;
  available: boolean;
}

/** Every backend that can run here; the addon's scalar path is reached through the internal `simd: false`. */
const BACKENDS: BackendCase[] = [
  { name: "js", opts: { backend: "js" }, available: true },
  { name: "cpu", opts: { backend: "cpu" }, available: CPU },
  { name: "cpu, scalar path", opts: { backend: "cpu", simd: false } as KernelOptions, available: CPU },
];

function need(ctx: TestContext, be: BackendCase): void {
  if (!be.available) ctx.skip(`${be.name} backend skipped: ${NO_ADDON}`);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(closeness(actual, expected, tol, what)).toEqual([]);
}

describe("the addon", () => {
  it("loads (a failure when ADVFC_REQUIRE_NATIVE=1)", (ctx) => {
    if (!CPU && !REQUIRE_NATIVE) ctx.skip(`${NO_ADDON}; set ADVFC_REQUIRE_NATIVE=1 to make this a failure`);
    expect(CPU, NO_ADDON).toBe(true);
    expect(INFO.addon.loaded).toBe(true);
    expect(INFO.addon.contractVersion).toBe(1);
    expect(["avx512", "avx2+fma", "scalar"]).toContain(INFO.simd);
    expect(INFO.auto).toBe(INFO.cuda.available ? "cuda" : "cpu");
  });
});

describe("info()", () => {
  it("reports every backend, js always available, and a reason for each unavailable one", () => {
    expect(INFO.backends.js.available).toBe(true);
    for (const b of [INFO.backends.cpu, INFO.backends.cuda]) {
      if (!b.available) expect(b.reason).toMatch(/\w/);
    }
    expect(INFO.cuda.available).toBe(INFO.backends.cuda.available);
    expect(INFO.threads).toBeGreaterThanOrEqual(1);
    expect(INFO.auto).toBe(INFO.cuda.available ? "cuda" : CPU ? "cpu" : "js");
    expect(INFO.addon.attempts.length).toBeGreaterThanOrEqual(INFO.addon.disabled ? 0 : 1);
  });
});

describe.each(BACKENDS)("backend $name", (be) => {
  describe("against the float64 reference", () => {
    it.for(TABLE.map((r) => ({ ...r, name: label(r) })))("$name", async (r, ctx) => {
      need(ctx, be);
      expect(await checkRow(r, be.opts)).toEqual([]);
    });
  });

  describe("empty and single-row input", () => {
    it("n = 0 gives empty results and a mean of 0", async (ctx) => {
      need(ctx, be);
      const x = new Float32Array(0);
      expect(await normalizeRows(x, 4, be.opts)).toEqual(new Float32Array(0));
      expect(await meanPairwiseCosineDistance(x, 4, be.opts)).toBe(0);
      expect(await rowDiversity(x, 4, be.opts)).toEqual(new Float32Array(0));
      expect(await cosineSimilarityMatrix(x, randomMatrix(3, 4, 1), 4, be.opts)).toEqual(new Float32Array(0));
      expect(await nearDuplicates(x, 4, -1, be.opts)).toEqual([]);
      expect(await topK(x, randomMatrix(3, 4, 1), 4, 7, be.opts)).toEqual({ indices: new Int32Array(0), scores: new Float32Array(0) });
    });
    it("n = 1 gives a mean of 0 and rowDiversity [0]", async (ctx) => {
      need(ctx, be);
      const x = randomMatrix(1, 9, 5);
      expect(await meanPairwiseCosineDistance(x, 9, be.opts)).toBe(0);
      expect(await rowDiversity(x, 9, be.opts)).toEqual(new Float32Array([0]));
      expect(await nearDuplicates(x, 9, -1, be.opts)).toEqual([]);
      expectClose(await cosineSimilarityMatrix(x, x, 9, be.opts), [1], 1e-6, "self-similarity");
    });
  });

  describe("zero vectors", () => {
    const d = 17;
    const x = randomMatrix(6, d, 40);
    x.fill(0, 2 * d, 3 * d); // row 2
    x.fill(0, 5 * d, 6 * d); // row 5
    it("have cosine 0 with everything and distance 1, never NaN", async (ctx) => {
      need(ctx, be);
      const c = await cosineSimilarityMatrix(x, x, d, be.opts);
      expect(c.some(Number.isNaN)).toBe(false);
      for (let j = 0; j < 6; j++) {
        expect(c[2 * 6 + j]).toBe(0);
        expect(c[j * 6 + 5]).toBe(0);
      }
      const nr = await normalizeRows(x, d, be.opts);
      expect(Array.from(nr.subarray(2 * d, 3 * d))).toEqual(new Array(d).fill(0));
      const rd = await rowDiversity(x, d, be.opts);
      expect(rd[2]).toBeCloseTo(1, 6);
      expect(rd[5]).toBeCloseTo(1, 6);
      expectClose(rd, refRowDiversity(x, d), 1e-5, "rowDiversity with zero rows");
      expectClose([await meanPairwiseCosineDistance(x, d, be.opts)], [refMeanPairwiseCosineDistance(x, d)], 1e-6, "mean with zero rows");
    });
    it("an all-zero batch has mean distance 1", async (ctx) => {
      need(ctx, be);
      const z = new Float32Array(4 * 5);
      expect(await meanPairwiseCosineDistance(z, 5, be.opts)).toBeCloseTo(1, 12);
      expect(await rowDiversity(z, 5, be.opts)).toEqual(new Float32Array([1, 1, 1, 1]));
      const t = await topK(z, z, 5, 2, be.opts);
      expect(Array.from(t.indices)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
      expect(Array.from(t.scores)).toEqual(new Array(8).fill(0));
    });
    it("threshold <= 0 pairs them with everything (cosine 0 >= threshold)", async (ctx) => {
      need(ctx, be);
      const y = new Float32Array([0, 0, 0, 0, 0, 0, 1, 2, 3]);
      expect(await nearDuplicates(y, 3, 0, be.opts)).toEqual([
        [0, 1, 0],
        [0, 2, 0],
        [1, 2, 0],
      ]);
      expect(await nearDuplicates(y, 3, -0.5, be.opts)).toHaveLength(3);
      expect(await nearDuplicates(y, 3, 1e-9, be.opts)).toEqual([]);
    });
  });

  describe("magnitudes", () => {
    it("rows scaled by 1e30 or 1e-30 give the cosines of the unscaled rows (float64 norms)", async (ctx) => {
      need(ctx, be);
      const d = 33;
      const x = randomMatrix(8, d, 41);
      const y = x.map((v, i) => v * (Math.floor(i / d) % 2 ? 1e30 : 1e-30));
      expectClose(await cosineSimilarityMatrix(y, y, d, be.opts), refCosineSimilarityMatrix(x, x, d), 1e-5, "scaled");
      expectClose(await normalizeRows(y, d, be.opts), refNormalizeRows(x, d), 1e-6, "scaled rows");
      expectClose([await meanPairwiseCosineDistance(y, d, be.opts)], [refMeanPairwiseCosineDistance(x, d)], 1e-6, "scaled mean");
    });
  });

  describe("ties (topK)", () => {
    it("go to the lower index of b", async (ctx) => {
      need(ctx, be);
      // b: rows 0 and 3 equal e0, rows 1, 2 and 4 equal e1: exact arithmetic, so ties are exact.
      const b = new Float32Array([1, 0, 0, 1, 0, 1, 1, 0, 0, 1]);
      const a = new Float32Array([1, 0, 0, 1, 3, 3]);
      const t = await topK(a, b, 2, 4, be.opts);
      expect(Array.from(t.indices)).toEqual([0, 3, 1, 2, 1, 2, 4, 0, 0, 1, 2, 3]);
      expect(Array.from(t.scores.subarray(0, 8))).toEqual([1, 1, 0, 0, 1, 1, 1, 0]);
    });
  });

  describe("non-finite input", () => {
    const d = 7;
    it.for([
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
    ] as const)("%s in x rejects with a RangeError naming x, the row and the column", async ([kind, v], ctx) => {
      need(ctx, be);
      const x = randomMatrix(40, d, 42);
      x[17 * d + 3] = v;
      x[30 * d + 1] = v; // a later row: the lowest one is reported
      const want = new RegExp(`^Expected finite values for x but received ${kind} at row 17, column 3$`);
      for (const call of [
        () => normalizeRows(x, d, be.opts),
        () => meanPairwiseCosineDistance(x, d, be.opts),
        () => rowDiversity(x, d, be.opts),
        () => nearDuplicates(x, d, 0.5, be.opts),
      ]) {
        const e = await call().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e).toBeInstanceOf(RangeError);
        expect(e).toBeInstanceOf(NonFiniteInputError);
        expect((e as Error).message).toMatch(want);
        expect(e).toMatchObject({ code: "ADVFC_NON_FINITE", matrix: "x", row: 17, column: 3, value: kind });
      }
    });
    it("names a or b, checking a first", async (ctx) => {
      need(ctx, be);
      const a = randomMatrix(5, d, 43);
      const b = randomMatrix(9, d, 44);
      b[6 * d] = Number.NaN;
      await expect(cosineSimilarityMatrix(a, b, d, be.opts)).rejects.toThrow(/^Expected finite values for b but received NaN at row 6, column 0$/);
      await expect(topK(a, b, d, 3, be.opts)).rejects.toMatchObject({ matrix: "b", row: 6 });
      a[4 * d + 6] = Number.POSITIVE_INFINITY;
      await expect(cosineSimilarityMatrix(a, b, d, be.opts)).rejects.toThrow(/^Expected finite values for a but received Infinity at row 4, column 6$/);
      await expect(topK(a, b, d, 3, be.opts)).rejects.toMatchObject({ name: "NonFiniteInputError", matrix: "a", row: 4 });
    });
  });

  describe("options.out", () => {
    it("receives the result of normalizeRows, rowDiversity and cosineSimilarityMatrix", async (ctx) => {
      need(ctx, be);
      const d = 19;
      const x = randomMatrix(11, d, 50);
      const b = randomMatrix(7, d, 51);
      const out = new Float32Array(11 * d).fill(Number.NaN);
      expect(await normalizeRows(x, d, { ...be.opts, out })).toBe(out);
      expectClose(out, refNormalizeRows(x, d), 1e-6, "normalizeRows into out");
      const rd = new Float32Array(11);
      expect(await rowDiversity(x, d, { ...be.opts, out: rd })).toBe(rd);
      expectClose(rd, refRowDiversity(x, d), 1e-5, "rowDiversity into out");
      const m = new Float32Array(11 * 7);
      expect(await cosineSimilarityMatrix(x, b, d, { ...be.opts, out: m })).toBe(m);
      expectClose(m, refCosineSimilarityMatrix(x, b, d), 1e-5, "matrix into out");
    });
    it("must have the result's length and share no memory with the inputs (TypeError)", async (ctx) => {
      need(ctx, be);
      const x = randomMatrix(4, 3, 52);
      await expect(normalizeRows(x, 3, { ...be.opts, out: new Float32Array(11) })).rejects.toThrow(
        /^Expected a Float32Array of length 12 for options.out \(normalizeRows\) but received Float32Array\(11\)$/,
      );
      await expect(normalizeRows(x, 3, { ...be.opts, out: x })).rejects.toThrow(/^Expected an array that shares no memory with x for options.out/);
      const big = new Float32Array(24);
      const a = big.subarray(0, 12);
      await expect(cosineSimilarityMatrix(a, a, 3, { ...be.opts, out: big.subarray(8, 24) })).rejects.toThrow(TypeError);
      await expect(rowDiversity(x, 3, { ...be.opts, out: new Float64Array(4) as unknown as Float32Array })).rejects.toThrow(TypeError);
    });
  });

  describe("maxPairs", () => {
    it("rejects with TooManyPairsError beyond the cap, and allows exactly the cap", async (ctx) => {
      need(ctx, be);
      const x = randomMatrix(50, 5, 45); // 1225 pairs at threshold -1
      await expect(nearDuplicates(x, 5, -1, { ...be.opts, maxPairs: 100 })).rejects.toBeInstanceOf(TooManyPairsError);
      expect(await nearDuplicates(x, 5, -1, { ...be.opts, maxPairs: 1225 })).toHaveLength(1225);
    });
  });

  describe("concurrency", () => {
    it("32 mixed calls in flight give the results of sequential calls", async (ctx) => {
      need(ctx, be);
      const d = 65;
      const xs = Array.from({ length: 8 }, (_, i) => randomMatrix(40 + 13 * i, d, 100 + i));
      const calls = xs.flatMap((x) => [
        () => meanPairwiseCosineDistance(x, d, be.opts),
        () => rowDiversity(x, d, be.opts),
        () => cosineSimilarityMatrix(x, xs[0]!, d, be.opts),
        () => topK(x, xs[1]!, d, 3, be.opts).then((t) => t.scores),
      ]);
      const sequential: unknown[] = [];
      for (const c of calls) sequential.push(await c());
      const concurrent = await Promise.all(calls.map((c) => c()));
      expect(concurrent).toHaveLength(32);
      for (let i = 0; i < calls.length; i++) {
        const s = sequential[i]!;
        const c = concurrent[i]!;
        if (typeof s === "number") expect(c as number).toBeCloseTo(s, 6);
        else expectClose(c as Float32Array, s as Float32Array, 1e-6, `call ${i}`);
      }
    });
  });

  describe("event loop", () => {
    it("keeps a 5 ms interval firing while a large matrix runs", async (ctx) => {
      need(ctx, be);
      // The addon's CPU kernels run off the JS thread; the js backend yields every few ms.
      const [na, nb, d] = be.name === "js" ? [768, 768, 768] : [4096, 2048, 768];
      const a = randomMatrix(na, d, 46, 0);
      const b = randomMatrix(nb, d, 47, 0);
      const stamps: number[] = [];
      const timer = setInterval(() => stamps.push(performance.now()), 5);
      const t0 = performance.now();
      try {
        await cosineSimilarityMatrix(a, b, d, be.opts);
      } finally {
        clearInterval(timer);
      }
      const elapsed = performance.now() - t0;
      let maxGap = stamps.length > 0 ? stamps[0]! - t0 : elapsed;
      for (let i = 1; i < stamps.length; i++) maxGap = Math.max(maxGap, stamps[i]! - stamps[i - 1]!);
      ctx.annotate(`${na}×${nb}×${d}: ${elapsed.toFixed(0)} ms, ${stamps.length} ticks, longest gap ${maxGap.toFixed(1)} ms`);
      // A kernel that blocked the JS thread would leave one gap as long as the whole call.
      if (elapsed > 120) {
        expect(stamps.length).toBeGreaterThanOrEqual(Math.floor(elapsed / 30));
        expect(maxGap).toBeLessThan(100);
      }
    });
  });

  describe("abort", () => {
    it("an already-aborted signal rejects before any work with the signal's reason", async (ctx) => {
      need(ctx, be);
      const x = randomMatrix(4, 3, 47);
      const ac = new AbortController();
      ac.abort();
      const e = await meanPairwiseCosineDistance(x, 3, { ...be.opts, signal: ac.signal }).catch((err: unknown) => err);
      expect(e).toBe(ac.signal.reason);
      expect(e).toMatchObject({ name: "AbortError" });
      const reason = new Error("stop");
      await expect(topK(x, x, 3, 1, { ...be.opts, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    });
    it("aborting mid-run of a big matrix rejects promptly", async (ctx) => {
      need(ctx, be);
      const [n, d] = be.name === "js" ? [1024, 768] : [4096, 768];
      const a = randomMatrix(n, d, 48, 0);
      const ac = new AbortController();
      const t0 = performance.now();
      const p = cosineSimilarityMatrix(a, a, d, { ...be.opts, signal: ac.signal });
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 30);
      const e = await p.catch((err: unknown) => err);
      const done = performance.now();
      if (!(e instanceof Float32Array)) {
        expect(e).toMatchObject({ name: "AbortError" });
        ctx.annotate(`rejected ${(done - abortedAt).toFixed(1)} ms after abort (${(done - t0).toFixed(0)} ms in all)`);
        expect(done - abortedAt).toBeLessThan(250);
      } else {
        // Finished before the abort could land: only possible on a very fast machine.
        expect(done - t0).toBeLessThan(60);
      }
    });
  });
});

describe("validation", () => {
  const x = randomMatrix(4, 3, 49);
  it("d must be a positive integer (TypeError)", async () => {
    for (const d of [0, -3, 1.5, Number.NaN, "3"]) {
      await expect(meanPairwiseCosineDistance(x, d as number)).rejects.toThrow(TypeError);
    }
    await expect(normalizeRows(x, 0)).rejects.toThrow(/^Expected a positive integer for d \(normalizeRows\) but received 0$/);
  });
  it("x.length must be a multiple of d (TypeError naming both)", async () => {
    await expect(rowDiversity(x, 5)).rejects.toThrow(/^Expected a length that is a multiple of d = 5 for x \(rowDiversity\) but received length 12 \(d mismatch/);
    await expect(cosineSimilarityMatrix(x, randomMatrix(2, 4, 1), 3)).rejects.toThrow(/for b .*d mismatch/);
    await expect(topK(randomMatrix(2, 4, 1), x, 3, 1)).rejects.toThrow(/for a .*d mismatch/);
  });
  it("only a Float32Array is accepted", async () => {
    for (const bad of [new Float64Array(12), Array.from(x), new Uint8Array(12), null, "x"]) {
      const e = await normalizeRows(bad as unknown as Float32Array, 3).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(TypeError);
      expect((e as Error).message).toMatch(/^Expected a Float32Array \(no other array type is accepted/);
    }
    await expect(normalizeRows(new Float64Array(12) as unknown as Float32Array, 3)).rejects.toThrow(/but received Float64Array\(12\)$/);
  });
  it("k must be an integer with 1 <= k <= nb (RangeError) unless na = 0", async () => {
    await expect(topK(x, x, 3, 5)).rejects.toThrow(RangeError);
    await expect(topK(x, x, 3, 5)).rejects.toThrow(/^Expected an integer k with 1 ≤ k ≤ nb = 4 for k \(topK\) but received 5$/);
    await expect(topK(x, x, 3, 0)).rejects.toThrow(RangeError);
    await expect(topK(x, x, 3, 1.5)).rejects.toThrow(RangeError);
    expect((await topK(new Float32Array(0), x, 3, 9)).indices).toHaveLength(0);
  });
  it("threshold must be a finite number", async () => {
    await expect(nearDuplicates(x, 3, Number.NaN)).rejects.toThrow(RangeError);
    await expect(nearDuplicates(x, 3, Number.POSITIVE_INFINITY)).rejects.toThrow(/^Expected a finite number for threshold/);
    await expect(nearDuplicates(x, 3, "0.5" as unknown as number)).rejects.toThrow(TypeError);
  });
  it("options are checked", async () => {
    await expect(normalizeRows(x, 3, { backend: "gpu" as "cuda" })).rejects.toThrow(/^Expected one of "auto", "cuda", "cpu", "js" for options.backend/);
    await expect(normalizeRows(x, 3, { threads: -1 })).rejects.toThrow(TypeError);
    await expect(nearDuplicates(x, 3, 0.5, { maxPairs: 1.5 })).rejects.toThrow(TypeError);
    await expect(normalizeRows(x, 3, { signal: {} as AbortSignal })).rejects.toThrow(/AbortSignal/);
  });
  it("an explicit unavailable backend says why and how to fix it", async (ctx) => {
    if (INFO.cuda.available) ctx.skip("CUDA is available here");
    const e = await normalizeRows(x, 3, { backend: "cuda" }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect((e as BackendUnavailableError).reason).toBe(INFO.cuda.reason);
    expect((e as Error).message).toMatch(/^The "cuda" backend is unavailable: .+\. .*(rebuild|Build|driver)/);
    if (!CPU) {
      await expect(normalizeRows(x, 3, { backend: "cpu" })).rejects.toThrow(/^The "cpu" backend is unavailable: .*npm run build:native -w @advfc\/native-embed/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Child processes: environment variables are read once per process, so the addon-absent path and
// ADVFC_DISABLE_SIMD run in their own node. They import the TypeScript sources through a small
// loader hook that transpiles with the repository's typescript.

const tmp = mkdtempSync(join(tmpdir(), "advfc-ops-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HOOKS = `
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
const ts = createRequire(${JSON.stringify(createRequire(import.meta.url).resolve("typescript"))})("typescript");
export async function resolve(specifier, context, next) {
  if (specifier.endsWith(".js") && context.parentURL?.endsWith(".ts") && (specifier.startsWith("./") || specifier.startsWith("../"))) {
    const ts_ = new URL(specifier.slice(0, -3) + ".ts", context.parentURL);
    if (!existsSync(fileURLToPath(new URL(specifier, context.parentURL))) && existsSync(fileURLToPath(ts_))) return { url: ts_.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith(".ts")) return next(url, context);
  const src = readFileSync(fileURLToPath(url), "utf8");
  const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } });
  return { format: "module", source: out.outputText, shortCircuit: true };
}
`;
writeFileSync(join(tmp, "hooks.mjs"), HOOKS);
writeFileSync(join(tmp, "register.mjs"), `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(join(tmp, "hooks.mjs")).href)});\n`);

const CHILD = `
const warnings = [];
process.on("warning", (w) => { if (w.code === "ADVFC_NATIVE_FALLBACK") warnings.push(w.message); });
const ops = await import(process.env.OPS_URL);
const x = new Float32Array([1, 0, 0, 1, 1, 1]);
const first = ops.info();
const mean = await ops.meanPairwiseCosineDistance(x, 2);
const matrix = Array.from(await ops.cosineSimilarityMatrix(x, x, 2));
const second = ops.info();
let cpuError;
try { await ops.normalizeRows(x, 2, { backend: "cpu" }); } catch (e) { cpuError = e.message; }
await new Promise((r) => setTimeout(r, 10));
process.stdout.write(JSON.stringify({ info: first, mean, matrix, again: second.backends.cpu, cpuError, warnings }));
`;
writeFileSync(join(tmp, "child.mjs"), CHILD);

const SRC = fileURLToPath(new URL(".", import.meta.url));

interface ChildResult {
  info: ReturnType<typeof info>;
  mean: number;
  matrix: number[];
  again: { available: boolean };
  cpuError?: string;
  warnings: string[];
  stderr: string;
}

function runChild(env: Record<string, string>, opsFile = join(SRC, "ops.ts")): ChildResult {
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(tmp, "register.mjs")).href, join(tmp, "child.mjs")], {
    env: { ...process.env, ADVFC_NO_NATIVE: "", ADVFC_NATIVE_PATH: "", ADVFC_DISABLE_SIMD: "", ...env, OPS_URL: pathToFileURL(opsFile).href },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<ChildResult, "stderr">), stderr: r.stderr };
}

const MEAN_OF_X = 1 - (0 + Math.SQRT1_2 + Math.SQRT1_2) / 3;

describe("without the addon", () => {
  it("ADVFC_NO_NATIVE=1: cpu unavailable with a reason, ops run on js, one fallback warning", () => {
    const r = runChild({ ADVFC_NO_NATIVE: "1" });
    expect(r.info.backends.cpu).toEqual({ available: false, reason: "disabled by ADVFC_NO_NATIVE=1" });
    expect(r.info.auto).toBe("js");
    expect(r.info.cuda.available).toBe(false);
    expect(r.info.addon).toMatchObject({ loaded: false, disabled: true, attempts: [] });
    expect(r.mean).toBeCloseTo(MEAN_OF_X, 6);
    expect(r.matrix[1]).toBe(0);
    expect(r.cpuError).toMatch(/^The "cpu" backend is unavailable: disabled by ADVFC_NO_NATIVE=1\. Unset ADVFC_NO_NATIVE/);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/ADVFC_NO_NATIVE=1 is set/);
    expect(r.stderr.match(/ADVFC_NATIVE_FALLBACK/g)).toHaveLength(1);
  });
  it("an addon that cannot be found: every attempt and the possible solutions, warned once", () => {
    // A copy of src/ has no ../build/Release next to it, so both attempts fail.
    const copy = join(tmp, "pkg", "src");
    cpSync(SRC, copy, { recursive: true, filter: (p) => !p.endsWith(".test.ts") });
    const r = runChild({ ADVFC_NATIVE_PATH: join(tmp, "nowhere", "advfc_native.node") }, join(copy, "ops.ts"));
    expect(r.info.backends.cpu.available).toBe(false);
    expect(r.info.backends.cpu.reason).toMatch(/ADVFC_NATIVE_PATH .*nowhere.*not found; package build .*build\/Release\/advfc_native\.node: not found/);
    expect(r.info.addon.attempts.map((a) => a.source)).toEqual(["ADVFC_NATIVE_PATH", "package build"]);
    expect(r.mean).toBeCloseTo(MEAN_OF_X, 6);
    expect(r.warnings).toHaveLength(1);
    const w = r.warnings[0]!;
    expect(w).toMatch(/Attempts:\n {2}- ADVFC_NATIVE_PATH .*nowhere.*: not found\n {2}- package build .*: not found \(the addon has not been built\)/);
    expect(w).toMatch(/Possible solutions:\n {2}- Build it: npm run build:native -w @advfc\/native-embed\n.*cmake.*\n.*ADVFC_NATIVE_PATH/);
    expect(r.cpuError).toMatch(/npm run build:native -w @advfc\/native-embed/);
  });
  it("ADVFC_NATIVE_PATH that does not exist falls back to the package build", (ctx) => {
    if (!CPU) ctx.skip(`${NO_ADDON}`);
    const r = runChild({ ADVFC_NATIVE_PATH: join(tmp, "nowhere.node") });
    expect(r.info.backends.cpu.available).toBe(true);
    expect(r.info.addon.attempts[0]).toMatchObject({ source: "ADVFC_NATIVE_PATH", error: "not found" });
    expect(r.info.addon.path).toBe(INFO.addon.path);
    expect(r.warnings).toEqual([]);
  });
});

// The CPU here picks AVX-512, so the AVX2+FMA kernels run only when the level is capped.
const TABLE_CHILD = `
const { TABLE, checkRow, label } = await import(process.env.TABLE_URL);
const ops = await import(process.env.OPS_URL);
const problems = [];
for (const r of TABLE) for (const p of await checkRow(r, { backend: "cpu" })) problems.push(label(r) + ": " + p);
process.stdout.write(JSON.stringify({ simd: ops.info().simd, rows: TABLE.length, problems }));
`;
writeFileSync(join(tmp, "table-child.mjs"), TABLE_CHILD);

describe("ADVFC_SIMD_MAX=avx2", () => {
  it("runs the whole kernel table through the AVX2+FMA kernels", (ctx) => {
    if (!CPU) ctx.skip(`${NO_ADDON}`);
    if (INFO.simd !== "avx512" && INFO.simd !== "avx2+fma") ctx.skip(`the CPU kernels run ${INFO.simd} here (no AVX2, or SIMD disabled)`);
    const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(tmp, "register.mjs")).href, join(tmp, "table-child.mjs")], {
      env: {
        ...process.env,
        ADVFC_NO_NATIVE: "",
        ADVFC_NATIVE_PATH: "",
        ADVFC_DISABLE_SIMD: "",
        ADVFC_SIMD_MAX: "avx2",
        OPS_URL: pathToFileURL(join(SRC, "ops.ts")).href,
        TABLE_URL: pathToFileURL(join(SRC, "testing", "kernel-table.ts")).href,
      },
      encoding: "utf8",
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { simd: string; rows: number; problems: string[] };
    expect(out.simd).toBe("avx2+fma");
    expect(out.rows).toBe(TABLE.length);
    expect(out.problems).toEqual([]);
  });
});

describe("ADVFC_DISABLE_SIMD=1", () => {
  it("makes the addon report and use its scalar path", (ctx) => {
    if (!CPU) ctx.skip(`${NO_ADDON}`);
    const r = runChild({ ADVFC_DISABLE_SIMD: "1" });
    expect(r.info.simd).toBe("scalar");
    expect(r.info.backends.cpu.simd).toBe("scalar");
    expect(r.mean).toBeCloseTo(MEAN_OF_X, 6);
    expectClose(r.matrix, [1, 0, Math.SQRT1_2, 0, 1, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2, 1], 1e-6, "scalar matrix");
  });
});
