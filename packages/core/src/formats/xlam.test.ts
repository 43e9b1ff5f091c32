import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectSamples } from "./result.js";
import { readXlam, xlamToSample } from "./xlam.js";

// Shaped like xlam-function-calling-60k: tools and answers are JSON strings, parameters map
// names to {type, description, default} with Python-ish types.
const weatherTool = {
  name: "get_weather",
  description: "Current weather of a city.",
  parameters: {
    city: { description: "City name.", type: "str", default: "Paris" },
    units: { description: "metric or imperial.", type: "str, optional", default: "metric" },
  },
};
const timeTool = { name: "get_time", description: "Local time.", parameters: { tz: { description: "IANA zone.", type: "str" } } };

const records = [
  // 1: one call, one tool → simple_python; JSON-string tools/answers; 20.0 stays a float.
  {
    id: 7,
    query: "Weather in Oslo, in metric?",
    tools: JSON.stringify([weatherTool]),
    answers: '[{"name": "get_weather", "arguments": {"city": "Oslo", "units": "metric", "limit": 20.0}}]',
  },
  // 2: one call among two tools → multiple; arrays instead of strings; an extra field.
  { query: "Time in Tokyo?", tools: [weatherTool, timeTool], answers: [{ name: "get_time", arguments: { tz: "Asia/Tokyo" } }], source: "synthetic" },
  // 3: two calls, one name → parallel.
  {
    query: "Weather in Oslo and Rome?",
    tools: JSON.stringify([weatherTool]),
    answers: JSON.stringify([
      { name: "get_weather", arguments: { city: "Oslo" } },
      { name: "get_weather", arguments: { city: "Rome" } },
    ]),
  },
  // 4: two names → parallel_multiple.
  {
    query: "Weather and time in Rome?",
    tools: [weatherTool, timeTool],
    answers: [
      { name: "get_weather", arguments: { city: "Rome" } },
      { name: "get_time", arguments: { tz: "Europe/Rome" } },
    ],
  },
  // 5: no answer → irrelevance.
  { query: "Tell me a joke.", tools: [timeTool], answers: "[]" },
];

describe("xlamToSample", () => {
  it("turns tools into BFCL-style parameters with required from the type strings", () => {
    const s = xlamToSample(records[0], 1, { file: "x.jsonl" });
    expect(s.tools).toEqual([
      {
        name: "get_weather",
        description: "Current weather of a city.",
        parameters: { type: "dict", properties: weatherTool.parameters, required: ["city"] },
      },
    ]);
    expect(s).toMatchObject({
      id: "7",
      messages: [{ role: "user", content: "Weather in Oslo, in metric?" }],
      expected: { calls: [{ name: "get_weather", args: { city: ["Oslo"], units: ["metric"], limit: [20] }, pyFloats: ["/limit/0"] }] },
      category: "simple_python",
      language: "python",
      source: { format: "xlam", file: "x.jsonl", line: 1, id: "7" },
    });
  });

  it("infers the category: simple, multiple, parallel, parallel_multiple, irrelevance", () => {
    const cats = records.map((r, i) => xlamToSample(r, i + 1).category);
    expect(cats).toEqual(["simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance"]);
    expect(xlamToSample(records[4], 5).expected).toEqual({ abstain: true });
  });

  it("keeps unknown fields in meta and makes ids from line numbers", () => {
    const s = xlamToSample(records[1], 2, { idPrefix: "train" });
    expect(s.meta).toEqual({ source: "synthetic" });
    expect(s.id).toBe("train_2");
    expect(s.source).toEqual({ format: "xlam", line: 2 });
  });

  it("keeps JSON-Schema parameters as they are", () => {
    const tool = { name: "f", parameters: { type: "object", properties: { a: { type: "integer" } }, required: ["a"] } };
    expect(xlamToSample({ query: "q", tools: [tool], answers: [{ name: "f", arguments: { a: 1 } }] }, 1).tools[0]!.parameters).toEqual(tool.parameters);
  });
});

describe("readXlam", () => {
  it("converts a file, reporting malformed lines by number and converting the rest", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "advfc-xlam-"));
    try {
      const path = join(tmp, "xlam.jsonl");
      const lines = records.map((r) => JSON.stringify(r));
      lines.splice(2, 0, '{"query": "broken", "tools": ');
      lines.splice(4, 0, JSON.stringify({ query: "bad answers", tools: "[]", answers: "[{not json" }));
      lines.splice(5, 0, JSON.stringify({ query: 5, tools: [], answers: [] }));
      await writeFile(path, lines.join("\n") + "\n");
      const r = await collectSamples(readXlam(path));
      expect(r.samples.map((s) => s.source.line)).toEqual([1, 2, 4, 7, 8]);
      expect(r.samples.map((s) => s.category)).toEqual(["simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance"]);
      expect(r.samples[0]!.expected).toEqual({
        calls: [{ name: "get_weather", args: { city: ["Oslo"], units: ["metric"], limit: [20] }, pyFloats: ["/limit/0"] }],
      });
      expect(r.errors.map((e) => e.message)).toEqual([
        expect.stringMatching(new RegExp(`^${escape(path)}, line 3: malformed JSON`)),
        expect.stringMatching(new RegExp(`^${escape(path)}, line 5: Expected a JSON array \\(as a string\\) for answers but received malformed JSON`)),
        `${path}, line 6: Expected a string for record.query but received 5`,
      ]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("keeps floats of arguments given as arrays in the line itself", async () => {
    const r = await collectSamples(readXlam(['{"query": "q", "tools": [], "answers": [{"name": "f", "arguments": {"x": {"y": 3.0}}}]}']));
    expect(r.samples[0]!.expected).toEqual({ calls: [{ name: "f", args: { x: [{ y: 3 }] }, pyFloats: ["/x/0/y"] }] });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
