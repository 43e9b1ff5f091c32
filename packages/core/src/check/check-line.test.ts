import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { DocCache, parseCheckLine, parseCheckLineBytes, parseCheckLineFull, type CheckLine } from "./check-line.js";
import { pyRepr } from "./pyvalue.js";
import { buildCheckWorkload } from "./workload.js";

const DATA = fileURLToPath(new URL("../../../../../shared/data/bfcl/v4", import.meta.url));

type Outcome = { line: string } | { error: string };

function show(l: CheckLine): string {
  return JSON.stringify([l.id, l.category, l.mode, pyRepr(l.functions), pyRepr(l.possibleAnswer), pyRepr(l.modelOutput)]);
}

function run(f: () => CheckLine): Outcome {
  try {
    return { line: show(f()) };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** The fast scan (through a warm and a cold cache) gives what the general parse gives: the same line or the same error. */
function same(text: string, warm: DocCache): void {
  const where = { file: "x.jsonl", line: 7 };
  const expected = run(() => parseCheckLineFull(text, where, new DocCache()));
  expect(run(() => parseCheckLine(text, where, warm)), text.slice(0, 300)).toEqual(expected);
  expect(run(() => parseCheckLine(text, where, new DocCache())), text.slice(0, 300)).toEqual(expected);
  expect(run(() => parseCheckLine(text, where, null)).toString()).toBeDefined();
  // the byte scan, with bytes around the line that must not be read as part of it
  const inner = Buffer.from(text, "utf8");
  const buf = Buffer.concat([Buffer.from('["x"'), inner, Buffer.from(' "}]:null,\n')]);
  const a = 4;
  const e = 4 + inner.length;
  expect(run(() => parseCheckLineBytes(buf, a, e, where, warm)), `bytes: ${text.slice(0, 300)}`).toEqual(expected);
  expect(run(() => parseCheckLineBytes(buf, a, e, where, new DocCache())), `bytes: ${text.slice(0, 300)}`).toEqual(expected);
}

const BASE = {
  id: "simple_python_0:prompt:correct",
  category: "simple_python",
  functions: [{ name: "f", description: "d", parameters: { type: "dict", properties: { a: { type: "integer" } }, required: ["a"] } }],
  possible_answer: [{ f: { a: [1] } }],
  model_output: "[f(a=1)]",
  mode: "prompt",
};

describe("parseCheckLine's fast scan agrees with the general parse", () => {
  it.skipIf(!existsSync(DATA))(
    "on the bench workload",
    () => {
      const lines = buildCheckWorkload(DATA);
      const warm = new DocCache();
      for (let i = 0; i < lines.length; i += 7) same(lines[i]!.text, warm);
    },
    120_000,
  );

  const texts: string[] = [
    JSON.stringify(BASE),
    JSON.stringify(BASE, null, 2),
    JSON.stringify({ ...BASE, possible_answer: null, category: "irrelevance" }),
    JSON.stringify({ ...BASE, possible_answer: null }),
    JSON.stringify({ ...BASE, id: 12 }),
    JSON.stringify({ ...BASE, model_output: [{ f: '{"a": 1}' }], mode: "openai" }),
    JSON.stringify({ ...BASE, model_output: 'line\n"q" \\ \t \u0001 \u00e9 \ud83d\ude00 \ud800' }),
    JSON.stringify({ ...BASE, extra: 1 }),
    JSON.stringify({ ...BASE, mode: "other" }),
    JSON.stringify({ ...BASE, category: "simple" }),
    JSON.stringify({ ...BASE, category: "nope" }),
    JSON.stringify({ ...BASE, functions: [1] }),
    JSON.stringify({ ...BASE, functions: {} }),
    JSON.stringify({ ...BASE, possible_answer: {} }),
    JSON.stringify({ mode: "json", model_output: "[]", possible_answer: [], functions: [], category: "multiple", id: "z" }),
    JSON.stringify(BASE).replace('"id"', '"i\\u0064"'),
    JSON.stringify(BASE).replace('"mode": "prompt"', '"mode": "prompt", "mode": "json"').replace(/"mode":"prompt"/, '"mode":"prompt","mode":"json"'),
    JSON.stringify(BASE).replace(/\[f\(a=1\)\]/, "\\u005bf(a=1)]"),
    JSON.stringify(BASE).replace(/\[f\(a=1\)\]/, "\\x41"),
    JSON.stringify(BASE).replace(/\[f\(a=1\)\]/, "\\ud83d\\ude00 \\u00E9 \\/"),
    JSON.stringify(BASE).replace(/\[f\(a=1\)\]/, "\\u12"),
    JSON.stringify(BASE).replace(/\[f\(a=1\)\]/, "a\tb"),
    JSON.stringify(BASE) + " ",
    " \n" + JSON.stringify(BASE) + "\n",
    JSON.stringify(BASE) + "x",
    JSON.stringify(BASE).slice(0, -1),
    "{}",
    "[]",
    "",
    "null",
    '{"id": "a"',
    JSON.stringify(BASE).replace('"possible_answer":[', '"possible_answer":nullx,"q":['),
    JSON.stringify(BASE).replace('"possible_answer":[', '"possible_answer":   [   '),
    JSON.stringify({ ...BASE, id: "json", category: "simple", mode: "json", model_output: "[]" }),
    JSON.stringify({ ...BASE, functions: [{ ...BASE.functions[0], description: "é 漢字 😀 \ud800" }] }),
    JSON.stringify(BASE).replace('"category":"simple_python"', '"category":"simple_pytho\\u006e"'),
    JSON.stringify(BASE).replace('"mode":"prompt"', '"mode":"prom\\"pt"'),
    JSON.stringify(BASE).replace('"mode":"prompt"', '"mode":"prompt\\\\"'),
    JSON.stringify(BASE) + "\r",
    JSON.stringify(BASE).replace('"possible_answer":[', '"possible_answer":null'),
  ];
  it.each(texts.map((t) => [t]))("%s", (text) => {
    same(text, new DocCache());
  });

  it("the byte scan decodes only the short members of a common line, never the whole line or its tool docs", () => {
    const buf = Buffer.from(JSON.stringify(BASE));
    const cache = new DocCache();
    parseCheckLineBytes(buf, 0, buf.length, {}, cache); // first sight: the docs are decoded and parsed once
    const spy = vi.spyOn(Buffer.prototype, "toString");
    try {
      const line = parseCheckLineBytes(buf, 0, buf.length, {}, cache);
      expect(show(line)).toBe(show(parseCheckLineFull(JSON.stringify(BASE), {}, null)));
      const decoded = spy.mock.calls.map((c) => (c[2] as number) - (c[1] as number));
      expect(decoded.length).toBeLessThanOrEqual(2); // id and model_output; category and mode are matched as bytes
      for (const n of decoded) expect(n).toBeLessThan(40);
    } finally {
      spy.mockRestore();
    }
  });

  it("through a small cache that keeps evicting", () => {
    const cache = new DocCache(3);
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = (i * 7919) % 23; // revisit earlier docs out of order
      const fn = { ...BASE.functions[0]!, name: `f${k}`, description: "d".repeat(k * 5) };
      texts.push(JSON.stringify({ ...BASE, functions: [fn], possible_answer: [{ [`f${k}`]: { a: [k] } }], model_output: `[f${k}(a=${k})]` }));
    }
    for (const t of texts) expect(show(parseCheckLine(t, {}, cache))).toBe(show(parseCheckLineFull(t, {}, null)));
    expect(cache.hits + cache.misses).toBe(2 * texts.length);
    const bytesCache = new DocCache(3);
    for (const t of texts) {
      const b = Buffer.from(t);
      expect(show(parseCheckLineBytes(b, 0, b.length, {}, bytesCache))).toBe(show(parseCheckLineFull(t, {}, null)));
      // and the string path on the same cache (entries shared between the two indexes)
      expect(show(parseCheckLine(t, {}, bytesCache))).toBe(show(parseCheckLineFull(t, {}, null)));
    }
    expect(bytesCache.hits + bytesCache.misses).toBe(4 * texts.length);
  });

  it("on mutated lines", () => {
    const warm = new DocCache();
    const base = [JSON.stringify(BASE), JSON.stringify({ ...BASE, possible_answer: null, category: "live_irrelevance", model_output: 'He said "no"\n' })];
    const edit = fc.tuple(fc.nat(1), fc.nat(400), fc.nat(3), fc.constantFrom("", " ", '"', "\\", "\\u", "\\n", ",", ":", "{", "}", "[", "]", "0", "1.5", "n", "null", "é", "\u0001", '"id": 1,', '"x": [],'));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = base[edits[0]![0]]!;
        for (const [, at, del, ins] of edits) {
          const a = at % (text.length + 1);
          text = text.slice(0, a) + ins + text.slice(Math.min(text.length, a + del));
        }
        same(text, warm);
      }),
      { numRuns: 4000 },
    );
  });
});
