// Smoke tests of the raw native addon (build/Release/advfc_native.node), loaded directly: every
// op against a float64 reference on small random matrices, SIMD on and off, odd widths that hit
// the SIMD tails, the edge cases of kernels.h and the error objects of binding.ts. The public TS
// layer (ops.ts) and its backend-agnostic tests live elsewhere.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import type { NativeBinding, NativeCallOptions, NativeKernelError } from "./binding.js";

const addonPath = fileURLToPath(new URL("../build/Release/advfc_native.node", import.meta.url));
const built = existsSync(addonPath);
const addon: NativeBinding | undefined = built ? (createRequire(import.meta.url)(addonPath) as NativeBinding) : undefined;

/** Element i of an array whose index is known to be in range (noUncheckedIndexedAccess). */
function at(a: ArrayLike<number>, i: number): number {
  const v = a[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range`);
  return v;
}

function native(): NativeBinding {
  if (addon === undefined) throw new Error("addon not built");
  return addon;
}

function options(overrides: Partial<NativeCallOptions> = {}): NativeCallOptions {
  return {
    backend: "cpu",
    threads: 0,
    simd: true,
    tf32: false,
    cancel: new Int32Array(new SharedArrayBuffer(4)),
    maxPairs: 1_000_000,
    ...overrides,
  };
}

/** Deterministic Gaussian-ish matrix; rows listed in `zeroRows` are all zeros. */
function randomMatrix(n: number, d: number, seed: number, zeroRows: number[] = []): Float32Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = uniform() + uniform() + uniform() - 1.5;
  for (const r of zeroRows) if (r < n) x.fill(0, r * d, (r + 1) * d);
  return x;
}

function refNormalized(x: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let k = 0; k < d; k++) ss += at(x, i * d + k) ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let k = 0; k < d; k++) out[i * d + k] = at(x, i * d + k) * inv;
  }
  return out;
}

function refCos(a: Float32Array, na: number, b: Float32Array, nb: number, d: number): Float64Array {
  const ah = refNormalized(a, na, d);
  const bh = refNormalized(b, nb, d);
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++)
    for (let j = 0; j < nb; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += at(ah, i * d + k) * at(bh, j * d + k);
      out[i * nb + j] = s;
    }
  return out;
}

function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let m = 0;
  for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(at(got, i) - at(want, i)));
  return m;
}

async function rejection(p: Promise<unknown>): Promise<NativeKernelError> {
  try {
    await p;
  } catch (e) {
    return e as NativeKernelError;
  }
  throw new Error("expected the promise to reject");
}

// {n, m, d, seed}: d = 1, 3, 17 and 769 leave tails after every SIMD width (8, 16, 32); n and m
// are not multiples of the 14 × 32 / 6 × 16 microkernel tiles; zero rows test cos = 0.
const cases = [
  { n: 5, m: 7, d: 1, seed: 1, zeroRows: [2] },
  { n: 13, m: 9, d: 3, seed: 2, zeroRows: [0] },
  { n: 31, m: 45, d: 17, seed: 3, zeroRows: [4, 30] },
  { n: 37, m: 70, d: 769, seed: 4, zeroRows: [36] },
  { n: 150, m: 530, d: 96, seed: 5, zeroRows: [] },
  // Big enough (5e7 flops) for the product ops to split blocks across threads.
  { n: 300, m: 700, d: 129, seed: 6, zeroRows: [299] },
];

const variants = [
  { simd: true, threads: 1 },
  { simd: true, threads: 2 },
  { simd: false, threads: 2 },
];

const suiteName = built
  ? "advfc_native addon"
  : "advfc_native addon (skipped: build/Release/advfc_native.node not built; run npm run build:native -w @advfc/native-embed)";

describe.skipIf(!built)(suiteName, () => {
  describe("info()", () => {
    it("reports the contract version, SIMD levels, threads and CUDA state", () => {
      const info = native().info();
      expect(info.contractVersion).toBe(1);
      expect(info.simdCompiled[0]).toBe("scalar");
      expect(info.simdCompiled).toContain(info.simd);
      expect(info.threads).toBeGreaterThanOrEqual(1);
      expect(typeof info.cuda.compiled).toBe("boolean");
      if (!info.cuda.available) expect(info.cuda.reason).toMatch(/\w/);
      expect(info.build).toMatch(/Release/);
    });
  });

  for (const v of variants) {
    describe(`simd: ${v.simd}, threads: ${v.threads}`, () => {
      for (const c of cases) {
        const label = `n=${c.n} m=${c.m} d=${c.d}`;
        const x = randomMatrix(c.n, c.d, c.seed, c.zeroRows);
        const y = randomMatrix(c.m, c.d, c.seed + 100);

        it(`normalizeRows ${label}`, async () => {
          const out = new Float32Array(c.n * c.d);
          await native().normalizeRows(x, c.n, c.d, out, options(v));
          expect(maxAbsDiff(out, refNormalized(x, c.n, c.d))).toBeLessThan(1e-6);
        });

        it(`meanPairwiseCosineDistance and rowDiversity ${label}`, async () => {
          const cos = refCos(x, c.n, x, c.n, c.d);
          let sum = 0;
          const rowWant = new Float64Array(c.n);
          for (let i = 0; i < c.n; i++)
            for (let j = 0; j < c.n; j++)
              if (i !== j) {
                rowWant[i] = at(rowWant, i) + (1 - at(cos, i * c.n + j)) / (c.n - 1);
                if (i < j) sum += 1 - at(cos, i * c.n + j);
              }
          const mean = await native().meanPairwiseCosineDistance(x, c.n, c.d, options(v));
          expect(Math.abs(mean - sum / ((c.n * (c.n - 1)) / 2))).toBeLessThan(1e-9);
          const rows = new Float32Array(c.n);
          await native().rowDiversity(x, c.n, c.d, rows, options(v));
          expect(maxAbsDiff(rows, rowWant)).toBeLessThan(2e-6);
        });

        it(`cosineSimilarityMatrix ${label}`, async () => {
          const out = new Float32Array(c.n * c.m);
          await native().cosineSimilarityMatrix(x, c.n, y, c.m, c.d, out, options(v));
          expect(maxAbsDiff(out, refCos(x, c.n, y, c.m, c.d))).toBeLessThan(1e-5);
          for (const r of c.zeroRows) if (r < c.n) expect(Array.from(out.subarray(r * c.m, (r + 1) * c.m))).toEqual(new Array(c.m).fill(0));
        });

        it(`nearDuplicates ${label}`, async () => {
          // Plant near-copies so that some pairs pass a high threshold.
          const z = x.slice();
          for (let i = 1; i < c.n; i += 3)
            for (let k = 0; k < c.d; k++) z[i * c.d + k] = at(z, (i - 1) * c.d + k) * 1.5 + 1e-3 * Math.sin(i + k);
          const threshold = 0.9;
          const cos = refCos(z, c.n, z, c.n, c.d);
          const got = await native().nearDuplicates(z, c.n, c.d, threshold, options(v));
          const found = new Set<string>();
          for (let p = 0; p < got.i.length; p++) {
            const i = at(got.i, p);
            const j = at(got.j, p);
            expect(i).toBeLessThan(j);
            if (p > 0) expect(at(got.i, p - 1) < i || (at(got.i, p - 1) === i && at(got.j, p - 1) < j)).toBe(true);
            expect(Math.abs(at(got.similarity, p) - at(cos, i * c.n + j))).toBeLessThan(1e-5);
            expect(got.similarity[p]).toBeGreaterThanOrEqual(threshold);
            found.add(`${i},${j}`);
          }
          for (let i = 0; i < c.n; i++)
            for (let j = i + 1; j < c.n; j++) if (at(cos, i * c.n + j) >= threshold + 1e-5) expect(found.has(`${i},${j}`)).toBe(true);
          expect(found.size).toBeGreaterThan(0);
        });

        it(`topK ${label}`, async () => {
          const k = Math.min(5, c.m);
          const indices = new Int32Array(c.n * k);
          const scores = new Float32Array(c.n * k);
          await native().topK(x, c.n, y, c.m, c.d, k, indices, scores, options(v));
          const cos = refCos(x, c.n, y, c.m, c.d);
          for (let i = 0; i < c.n; i++) {
            const want = Array.from(cos.subarray(i * c.m, (i + 1) * c.m)).sort((p, q) => q - p);
            for (let q = 0; q < k; q++) {
              const j = at(indices, i * k + q);
              expect(Math.abs(at(scores, i * k + q) - at(want, q))).toBeLessThan(1e-5);
              expect(Math.abs(at(scores, i * k + q) - at(cos, i * c.m + j))).toBeLessThan(1e-5);
              if (q > 0) expect(at(scores, i * k + q)).toBeLessThanOrEqual(at(scores, i * k + q - 1));
            }
          }
        });
      }
    });
  }

  describe("threads: 2 on the O(n·d) ops (above their per-thread threshold)", () => {
    const n = 3000;
    const d = 200;
    const x = randomMatrix(n, d, 21, [5, 2999]);
    // Σ_{i<j} cos = (‖Σ x̂_i‖² − Σ ‖x̂_i‖²) / 2 in float64; the pairwise sums are checked above.
    const xh = refNormalized(x, n, d);
    const s = new Float64Array(d);
    let self = 0;
    for (let i = 0; i < n; i++)
      for (let k = 0; k < d; k++) {
        s[k] = at(s, k) + at(xh, i * d + k);
        self += at(xh, i * d + k) ** 2;
      }
    const s2 = s.reduce((acc, v) => acc + v * v, 0);

    for (const simd of [true, false]) {
      it(`simd: ${simd}`, async () => {
        const opts = options({ simd, threads: 2 });
        const out = new Float32Array(n * d);
        await native().normalizeRows(x, n, d, out, opts);
        expect(maxAbsDiff(out, xh)).toBeLessThan(1e-6);
        const mean = await native().meanPairwiseCosineDistance(x, n, d, opts);
        expect(Math.abs(mean - (1 - (s2 - self) / (n * (n - 1))))).toBeLessThan(1e-9);
        const rows = new Float32Array(n);
        await native().rowDiversity(x, n, d, rows, opts);
        const want = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let dot = 0;
          let sq = 0;
          for (let k = 0; k < d; k++) {
            dot += at(xh, i * d + k) * at(s, k);
            sq += at(xh, i * d + k) ** 2;
          }
          want[i] = 1 - (dot - sq) / (n - 1);
        }
        expect(maxAbsDiff(rows, want)).toBeLessThan(1e-6);
        const bad = x.slice();
        bad[2500 * d] = NaN;
        bad[1700 * d + 3] = -Infinity;
        const e = await rejection(native().meanPairwiseCosineDistance(bad, n, d, opts));
        expect([e.code, e.matrix, e.row]).toEqual(["ADVFC_NON_FINITE", "x", 1700]);
      });
    }
  });

  describe("edge cases", () => {
    it("n = 0 and n = 1", async () => {
      const empty = new Float32Array(0);
      await native().normalizeRows(empty, 0, 4, empty, options());
      expect(await native().meanPairwiseCosineDistance(empty, 0, 4, options())).toBe(0);
      await native().rowDiversity(empty, 0, 4, new Float32Array(0), options());
      await native().cosineSimilarityMatrix(empty, 0, randomMatrix(3, 4, 9), 3, 4, new Float32Array(0), options());
      const none = await native().nearDuplicates(empty, 0, 4, 0.5, options());
      expect(none.i.length).toBe(0);
      await native().topK(empty, 0, empty, 0, 4, 0, new Int32Array(0), new Float32Array(0), options());

      const one = randomMatrix(1, 4, 7);
      expect(await native().meanPairwiseCosineDistance(one, 1, 4, options())).toBe(0);
      const rd = new Float32Array([42]);
      await native().rowDiversity(one, 1, 4, rd, options());
      expect(rd[0]).toBe(0);
      expect((await native().nearDuplicates(one, 1, 4, -1, options())).i.length).toBe(0);
    });

    it("all-zero input: cosine 0, distance 1, no NaN", async () => {
      const zeros = new Float32Array(4 * 8);
      expect(await native().meanPairwiseCosineDistance(zeros, 4, 8, options())).toBe(1);
      const rd = new Float32Array(4);
      await native().rowDiversity(zeros, 4, 8, rd, options());
      expect(Array.from(rd)).toEqual([1, 1, 1, 1]);
      const m = new Float32Array(16).fill(NaN);
      await native().cosineSimilarityMatrix(zeros, 4, zeros, 4, 8, m, options());
      expect(Array.from(m)).toEqual(new Array(16).fill(0));
    });

    it("extreme magnitudes (1e30, 1e-30, subnormals) normalise without overflow", async () => {
      const x = new Float32Array([1e30, 1e30, 0, 1e-30, 1e-30, 0, 1e-45, 0, 0]);
      const out = new Float32Array(9);
      await native().normalizeRows(x, 3, 3, out, options());
      const h = Math.SQRT1_2;
      expect(maxAbsDiff(out, [h, h, 0, h, h, 0, 1, 0, 0])).toBeLessThan(1e-6);
    });

    it("normalizeRows of an output over 32 MiB (streaming stores) into a misaligned view", async () => {
      const n = 8300;
      const d = 1023;
      const x = randomMatrix(n, d, 31, [7]);
      const want = refNormalized(x, n, d);
      for (const simd of [true, false]) {
        // Offset by one float: rows start at every 4-byte phase of the 64-byte lines.
        const backing = new Float32Array(n * d + 1);
        const out = backing.subarray(1);
        await native().normalizeRows(x, n, d, out, options({ simd, threads: 2 }));
        expect(maxAbsDiff(out, want)).toBeLessThan(1e-6);
        expect(backing[0]).toBe(0);
      }
    });

    it("topK ties go to the lower index of b", async () => {
      const b = new Float32Array([1, 0, 0, 1, 1, 0, 1, 1, 1, 0]);
      const a = new Float32Array([1, 0]);
      const indices = new Int32Array(4);
      const scores = new Float32Array(4);
      await native().topK(a, 1, b, 5, 2, 4, indices, scores, options());
      expect(Array.from(indices)).toEqual([0, 2, 4, 3]);
      expect(Array.from(scores)).toEqual([1, 1, 1, expect.closeTo(Math.SQRT1_2, 6)]);
      // More tied hits than k: the later index 4 must not displace 2.
      const two = new Int32Array(2);
      await native().topK(a, 1, b, 5, 2, 2, two, new Float32Array(2), options());
      expect(Array.from(two)).toEqual([0, 2]);
    });
  });

  describe("errors", () => {
    it("NaN / ±Inf reject with ADVFC_NON_FINITE naming the matrix and the lowest row", async () => {
      const x = randomMatrix(40, 17, 11);
      x[33 * 17 + 16] = NaN;
      x[21 * 17 + 5] = Infinity;
      for (const simd of [true, false]) {
        const e = await rejection(native().rowDiversity(x, 40, 17, new Float32Array(40), options({ simd })));
        expect(e).toBeInstanceOf(Error);
        expect([e.code, e.matrix, e.row]).toEqual(["ADVFC_NON_FINITE", "x", 21]);
        const e2 = await rejection(native().normalizeRows(x, 40, 17, new Float32Array(40 * 17), options({ simd })));
        expect([e2.code, e2.matrix, e2.row]).toEqual(["ADVFC_NON_FINITE", "x", 21]);
        const e3 = await rejection(native().meanPairwiseCosineDistance(x, 40, 17, options({ simd, threads: 2 })));
        expect([e3.code, e3.matrix, e3.row]).toEqual(["ADVFC_NON_FINITE", "x", 21]);
      }
      const good = randomMatrix(3, 17, 12);
      const bad = good.slice();
      bad[2 * 17] = -Infinity;
      const e4 = await rejection(native().cosineSimilarityMatrix(good, 3, bad, 3, 17, new Float32Array(9), options()));
      expect([e4.code, e4.matrix, e4.row]).toEqual(["ADVFC_NON_FINITE", "b", 2]);
      const e5 = await rejection(
        native().topK(bad, 3, bad, 3, 17, 1, new Int32Array(3), new Float32Array(3), options()),
      );
      expect([e5.code, e5.matrix, e5.row]).toEqual(["ADVFC_NON_FINITE", "a", 2]);
      const e6 = await rejection(native().nearDuplicates(bad, 3, 17, 0.5, options()));
      expect([e6.code, e6.matrix, e6.row]).toEqual(["ADVFC_NON_FINITE", "x", 2]);
    });

    it("a set cancel flag rejects with ADVFC_ABORTED", async () => {
      const x = randomMatrix(300, 64, 13);
      const opts = options();
      Atomics.store(opts.cancel, 0, 1);
      expect((await rejection(native().normalizeRows(x, 300, 64, new Float32Array(300 * 64), opts))).code).toBe(
        "ADVFC_ABORTED",
      );
      expect((await rejection(native().meanPairwiseCosineDistance(x, 300, 64, opts))).code).toBe("ADVFC_ABORTED");
      expect(
        (await rejection(native().cosineSimilarityMatrix(x, 300, x, 300, 64, new Float32Array(300 * 300), opts))).code,
      ).toBe("ADVFC_ABORTED");
    });

    it("maxPairs, k out of range and short buffers", async () => {
      const x = randomMatrix(20, 8, 14);
      const many = await rejection(native().nearDuplicates(x, 20, 8, -2, options({ maxPairs: 10 })));
      expect(many.code).toBe("ADVFC_TOO_MANY_PAIRS");
      const all = await native().nearDuplicates(x, 20, 8, -2, options({ maxPairs: 190 }));
      expect(all.i.length).toBe(190);
      const k = await rejection(native().topK(x, 20, x, 20, 8, 21, new Int32Array(420), new Float32Array(420), options()));
      expect(k.code).toBe("ADVFC_BAD_ARGUMENT");
      const short = await rejection(native().normalizeRows(x, 20, 8, new Float32Array(10), options()));
      expect(short.code).toBe("ADVFC_BAD_ARGUMENT");
    });

    it("cudaKernelTime rejects with ADVFC_CUDA when CUDA is unavailable", async () => {
      if (native().info().cuda.available) return;
      const x = randomMatrix(4, 4, 15);
      const e = await rejection(native().cudaKernelTime("normalizeRows", x, 4, null, 0, 4, options({ backend: "cuda" })));
      expect(e.code).toBe("ADVFC_CUDA");
    });

    it("memoryBandwidth returns a positive GB/s figure", async () => {
      expect(await native().memoryBandwidth(8 << 20, 1)).toBeGreaterThan(0);
    });
  });
});
