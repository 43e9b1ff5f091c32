import { mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbedderSpecError, EmbedError, ModelUnavailableError } from "./errors.js";
import { createEmbedder, parseEmbedderSpec } from "./factory.js";
import { HashEmbedder } from "./hash.js";
import { OnnxEmbedder } from "./onnx.js";
import { writeTinyBertModel } from "./testing/tiny-bert.js";

const root = mkdtempSync(join(tmpdir(), "advfc-factory-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("parseEmbedderSpec", () => {
  it("reads hash, hash:<dim>, hash:<dim>:<min>-<max> and onnx:<model>", () => {
    expect(parseEmbedderSpec("hash")).toEqual({ type: "hash" });
    expect(parseEmbedderSpec("hash:1024")).toEqual({ type: "hash", dim: 1024 });
    expect(parseEmbedderSpec("hash:256:3-5")).toEqual({ type: "hash", dim: 256, minN: 3, maxN: 5 });
    expect(parseEmbedderSpec("onnx:shibing624/text2vec-base-multilingual@main")).toEqual({ type: "onnx", model: "shibing624/text2vec-base-multilingual@main" });
    expect(parseEmbedderSpec("onnx:C:/models/x")).toEqual({ type: "onnx", model: "C:/models/x" });
  });

  it("names the spec and the expected forms in its errors", () => {
    expect(() => parseEmbedderSpec("bert")).toThrow(/Invalid embedder spec "bert": expected one of hash, hash:<dim>, hash:<dim>:<min>-<max>, onnx:<folder>/);
    expect(() => parseEmbedderSpec("hash:big")).toThrow(/positive integer for the dimension but received "big"/);
    expect(() => parseEmbedderSpec("hash:64:4")).toThrow(/n-gram range <min>-<max>/);
    expect(() => parseEmbedderSpec("onnx:")).toThrow(EmbedderSpecError);
  });
});

describe("createEmbedder", () => {
  it("builds a hash embedder from a string or an object, validating the numbers", async () => {
    const a = await createEmbedder("hash:128:1-3");
    expect(a).toBeInstanceOf(HashEmbedder);
    expect(a.name).toBe("hash:char-ngram(1-3,log-tf)/128");
    expect((await createEmbedder({ type: "hash", sublinear: false })).name).toBe("hash:char-ngram(2-4,tf)/512");
    await expect(createEmbedder("hash:0")).rejects.toThrow(EmbedderSpecError);
  });

  it("builds an onnx embedder from a local folder, named after the spec", async () => {
    const m = writeTinyBertModel(join(root, "m"));
    const e = await createEmbedder(`onnx:${m.folder}`, { device: "cpu", maxLength: 8 });
    try {
      expect(e).toBeInstanceOf(OnnxEmbedder);
      expect(e.name).toBe(`onnx:${m.folder}`);
      expect((e as OnnxEmbedder).maxLength).toBe(8);
      expect(EmbedError.isInstance(new EmbedderSpecError("x", "y"))).toBe(true);
    } finally {
      await e.dispose();
    }
  });

  it("says which files a local folder lacks", async () => {
    const m = writeTinyBertModel(join(root, "no-tokenizer"));
    unlinkSync(join(m.folder, "tokenizer.json"));
    await expect(createEmbedder(`onnx:${m.folder}`)).rejects.toThrow(/lacks tokenizer\.json/);
    const n = writeTinyBertModel(join(root, "no-model"));
    unlinkSync(join(n.folder, "model.onnx"));
    const err = await createEmbedder(`onnx:${n.folder}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect((err as Error).message).toMatch(/lacks model\.onnx \(or onnx\/model\.onnx\)[\s\S]*optimum-cli export onnx/);
  });
});
