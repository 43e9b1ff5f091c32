import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCalls } from "../check/render.js";
import { expectedCallToPy } from "../schema/expected-py.js";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { checkSampleOutput } from "../rewards/ground-truth.js";

const FILE = new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url);
const lines = readFileSync(FILE, "utf8").trim().split("\n");

describe("examples/seeds/seeds.jsonl", () => {
  const parsed = lines.map((l) => SampleSchema.safeParse(JSON.parse(l)));
  const samples = parsed.flatMap((p) => (p.success ? [p.data] : []));

  it("validates every line against SampleSchema", () => {
    expect(parsed.filter((p) => !p.success).map((p) => p.error?.message)).toEqual([]);
  });

  it("has at least 150 samples with unique ids and every category present", () => {
    expect(samples.length).toBeGreaterThanOrEqual(150);
    expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
    const counts: Record<string, number> = {};
    for (const s of samples) counts[s.category] = (counts[s.category] ?? 0) + 1;
    for (const c of ["simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance"]) expect(counts[c] ?? 0).toBeGreaterThanOrEqual(20);
    expect(samples.every((s) => s.language === "python" && s.source.format === "advfc")).toBe(true);
  });

  it("spans several domains", () => {
    const domains = new Set(samples.map((s) => String(s.meta?.domain).split("+")[0]));
    expect(domains.size).toBeGreaterThanOrEqual(10);
  });

  it("accepts its own ground truth: the first allowed value of every parameter, rendered, is valid", () => {
    const wrong: string[] = [];
    for (const s of samples) {
      if (!("calls" in s.expected)) continue;
      const calls = s.expected.calls.map((c) => ({
        name: c.name,
        args: [...expectedCallToPy(c)].filter(([, opts]) => opts[0] !== "").map(([k, opts]) => [k, opts[0]!] as [string, (typeof opts)[number]]),
      }));
      if (!checkSampleOutput(s as Sample, { raw: renderCalls(calls, "prompt"), mode: "prompt" }).valid) wrong.push(s.id);
    }
    expect(wrong).toEqual([]);
  });

  it("is what generate.mjs writes (no hand edits)", async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(process.execPath, [new URL("../../../../examples/seeds/generate.mjs", import.meta.url).pathname, "--stdout"], { encoding: "utf8" });
    expect(out).toBe(readFileSync(FILE, "utf8"));
  });
});
