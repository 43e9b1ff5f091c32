import { PassThrough, Readable } from "node:stream";
import { info } from "@advfc/native-embed";
import { describe, expect, it } from "vitest";
import { runBench } from "./bench.js";
import { runBenchKernels, type KernelBenchRow, type KernelBenchTarget } from "./bench-kernels.js";
import { runWithIo } from "../test-support/io.js";

function run(args: string[]) {
  return runWithIo(runBenchKernels, args);
}

const OPS = ["normalizeRows", "meanPairwiseCosineDistance", "rowDiversity", "cosineSimilarityMatrix", "nearDuplicates", "topK"];
const LINEAR = new Set(OPS.slice(0, 3));

interface Report {
  benchmark: string;
  memory_bandwidth: { gbps: number; method: string } | null;
  rows: KernelBenchRow[];
  targets: KernelBenchTarget[];
}

describe("advfc bench kernels", () => {
  it("--format json: one row per op, backend and size, with numbers that parse", async () => {
    const r = await run(["--sizes", "64x32,100x17", "--large-n", "300", "--runs", "2", "--warmup", "0", "--k", "3", "--format", "json"]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as Report;
    expect(report.benchmark).toBe("kernels");
    expect(report.memory_bandwidth!.gbps).toBeGreaterThan(0);
    const backends = ["js", "tfjs-wasm", ...(info().backends.cpu.available ? ["cpu"] : []), ...(info().cuda.available ? ["cuda"] : [])];
    for (const op of OPS) {
      const sizes = LINEAR.has(op) ? ["64x32", "100x17", "300x768"] : ["64x32", "100x17"];
      for (const backend of backends) {
        for (const size of sizes) {
          const row = report.rows.find((x) => x.op === op && x.backend === backend && `${x.n}x${x.d}` === size);
          expect(row, `${op} ${backend} ${size}`).toBeDefined();
          expect(row!.skipped, `${op} ${backend} ${size}`).toBeUndefined();
          expect(row!.runs).toBe(2);
          expect(row!.median_ms).toBeGreaterThan(0);
          if (LINEAR.has(op)) {
            expect(row!.gbps).toBeGreaterThan(0);
            expect(row!.fraction_of_bandwidth).toBeCloseTo(row!.gbps! / report.memory_bandwidth!.gbps, 9);
          } else {
            expect(row!.gflops).toBeCloseTo((2 * row!.n * row!.n * row!.d) / (row!.median_ms! / 1000) / 1e9, 6);
          }
          expect(row!.vs_js).toBeGreaterThan(0);
          expect(row!.vs_tfjs).toBeGreaterThan(0);
          if (backend === "js") expect(row!.vs_js).toBe(1);
        }
      }
    }
    if (info().backends.cpu.available) {
      const reused = report.rows.filter((x) => x.backend === "cpu, out reused");
      expect(reused.map((x) => `${x.op} ${x.n}x${x.d}`)).toEqual(["normalizeRows 64x32", "normalizeRows 100x17", "normalizeRows 300x768"]);
      expect(reused.every((x) => x.gbps! > 0)).toBe(true);
    }
    expect(report.targets.map((t) => t.target)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^cpu cosineSimilarityMatrix n=4096 d=768 >= 60 GFLOP\/s/), expect.stringMatching(/>= 20x the pure-JS loop/)]),
    );
    // 4096x768 was not run, so the matrix target is not judged.
    expect(report.targets[0]!.met).toBeNull();
  }, 60_000);

  it("text: one table per op with the expected columns, and the target lines", async () => {
    const r = await run(["--sizes", "64x32", "--no-large-n", "--runs", "1", "--no-tfjs", "--backends", "js", "--ops", "rowDiversity,topK", "--k", "2"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^## rowDiversity \(GB\/s = 8·n·d \+ 4·n/m);
    expect(r.out).toMatch(/^\| backend \| n x d \| median ms \| GB\/s \| of bandwidth \| vs js \| vs tfjs-wasm \|$/m);
    expect(r.out).toMatch(/^## topK \(GFLOP\/s = 2·n·n·d \/ t \(the implied n x n matrix\), k 2\)/m);
    expect(r.out).toMatch(/^\| backend \| n x d \| median ms \| GFLOP\/s \| vs js \| vs tfjs-wasm \|$/m);
    expect(r.out).toMatch(/^\| js {6}\| 64x32 \| +[\d.]+ \| +[\d.]+ \| +1\.00x \| +— \|$/m);
    expect(r.out).not.toMatch(/^## normalizeRows/m);
    expect(r.out).toMatch(/memory bandwidth: [\d.]+ GB\/s, measured by (the addon's triad|a JS triad)/);
    expect(r.out).toMatch(/^targets:\n {2}n\/a {6}cpu rowDiversity n=\(large\) d=768 >= 0\.5 of the measured memory bandwidth: not measured$/m);
    expect(r.out).not.toMatch(/cosineSimilarityMatrix/);
  }, 60_000);

  it("--quick (like --no-js-large, at ~2 s) skips the pure-JS loop where one run is foreseen to take long", async () => {
    // --quick skips beyond ~2 s: 64x32 sets the rate, 2048x768 (6.4 GFLOP) is then foreseen slow.
    const r = await run(["--sizes", "64x32,2048x768", "--runs", "1", "--no-tfjs", "--backends", "js", "--ops", "cosineSimilarityMatrix", "--quick", "--format", "json"]);
    expect(r.code, r.err).toBe(0);
    const rows = (JSON.parse(r.out) as Report).rows;
    expect(rows.find((x) => x.n === 2048)).toMatchObject({ backend: "js", skipped: "skipped (too slow)", median_ms: null, runs: 0 });
    expect(rows.find((x) => x.n === 64)!.median_ms).toBeGreaterThan(0);
  }, 60_000);

  it("rejects bad options with exit code 2", async () => {
    expect((await run(["--sizes", "64by32"])).code).toBe(2);
    expect((await run(["--ops", "nope"])).err).toMatch(/unknown op "nope"/);
    expect((await run(["--backends", "gpu"])).err).toMatch(/unknown backend "gpu"/);
    expect((await run(["--runs", "0"])).code).toBe(2);
    expect((await run(["--format", "xml"])).code).toBe(2);
  });

  it("is reachable as `advfc bench kernels` and listed in `advfc bench --help`", async () => {
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (c: Buffer) => (out += c.toString()));
    expect(await runBench(["kernels", "--help"], { stdin: Readable.from([]), stdout, stderr: new PassThrough() })).toBe(0);
    expect(out).toMatch(/^Usage: advfc bench kernels/);
    out = "";
    await runBench(["--help"], { stdin: Readable.from([]), stdout, stderr: new PassThrough() });
    expect(out).toMatch(/^ {2}kernels {2}the diversity kernels/m);
  });
});
