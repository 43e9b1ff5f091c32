import { describe, expect, it } from "vitest";
import { checkRawLine, DocCache } from "./check-line.js";
import { CheckStream, verdictJsonLine } from "./check-stream.js";

const BASE = {
  id: "simple_python_0",
  category: "simple_python",
  functions: [{ name: "f", description: "d é 漢字", parameters: { type: "dict", properties: { a: { type: "integer" } }, required: ["a"] } }],
  possible_answer: [{ f: { a: [1] } }],
  model_output: "[f(a=1)]",
  mode: "prompt",
};
const line = (over: Record<string, unknown>) => JSON.stringify({ ...BASE, ...over });

/** What `advfc check` printed before it had a byte pipeline: each line scored on its own, `JSON.stringify` of the verdict. */
function reference(lines: string[]): { out: string; errors: string[] } {
  let out = "";
  const errors: string[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === "") return;
    const r = checkRawLine(text, { file: "in.jsonl", line: i + 1 }, {}, new DocCache());
    if ("error" in r) errors.push(r.error.message);
    else out += JSON.stringify(r.verdict) + "\n";
  });
  return { out, errors };
}

function runStream(chunks: (Uint8Array | string)[], options: { maxLineBytes?: number } = {}) {
  const errors: string[] = [];
  const scored: string[] = [];
  const s = new CheckStream({ file: "in.jsonl", cache: new DocCache(), onError: (m) => errors.push(m), onScored: (c) => scored.push(c), ...options });
  let out = "";
  for (const c of chunks) out += s.push(c);
  out += s.end();
  return { out, errors, scored, stream: s };
}

const LINES = [
  line({ id: "ok1" }),
  line({ id: "bad mode", mode: "yaml" }),
  "",
  "   ",
  line({ id: 'quote " and \\ and \u2028', model_output: "[f(a=2)]" }),
  "{not json",
  line({ id: "irr", category: "irrelevance", possible_answer: null, model_output: "I cannot help with that." }),
  line({ id: "é漢😀", mode: "json", model_output: '[{"function": "f", "parameters": {"a": 1}}]' }),
];

describe("CheckStream", () => {
  it("gives, byte for byte, what scoring each line on its own gives, wherever the chunks split (UTF-8 sequences and CRLF included)", () => {
    const ref = reference(LINES);
    const bytes = Buffer.from(LINES.join("\r\n") + "\n", "utf8");
    const whole = runStream([bytes]);
    expect(whole.out).toBe(ref.out);
    expect(whole.errors).toEqual(ref.errors);
    expect(whole.errors[0]).toMatch(/^in\.jsonl, line 2, mode: /);
    expect(whole.errors[1]).toMatch(/^in\.jsonl, line 6: not valid JSON/);
    expect(whole.stream.line).toBe(LINES.length);
    expect(whole.stream.scored).toBe(4);
    expect(whole.stream.malformed).toBe(2);
    for (let cut = 0; cut <= bytes.length; cut += 7) {
      for (const cut2 of [cut + 1, cut + 2, cut + 300]) {
        const r = runStream([bytes.subarray(0, cut), bytes.subarray(cut, Math.min(cut2, bytes.length)), bytes.subarray(Math.min(cut2, bytes.length))]);
        expect(r.out, `cuts ${cut}, ${cut2}`).toBe(ref.out);
        expect(r.errors).toEqual(ref.errors);
      }
    }
    // one byte at a time
    expect(runStream([...bytes].map((b) => Uint8Array.of(b))).out).toBe(ref.out);
  });

  it("scores a last line without a line break, ignores a leading byte-order mark, accepts string chunks", () => {
    const text = LINES[0] + "\n" + LINES[4];
    const ref = reference([LINES[0]!, LINES[4]!]);
    expect(runStream(["\ufeff" + text]).out).toBe(ref.out);
    expect(runStream([Buffer.from("\ufeff" + text, "utf8")]).out).toBe(ref.out);
    expect(runStream([]).out).toBe("");
  });

  it("reports an overlong line with its number and skips it without holding it, in any chunking", () => {
    const long = line({ id: "long", model_output: "x".repeat(5000) });
    const input = Buffer.from([LINES[0], long, LINES[4]].join("\n") + "\n");
    for (const size of [1000, 4096, 100_000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
      const r = runStream(chunks, { maxLineBytes: 2000 });
      expect(r.errors).toEqual(["in.jsonl, line 2: line longer than 2000 bytes (not scored)"]);
      expect(r.out).toBe(reference([LINES[0]!, "", LINES[4]!]).out);
      expect(r.stream.line).toBe(3);
    }
    // the overlong line is the last one and has no line break
    const r = runStream([Buffer.from(LINES[0] + "\n" + long)], { maxLineBytes: 2000 });
    expect(r.errors).toEqual(["in.jsonl, line 2: line longer than 2000 bytes (not scored)"]);
  });

  it("serialises verdicts exactly as JSON.stringify does", () => {
    for (const v of [
      { id: "a", valid: true, error_type: null, outcome: "call" as const },
      { id: 'q"\\\n\u0001\u2028é😀', valid: false, error_type: "value_error:string", outcome: "unparseable" as const },
    ])
      expect(verdictJsonLine(v)).toBe(JSON.stringify(v) + "\n");
  });

  it("reports per scored line to onScored with the category", () => {
    const r = runStream([Buffer.from(LINES.join("\n"))]);
    expect(r.scored).toEqual(["simple_python", "simple_python", "irrelevance", "simple_python"]);
  });
});
