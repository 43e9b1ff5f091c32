import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCheckWorkload } from "../check/workload.js";
import { pyRepr, PyDict, PyFloat } from "../check/pyvalue.js";
import { fastParsePyJson } from "./json-fast.js";
import { parsePyJson, parsePyJsonFull } from "./pyjson.js";

const DATA = fileURLToPath(new URL("../../../../../shared/data/bfcl/v4", import.meta.url));

function full(text: string, maxDepth = 256): { value: string } | { error: string } {
  try {
    return { value: pyRepr(parsePyJsonFull(text, { maxDepth })) };
  } catch (e) {
    return { error: String(e) };
  }
}

/** Where the direct reader answers, the general parser gives the same value; where the general parser fails, the reader declines. Returns whether it answered. */
function agree(text: string, maxDepth = 256): boolean {
  const fast = fastParsePyJson(text, maxDepth);
  const slow = full(text, maxDepth);
  if (fast === undefined) {
    // parsePyJson then gives exactly the general parser's value or error
    const viaPublic = (() => {
      try {
        return { value: pyRepr(parsePyJson(text, { maxDepth })) };
      } catch (e) {
        return { error: String(e) };
      }
    })();
    expect(viaPublic, text.slice(0, 200)).toEqual(slow);
    return false;
  }
  if ("error" in slow) throw new Error(`the direct reader accepted ${JSON.stringify(text.slice(0, 200))} but the general parser fails: ${slow.error}`);
  expect(pyRepr(fast), text.slice(0, 200)).toBe(slow.value);
  return true;
}

describe("the direct JSON reader agrees with the general parser", () => {
  it.skipIf(!existsSync(DATA))(
    "on every tool doc, answer and JSON model output of the bench workload",
    () => {
      let answered = 0;
      let total = 0;
      const seen = new Set<string>();
      for (const line of buildCheckWorkload(DATA)) {
        const doc = JSON.parse(line.text) as { functions: unknown; possible_answer: unknown; model_output: string; mode: string };
        const texts = [line.text];
        const f = JSON.stringify(doc.functions);
        if (!seen.has(f)) {
          seen.add(f);
          texts.push(f, JSON.stringify(doc.possible_answer));
        }
        if (doc.mode !== "prompt") {
          const o = doc.model_output;
          texts.push(o, o.slice(o.indexOf("["), o.lastIndexOf("]") + 1));
          for (const m of o.matchAll(/<tool_call>\n([\s\S]*?)\n<\/tool_call>/g)) texts.push(m[1]!);
        }
        for (const t of texts) {
          total++;
          if (agree(t)) answered++;
        }
      }
      expect(total).toBeGreaterThan(60_000);
      expect(answered).toBeGreaterThan(total / 2);
    },
    120_000,
  );

  it("on hand-picked values and errors", () => {
    const yes = [
      "0", "-0", "1", "-1", "123456789012345", "1234567890123456", "12345678901234567890123", "-0.0", "1.5", "1e5", "1E+5", "1e-5", "1.25e3",
      "NaN", "Infinity", "-Infinity", "true", "false", "null", '""', '"a"', '"é😀"', '"\\u00e9\\n\\"\\\\\\/"', '"\\ud800"',
      "[]", "{}", " [ 1 , 2 ] ", '{"a": 1, "a": 2}', '{"a": 1, "b": 2, "a": 3}', '{"__proto__": 1}', '{"1": 1, "0": 0}',
      "[[[[1]]]]", '{"k": [1.0, 1, true, null, {"x": "y"}]}', "\n\t\r [1]\n",
      JSON.stringify(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i % 18}`, i]))),
    ];
    for (const t of yes) expect(agree(t), t).toBe(true);
    const no = [
      "", " ", "01", "1.", ".5", "1e", "1e+", "+1", "-", "--1", "0x1", "1_0", "[1,]", "[,1]", "{,}", '{"a" 1}', '{"a":}', "{a: 1}", "[1 2]",
      '"a', '"\\x"', '"\\u12"', '"a\tb"', '"a\nb"', "tru", "nul", "nan", "infinity", "-Inf", "[1]x", "[1] [2]", "'a'", "\ufeff[]",
      "1" + "0".repeat(4400),
    ];
    for (const t of no) expect(agree(t), JSON.stringify(t)).toBe(false);
    // depth: the limit is the general parser's
    expect(agree("[".repeat(256) + "]".repeat(256))).toBe(true);
    expect(agree("[".repeat(257) + "]".repeat(257))).toBe(false);
    expect(agree("[[1]]", 1)).toBe(false);
    expect(agree("[[1]]", 2)).toBe(true);
  });

  it("keeps Python's types", () => {
    expect(parsePyJson("1")).toBe(1);
    expect(parsePyJson("1.0")).toBeInstanceOf(PyFloat);
    expect(parsePyJson("-0")).toBe(0);
    expect(Object.is(parsePyJson("-0"), -0)).toBe(false);
    expect(parsePyJson("123456789012345678")).toBe(123456789012345678n);
    const d = parsePyJson('{"a": 1, "b": 2, "a": 3}') as PyDict;
    expect(d.keys).toEqual(["a", "b"]);
    expect(d.values).toEqual([3, 2]);
  });

  it("on random JSON and mutations of it", () => {
    const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v, null, Math.random() < 0.3 ? 1 : undefined));
    const mutated = fc.tuple(json, fc.nat(), fc.nat(3), fc.constantFrom("", " ", '"', "\\", "\\u", ",", ":", "{", "}", "[", "]", "0", "-", ".", "e", "1.5", "NaN", "é", "\u0001", "\n")).map(([t, at, del, ins]) => {
      const a = at % (t.length + 1);
      return t.slice(0, a) + ins + t.slice(Math.min(t.length, a + del));
    });
    let answered = 0;
    fc.assert(
      fc.property(fc.oneof(json, mutated), (t) => {
        if (agree(t)) answered++;
      }),
      { numRuns: 20_000 },
    );
    expect(answered).toBeGreaterThan(5_000);
  });
});
