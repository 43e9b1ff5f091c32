import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../errors.js";
import { checkCase } from "../check/check-case.js";
import { PyDict } from "../check/pyvalue.js";
import { decodeOutput, OUTPUT_MODES, type SyntaxLanguage } from "./decode.js";
import { parsePyJson } from "./pyjson.js";

const LANGUAGES: SyntaxLanguage[] = ["python", "java", "javascript"];

/** Decoding may succeed or throw a ParseError; anything else (TypeError, RangeError…) is a bug. */
function decodeAll(input: string): void {
  for (const mode of OUTPUT_MODES)
    for (const language of LANGUAGES) {
      try {
        decodeOutput(input, mode, language);
      } catch (e) {
        if (!(e instanceof ParseError)) throw new Error(`mode ${mode}/${language} threw ${String(e)} on ${JSON.stringify(input.slice(0, 120))}`);
      }
    }
}

const FRAGMENTS = [
  "[", "]", "(", ")", "{", "}", ",", "=", "'", '"', "'''", '"""', "\\", "\n", " ", ":", ".", "-", "+", "*", "**", "//", "<<",
  "f", "g.h", "a=", "x", "1", "1.5", "1e309", "0x1f", "True", "None", "lambda", "not ", "...", "#", "`", "```python",
  '{"function": "f", "parameters": {', '{"name": "f", "arguments": {', "<tool_call>\n", "\n</tool_call>", "</think>",
  "new int[]{", "new ArrayList<>(Arrays.asList(", "new HashMap<String, Object>() {{ put(\"k\", 1); }}", "5L", "3.0f", "5n",
  "\u00e9", "\ud83d\ude00", "\u0000", "\u2028",
];

const structured = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((xs) => xs.join(""));

describe("decoders on random and adversarial input", () => {
  it("random strings never throw anything but ParseError", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => decodeAll(s)), { numRuns: 300 });
  });

  it("grammar-shaped fragments never throw anything but ParseError", () => {
    fc.assert(fc.property(structured, (s) => decodeAll(s)), { numRuns: 1500 });
  });

  it.each([
    ["deep list nesting", "[".repeat(200_000)],
    ["deep paren nesting", "[f(a=" + "(".repeat(100_000) + "1" + ")".repeat(100_000) + ")]"],
    ["deep JSON nesting", '[{"function": "f", "parameters": {"a": ' + "[".repeat(100_000) + "]".repeat(100_000) + "}}]"],
    ["huge integer", "[f(a=" + "9".repeat(5_000) + ")]"],
    ["huge float", "[f(a=1e99999)]"],
    ["huge power", "[f(a=2**99999999)]"],
    ["huge repetition", "[f(a='x'*10**9)]"],
    ["unterminated string", "[f(a='" + "x".repeat(1_000_000)],
    ["1 MB of calls", "[" + "f(a=1), ".repeat(130_000) + "]"],
    ["1 MB of brackets and braces", "[{".repeat(500_000)],
    ["1 MB JSON-regex worst case", "[{}".repeat(350_000)],
    ["1 MB hermes blocks", "<tool_call>\n{}\n".repeat(80_000)],
  ])("%s is refused or decoded, with a typed error", (_name, input) => {
    decodeAll(input);
  });

  it("over-long output is refused with a LimitError naming the limit", () => {
    expect(() => decodeOutput("x".repeat(2_000_000), "prompt", "python")).toThrow(/exceeds the limit/);
  });
});

describe("checkCase never throws on arbitrary output", () => {
  const functions = [
    PyDict.fromEntries([
      ["name", "f"],
      ["parameters", PyDict.fromEntries([["type", "dict"], ["properties", PyDict.fromEntries([["a", PyDict.fromEntries([["type", "integer"]])]])], ["required", ["a"]]])],
    ]),
  ];
  const answer = [PyDict.fromEntries([["f", PyDict.fromEntries([["a", [1]]])]])];
  it("for every category kind and mode", () => {
    fc.assert(
      fc.property(structured, fc.constantFrom(...OUTPUT_MODES), fc.constantFrom("simple_python", "parallel", "multiple", "simple_java", "simple_javascript", "irrelevance"), (s, mode, category) => {
        const r = checkCase({ category, functions, possibleAnswer: category === "irrelevance" ? null : answer, modelOutput: s, mode });
        expect(typeof r.valid).toBe("boolean");
        expect(["call", "abstain", "unparseable"]).toContain(r.outcome);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("parsePyJson", () => {
  it.each([
    ["1", 1],
    ["-0", 0],
    ["1.0", "float"],
    ["1e2", "float"],
    ["NaN", "float"],
    ["-Infinity", "float"],
  ] as const)("%s", (text, expected) => {
    const v = parsePyJson(text);
    if (expected === "float") expect(v?.constructor?.name).toBe("PyFloat");
    else expect(v).toBe(expected);
  });

  it("keeps big integers exact", () => {
    expect(parsePyJson("123456789012345678901234567890")).toBe(123456789012345678901234567890n);
  });

  it.each([["01"], ["1."], [".5"], ["[1,]"], ['{"a":1,}'], ['"\u0001"'], ["tru"], ['"\\x41"'], ["[1] 2"], [""]])("rejects %j with a ParseError", (text) => {
    expect(() => parsePyJson(text)).toThrow(ParseError);
  });

  it("duplicate keys keep the last value at the first position", () => {
    const d = parsePyJson('{"a": 1, "b": 2, "a": 3}') as PyDict;
    expect(d.keys).toEqual(["a", "b"]);
    expect(d.values).toEqual([3, 2]);
  });

  it("refuses a long unterminated string with escapes promptly (no regex backtracking blow-up)", () => {
    expect(() => parsePyJson('"\\n' + "ab".repeat(100_000))).toThrow(/unterminated string/);
    expect(() => parsePyJson('["\\"' + 'x\\"'.repeat(50_000))).toThrow(ParseError);
  });

  it("refuses nesting past the depth limit", () => {
    expect(() => parsePyJson("[".repeat(300) + "]".repeat(300))).toThrow(/nesting deeper than 256/);
  });
});
