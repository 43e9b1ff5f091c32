import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OnnxEmbedder, cudaProviderInstalled } from "./onnx.js";
import { writeTinyBertModel } from "./testing/tiny-bert.js";

// Runs with ADVFC_GPU_TESTS=1 only. Needs onnxruntime-node's CUDA provider library, which the
// project's .npmrc skips at install (ONNXRUNTIME_NODE_INSTALL=cuda12 node
// node_modules/onnxruntime-node/script/install.js fetches it).
const root = mkdtempSync(join(tmpdir(), "advfc-onnx-gpu-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!cudaProviderInstalled())("onnx embedder on CUDA", () => {
  it("runs on the CUDA execution provider and agrees with the CPU within 1e-3", async () => {
    const m = writeTinyBertModel(join(root, "m"));
    const texts = ["book a flight to tokyo", "what is the weather in paris today", "", "x"];
    const gpu = await OnnxEmbedder.create({ folder: m.folder, device: "cuda" });
    const cpu = await OnnxEmbedder.create({ folder: m.folder, device: "cpu" });
    try {
      expect(gpu.executionProvider).toBe("cuda");
      const a = await gpu.embed(texts);
      const b = await cpu.embed(texts);
      for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-3);
    } finally {
      await gpu.dispose();
      await cpu.dispose();
    }
  });
});
