import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbedError, ModelFormatError } from "./errors.js";
import { OnnxEmbedder, cudaProviderInstalled } from "./onnx.js";
import { referenceEmbedding, referenceHidden, writeTinyBertModel, type TinyBertModel } from "./testing/tiny-bert.js";
import { loadTokenizer, type LoadedTokenizer } from "./tokenizer.js";

const root = mkdtempSync(join(tmpdir(), "advfc-onnx-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEXTS = [
  "What is the weather in Paris today?",
  "book a flight",
  "",
  "Please send an email to me about the stock price of tokyo news, and play music; then set alarm for tomorrow.",
  "你好 北京 天气",
  "x",
  "call the function get_weather with city = London and days = 3",
  "Find a hotel in London with cheese pizza!",
];
const LONG = Array.from({ length: 120 }, (_, i) => ["the", "weather", "in", "paris", "is", "nice", `w${i % 10}`][i % 7]).join(" ");

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function row(m: Float32Array, i: number, dim: number): Float32Array {
  return m.subarray(i * dim, (i + 1) * dim);
}

let model: TinyBertModel;
let tok: LoadedTokenizer;
let embedder: OnnxEmbedder;
let generationMs = 0;

beforeAll(async () => {
  const t0 = performance.now();
  model = writeTinyBertModel(join(root, "bert"));
  generationMs = performance.now() - t0;
  tok = await loadTokenizer(model.folder);
  embedder = await OnnxEmbedder.create({ folder: model.folder, device: "cpu" });
});
afterAll(() => embedder.dispose());

describe("onnx embedder output", () => {
  it("is n × hidden, one unit-norm row per text, equal to the float64 reference forward pass", async () => {
    expect(generationMs).toBeLessThan(5000);
    expect(embedder.dim).toBe(32);
    expect(embedder.name).toBe(`onnx:${model.folder}`);
    expect(embedder.pooling).toBe("mean");
    expect(embedder.outputName).toBe("last_hidden_state");
    const out = await embedder.embed(TEXTS);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(TEXTS.length * 32);
    TEXTS.forEach((t, i) => {
      const r = row(out, i, 32);
      expect(Math.hypot(...r)).toBeCloseTo(1, 5);
      const ref = referenceEmbedding(model.weights, tok.encode(t).ids);
      expect(maxAbsDiff(r, ref)).toBeLessThan(1e-4);
    });
    // Different texts give different vectors (a constant output would pass the norm check).
    expect(maxAbsDiff(row(out, 0, 32), row(out, 1, 32))).toBeGreaterThan(0.05);
  });

  it("returns an empty matrix for no texts", async () => {
    expect((await embedder.embed([])).length).toBe(0);
  });
});

describe("padding and batching", () => {
  it("is padding invariant: a text embeds the same alone and next to a much longer text", async () => {
    const alone = await embedder.embed(["book a flight"]);
    const unsorted = await OnnxEmbedder.create({ folder: model.folder, device: "cpu", sortByLength: false });
    try {
      for (const e of [embedder, unsorted]) {
        const batched = await e.embed(["book a flight", LONG], { batchSize: 2 });
        expect(maxAbsDiff(row(batched, 0, 32), alone)).toBeLessThan(1e-5);
      }
    } finally {
      await unsorted.dispose();
    }
  });

  it("is batch-size invariant (1, 3, 64 within 1e-5)", async () => {
    const texts = [...TEXTS, LONG, ...TEXTS.map((t) => t.toUpperCase())];
    const b1 = await embedder.embed(texts, { batchSize: 1 });
    const b3 = await embedder.embed(texts, { batchSize: 3 });
    const b64 = await embedder.embed(texts, { batchSize: 64 });
    expect(maxAbsDiff(b1, b3)).toBeLessThan(1e-5);
    expect(maxAbsDiff(b1, b64)).toBeLessThan(1e-5);
  });

  it("restores the caller's order after sorting by length", async () => {
    const texts = ["a", LONG, "book a flight to paris", "", "what is the weather in tokyo tomorrow please"];
    const out = await embedder.embed(texts, { batchSize: 2 });
    for (let i = 0; i < texts.length; i++) {
      const alone = await embedder.embed([texts[i] as string]);
      expect(maxAbsDiff(row(out, i, 32), alone)).toBeLessThan(1e-5);
    }
    const rev = await embedder.embed([...texts].reverse(), { batchSize: 2 });
    for (let i = 0; i < texts.length; i++) expect(maxAbsDiff(row(rev, texts.length - 1 - i, 32), row(out, i, 32))).toBeLessThan(1e-5);
  });
});

describe("truncation (maxLength)", () => {
  it("defaults to the model's position table (config.json max_position_embeddings) and keeps the final [SEP]", async () => {
    expect(tok.maxLength).toBe(64);
    expect(tok.maxLengthSource).toMatch(/capped by config.json max_position_embeddings/);
    const ids = tok.encode(LONG).ids;
    expect(ids.length).toBe(64);
    expect(ids[0]).toBe(2);
    expect(ids[63]).toBe(3);
    const out = await embedder.embed([LONG]);
    expect(maxAbsDiff(out, referenceEmbedding(model.weights, ids))).toBeLessThan(1e-4);
  });

  it("follows tokenizer_config.json model_max_length, and the maxLength option over it", async () => {
    const m = writeTinyBertModel(join(root, "maxlen"), { modelMaxLength: 16 });
    const t16 = await loadTokenizer(m.folder);
    expect(t16.maxLength).toBe(16);
    expect(t16.maxLengthSource).toBe("tokenizer_config.json model_max_length");
    expect(t16.encode(LONG).ids.length).toBe(16);
    const t8 = await loadTokenizer(m.folder, { maxLength: 8 });
    expect(t8.encode(LONG).ids).toEqual([...tok.encode(LONG).ids.slice(0, 7), 3]);
    await expect(loadTokenizer(m.folder, { maxLength: 0 })).rejects.toThrow(/positive integer for maxLength/);
  });
});

describe("model variants", () => {
  it("XLM-R style: Unigram tokenizer, pad id 1, no token_type_ids input", async () => {
    const m = writeTinyBertModel(join(root, "xlmr"), { tokenizer: "unigram", seed: 7 });
    expect(m.weights.tokenTypeInput).toBe(false);
    const t = await loadTokenizer(m.folder);
    expect(t.padId).toBe(1);
    const e = await OnnxEmbedder.create({ folder: m.folder, device: "cpu" });
    try {
      const texts = ["the weather in paris", LONG, "tell me the news"];
      const out = await e.embed(texts, { batchSize: 3 });
      texts.forEach((text, i) => {
        const ids = t.encode(text).ids;
        expect(ids[0]).toBe(0);
        expect(ids[ids.length - 1]).toBe(2);
        expect(maxAbsDiff(row(out, i, 32), referenceEmbedding(m.weights, ids))).toBeLessThan(1e-4);
      });
    } finally {
      await e.dispose();
    }
  });

  it("reads last_hidden_state even when another output comes first", async () => {
    const m = writeTinyBertModel(join(root, "pooler"), { outputs: "pooler+hidden" });
    const e = await OnnxEmbedder.create({ folder: m.folder, device: "cpu" });
    try {
      expect(e.outputName).toBe("last_hidden_state");
      expect(e.pooling).toBe("mean");
      const out = await e.embed(["book a flight"]);
      expect(maxAbsDiff(out, referenceEmbedding(m.weights, tok.encode("book a flight").ids))).toBeLessThan(1e-4);
    } finally {
      await e.dispose();
    }
  });

  it("uses a model's own pooled sentence_embedding as is (L2-normalised), pooling = model", async () => {
    const m = writeTinyBertModel(join(root, "pooled"), { outputs: "pooled" });
    const e = await OnnxEmbedder.create({ folder: m.folder, device: "cpu" });
    try {
      expect(e.outputName).toBe("sentence_embedding");
      expect(e.pooling).toBe("model");
      const out = await e.embed(["book a flight", "what is the weather in paris"]);
      expect(maxAbsDiff(row(out, 1, 32), referenceEmbedding(m.weights, tok.encode("what is the weather in paris").ids, "pooler"))).toBeLessThan(1e-4);
    } finally {
      await e.dispose();
    }
  });

  it("finds onnx/model.onnx and honours 1_Pooling/config.json (cls)", async () => {
    const m = writeTinyBertModel(join(root, "cls"), { onnxSubfolder: true });
    mkdirSync(join(m.folder, "1_Pooling"));
    writeFileSync(join(m.folder, "1_Pooling", "config.json"), JSON.stringify({ word_embedding_dimension: 32, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    const e = await OnnxEmbedder.create({ folder: m.folder, device: "cpu" });
    try {
      expect(e.modelPath).toBe(join(m.folder, "onnx", "model.onnx"));
      expect(e.pooling).toBe("cls");
      const out = await e.embed(["book a flight", LONG]);
      const h0 = referenceHidden(m.weights, tok.encode("book a flight").ids)[0] as Float64Array;
      const n = Math.hypot(...h0);
      expect(maxAbsDiff(row(out, 0, 32), h0.map((v) => v / n))).toBeLessThan(1e-4);
    } finally {
      await e.dispose();
    }
  });
});

describe("execution provider", () => {
  it("reports the provider that ran; auto falls back to the CPU with a reason", async () => {
    expect(embedder.executionProvider).toBe("cpu");
    const auto = await OnnxEmbedder.create({ folder: model.folder, device: "auto" });
    try {
      if (!cudaProviderInstalled()) {
        expect(auto.executionProvider).toBe("cpu");
        expect(auto.executionProviderNote).toMatch(/CUDA provider library not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12/);
      } else {
        expect(["cuda", "cpu"]).toContain(auto.executionProvider);
      }
    } finally {
      await auto.dispose();
    }
  });

  it.skipIf(cudaProviderInstalled())('device "cuda" fails clearly when the CUDA provider is not installed', async () => {
    await expect(OnnxEmbedder.create({ folder: model.folder, device: "cuda" })).rejects.toThrow(/device "cuda" requested but CUDA provider library not installed/);
  });
});

describe("progress, abort and errors", () => {
  it("reports progress per batch and stops between batches when aborted", async () => {
    const calls: [number, number][] = [];
    await embedder.embed(TEXTS, { batchSize: 3, onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([[3, 8], [6, 8], [8, 8]]);

    const ac = new AbortController();
    const seen: number[] = [];
    const p = embedder.embed(TEXTS, {
      batchSize: 3,
      signal: ac.signal,
      onProgress: (d) => {
        seen.push(d);
        ac.abort(new Error("stop now"));
      },
    });
    await expect(p).rejects.toThrow("stop now");
    expect(seen).toEqual([3]);
    await expect(embedder.embed(TEXTS, { signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it("rejects bad arguments and unusable folders with typed errors", async () => {
    await expect(embedder.embed(TEXTS, { batchSize: 0 })).rejects.toThrow(/positive integer for batchSize/);
    await expect(embedder.embed(["a", 3 as unknown as string])).rejects.toThrow(/string for texts\[1\]/);
    const empty = join(root, "empty");
    mkdirSync(empty);
    await expect(OnnxEmbedder.create({ folder: empty })).rejects.toThrow(ModelFormatError);
    const broken = join(root, "broken");
    writeTinyBertModel(broken);
    writeFileSync(join(broken, "model.onnx"), "not a model");
    await expect(OnnxEmbedder.create({ folder: broken, device: "cpu" })).rejects.toThrow(/onnxruntime cannot load it/);
    const e = await OnnxEmbedder.create({ folder: model.folder, device: "cpu" });
    await e.dispose();
    await e.dispose();
    await expect(e.embed(["x"])).rejects.toThrow(EmbedError);
  });
});
