import { describe, expect, it } from "vitest";
import { HashEmbedder, murmurhash3_32, normalizeForHash } from "./hash.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

describe("murmurhash3_32", () => {
  it("matches the reference MurmurHash3_x86_32 test vectors", () => {
    expect(murmurhash3_32(utf8(""), 0)).toBe(0);
    expect(murmurhash3_32(utf8(""), 1) >>> 0).toBe(0x514e28b7);
    expect(murmurhash3_32(utf8("hello"), 0) >>> 0).toBe(0x248bfa47);
    expect(murmurhash3_32(utf8("The quick brown fox jumps over the lazy dog"), 0) >>> 0).toBe(0x2e4ff723);
    // scikit-learn: murmurhash3_32("foo", seed=0) == -156908512 (signed)
    expect(murmurhash3_32(utf8("foo"), 0)).toBe(-156908512);
  });

  it("hashes a sub-range like the bytes on their own", () => {
    const b = utf8("xxhelloyy");
    expect(murmurhash3_32(b, 0, 2, 7)).toBe(murmurhash3_32(utf8("hello"), 0));
  });
});

describe("normalisation", () => {
  it("applies NFKC, lowercases, turns controls into spaces and collapses whitespace", () => {
    expect(normalizeForHash("  Ｈｅｌｌｏ\tWORLD\u0002 ﬁne\n")).toBe("hello world fine");
    expect(normalizeForHash(" \t\n")).toBe("");
  });
});

describe("hash embedder output", () => {
  const e = new HashEmbedder();

  it("has the documented defaults in its name and dim", () => {
    expect(e.dim).toBe(512);
    expect(e.name).toBe("hash:char-ngram(2-4,log-tf)/512");
    expect(new HashEmbedder({ dim: 64, minN: 3, maxN: 5, sublinear: false }).name).toBe("hash:char-ngram(3-5,tf)/64");
    expect(e.description).toMatch(/surface .*not meaning/);
  });

  it("is deterministic, unit-norm, and equal for texts that normalise the same", async () => {
    const out = await e.embed(["Book a flight to Paris", "book  a FLIGHT to paris ", "Book a flight to Paris"]);
    expect(out.length).toBe(3 * 512);
    const r = (i: number) => out.subarray(i * 512, (i + 1) * 512);
    expect(Math.hypot(...r(0))).toBeCloseTo(1, 6);
    expect(Array.from(r(1))).toEqual(Array.from(r(0)));
    expect(Array.from(r(2))).toEqual(Array.from(r(0)));
  });

  it("pins the exact vector of a short text (bucket and sign of every n-gram)", async () => {
    // "ab" → padded \u0002ab\u0003: n-grams \u0002a, ab, b\u0003, \u0002ab, ab\u0003, \u0002ab\u0003 (each once, weight 1).
    const small = new HashEmbedder({ dim: 16 });
    const [v] = [await small.embed(["AB"])];
    const expected = new Float64Array(16);
    for (const g of ["\u0002a", "ab", "b\u0003", "\u0002ab", "ab\u0003", "\u0002ab\u0003"]) {
      const h = murmurhash3_32(utf8(g));
      expected[(h >>> 0) % 16]! += h < 0 ? -1 : 1;
    }
    const n = Math.hypot(...expected);
    expect(Array.from(v as Float32Array)).toEqual(Array.from(expected, (x) => Math.fround(x / n)));
  });

  it("weights repeated n-grams by 1 + ln(count) unless sublinear is off", () => {
    const dim = 1 << 20; // wide enough that these few n-grams do not collide
    const text = "aaaa"; // \u0002aaaa\u0003: "aa" ×3
    const h = murmurhash3_32(utf8("aa"));
    const bucket = (h >>> 0) % dim;
    const sign = h < 0 ? -1 : 1;
    const logTf = new Float32Array(dim);
    new HashEmbedder({ dim, minN: 2, maxN: 2 }).embedOne(text, logTf);
    const tf = new Float32Array(dim);
    new HashEmbedder({ dim, minN: 2, maxN: 2, sublinear: false }).embedOne(text, tf);
    // 2-grams: \u0002a, aa ×3, a\u0003 → unnormalised weights 1, w, 1.
    const w1 = 1 + Math.log(3);
    expect(logTf[bucket]).toBeCloseTo((sign * w1) / Math.sqrt(2 + w1 * w1), 6);
    expect(tf[bucket]).toBeCloseTo((sign * 3) / Math.sqrt(11), 6);
  });

  it("maps an empty (or whitespace-only) text to the zero vector", async () => {
    const out = await e.embed(["", " \n\t "]);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it("measures surface overlap: a typo stays close, a reworded paraphrase does not", async () => {
    const [a, typo, para, other] = ["what is the weather in paris", "what is the wether in paris", "how's it looking outside in the french capital", "book a flight to tokyo"].map((t) => {
      const v = new Float32Array(512);
      e.embedOne(t, v);
      return v;
    }) as [Float32Array, Float32Array, Float32Array, Float32Array];
    expect(cos(a, typo)).toBeGreaterThan(0.7);
    expect(cos(a, para)).toBeLessThan(cos(a, typo) - 0.3);
    expect(cos(a, other)).toBeLessThan(0.5);
  });

  it("handles non-BMP characters and lone surrogates", async () => {
    const out = await e.embed(["🙂🙂 emoji", "\ud800 lone"]);
    expect(Math.hypot(...out.subarray(0, 512))).toBeCloseTo(1, 6);
    expect(Math.hypot(...out.subarray(512))).toBeCloseTo(1, 6);
  });
});

describe("options", () => {
  it("validates dim and the n-gram range", () => {
    expect(() => new HashEmbedder({ dim: 0 })).toThrow(/hash dim/);
    expect(() => new HashEmbedder({ minN: 3, maxN: 2 })).toThrow(/n-gram range/);
  });

  it("reports progress per batch and honours an abort between batches", async () => {
    const e = new HashEmbedder({ dim: 8 });
    const texts = Array.from({ length: 10 }, (_, i) => `text ${i}`);
    const calls: number[] = [];
    await e.embed(texts, { batchSize: 4, onProgress: (d, t) => calls.push(d * 100 + t) });
    expect(calls).toEqual([410, 810, 1010]);
    const ac = new AbortController();
    await expect(e.embed(texts, { batchSize: 4, signal: ac.signal, onProgress: () => ac.abort(new Error("halt")) })).rejects.toThrow("halt");
  });
});
