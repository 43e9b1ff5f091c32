import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { bfclDataDir } from "../testing/bfcl-data.js";
import { readBfcl } from "./bfcl.js";
import { collectSamples } from "./result.js";
import { readSamples, sampleToJsonLine, writeSamples } from "./samples.js";

describe("canonical sample files", () => {
  it("write and read back identically (BFCL samples with pyFloats, relevance markers)", async () => {
    const dir = join(bfclDataDir(), "v4");
    const samples = [
      ...(await collectSamples(readBfcl(join(dir, "BFCL_v4_parallel_multiple.json")))).samples,
      ...(await collectSamples(readBfcl(join(dir, "BFCL_v4_live_relevance.json")))).samples,
    ];
    expect(samples.some((s) => "calls" in s.expected && s.expected.calls.some((c) => c.pyFloats))).toBe(true);
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on("data", (c: Buffer) => chunks.push(c.toString()));
    expect(await writeSamples(out, samples)).toBe(216);
    out.end();
    const lines = chunks.join("").split("\n").filter(Boolean);
    expect(lines[0]).toBe(sampleToJsonLine(samples[0]!));
    const back = await collectSamples(readSamples(lines, { file: "samples.jsonl" }));
    expect(back.errors).toEqual([]);
    expect(back.samples).toEqual(samples);
  });

  it("reports invalid samples with file, line and field, and reads the rest", async () => {
    const good = { id: "a", messages: [{ role: "user", content: "q" }], tools: [], expected: { abstain: true }, category: "irrelevance", language: "python", source: { format: "advfc" } };
    const r = await collectSamples(readSamples([JSON.stringify(good), JSON.stringify({ ...good, tools: {} }), "", JSON.stringify({ ...good, id: "c" })], { file: "s.jsonl" }));
    expect(r.samples.map((s) => s.id)).toEqual(["a", "c"]);
    expect(r.errors.map((e) => e.message)).toEqual(["s.jsonl, line 2: Expected an array for sample.tools but received {}"]);
  });
});
