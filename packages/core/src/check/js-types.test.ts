import { describe, expect, it } from "vitest";
import { CheckerCrashError } from "../errors.js";
import { jsTypeConverter, parseJsValue } from "./js-types.js";
import { PyDict, PyFloat, pyEquals, pyRepr, type PyValue } from "./pyvalue.js";

const f = (x: number) => new PyFloat(x);
const d = (entries: Record<string, PyValue>) => PyDict.fromEntries(Object.entries(entries));

/** Python equality plus identical repr, so `1`, `1.0` and `True` are told apart. */
function expectPy(actual: PyValue, expected: PyValue): void {
  expect(pyRepr(actual)).toBe(pyRepr(expected));
  expect(pyEquals(actual, expected)).toBe(true);
}

type Case = [value: string, type: string, nested: string | undefined, expected: PyValue];

// The assertions at the bottom of BFCL's js_type_converter.py, with the values BFCL really
// returns (its "invalid value" checks expect ValueErrors that are never raised).
const bfclExamples: Case[] = [
  ["true", "Boolean", undefined, true],
  ["false", "Boolean", undefined, false],
  ["123", "integer", undefined, 123],
  ["3.14", "float", undefined, f(3.14)],
  ["123n", "Bigint", undefined, 123],
  ["abc", "String", undefined, "abc"],
  ["[1, 2, 3]", "array", undefined, [1, 2, 3]],
  ["new Array(1, 2, 3)", "array", undefined, [1, 2, 3]],
  ["{'key': 'value'}", "dict", undefined, d({ key: "value" })],
  ["{'key': 123}", "dict", undefined, d({ key: 123 })],
  ["{'key': true}", "dict", undefined, d({ key: true })],
  ["[]", "array", undefined, []],
  ["{}", "dict", undefined, d({})],
  ["[1, 'two', true]", "array", undefined, [1, "two", true]],
  ["{'key1': 123, 'key2': 'value', 'key3': false}", "dict", undefined, d({ key1: 123, key2: "value", key3: false })],
  ["-123", "integer", undefined, -123],
  ["-3.14", "float", undefined, f(-3.14)],
  ["123.45", "integer", undefined, "123.45"],
  ["3.14abc", "float", undefined, "3.14abc"],
  ["123", "Bigint", undefined, "123"],
  ["not_a_boolean", "Boolean", undefined, "not_a_boolean"],
  ["[1, 2, 3]", "array", "integer", [1, 2, 3]],
  ["new Array(4, 5, 6)", "array", "integer", [4, 5, 6]],
  ["[1.1, 2.2, 3.3]", "array", "float", [f(1.1), f(2.2), f(3.3)]],
  ["new Array(4.4, 5.5, 6.6)", "array", "float", [f(4.4), f(5.5), f(6.6)]],
  ["[1n, 2n, 3n]", "array", "Bigint", [1, 2, 3]],
  ["new Array(4n, 5n, 6n)", "array", "Bigint", [4, 5, 6]],
  ["[true, false, true]", "array", "Boolean", [true, false, true]],
  ["new Array(false, true, false)", "array", "Boolean", [false, true, false]],
  ['["hello", "world", "!"]', "array", "String", ["hello", "world", "!"]],
  ['new Array("foo", "bar", "baz")', "array", "String", ["foo", "bar", "baz"]],
  ['[1, "two", true]', "array", undefined, [1, "two", true]],
  ['new Array(3.14, "pi", false)', "array", undefined, [f(3.14), "pi", false]],
  [" [ [ 1, 2 ], [ 3,   4], [5, 6]]", "array", "array", [[1, 2], [3, 4], [5, 6]]],
  ["new Array([1, 2], [3, 4], [5, 6])", "array", "array", [[1, 2], [3, 4], [5, 6]]],
  ['[{"key1": 1}, {"key2": 2}, {"key3": 3}]', "array", "dict", [d({ key1: 1 }), d({ key2: 2 }), d({ key3: 3 })]],
  ['new Array({"key1": 1}, {"key2": 2}, {"key3": 3})', "array", "dict", [d({ key1: 1 }), d({ key2: 2 }), d({ key3: 3 })]],
  [
    '{"initialState": initialStateObject, "reducers": reducersMap, "middlewares": ["loggerMiddleware"], "enhancers": ["applyMiddleware", "myMiddleWare"]}',
    "dict",
    undefined,
    d({
      initialState: "initialStateObject",
      reducers: "reducersMap",
      middlewares: ["loggerMiddleware"],
      enhancers: ["applyMiddleware", "myMiddleWare"],
    }),
  ],
];

// Cases found while porting (each checked against BFCL's Python code).
const quirks: Case[] = [
  ['"', "String", undefined, ""], // starts and ends with a quote: [1:-1] of one character
  ["'x\"", "String", undefined, "'x\""],
  ["1e3", "float", undefined, "1e3"], // no exponent in the float pattern
  ["1.5", "integer", undefined, "1.5"],
  ["\u0661\u0662", "integer", undefined, 12],
  ["[[], [1]]", "array", undefined, [[""], [1]]], // 2-D rows are not filtered for blanks
  ["[[1, 2], [3, 4]]", "array", "integer", [[1, 2], [3, 4]]], // 2-D ignores the element type
  ["[['a', b], [3]] trailing", "array", undefined, [["a", "b"], [3]]],
  ['[Infinity, NaN, 1e3, 0x10, 1_0, "q", x]', "array", undefined, [f(Infinity), f(NaN), f(1000), "0x10", 10, "q", "x"]],
  ["[1, \"2\", '3']", "array", "integer", [1, '"2"', "'3'"]],
  ["[1, \"2\", '3']", "array", "String", ["1", "2", "3"]],
  ["[1, 2]", "array", "object", "[1, 2]"], // unsupported element type: BFCL's bare except returns the text
  ["[]", "array", "object", []], // …unless there is no element to convert
  ['["a", "b"]', "array", "array", ['"a"', '"b"']],
  ["[1, [2, 3]]", "array", undefined, [1, "[2", 3]], // 1-D stops at the first `]`
  ["new Array()", "array", undefined, []],
  ["Array.of(1)", "array", undefined, "Array.of(1)"],
  ["  {}  ", "dict", undefined, d({})],
  ["{a: {b: 1}}", "dict", undefined, d({ a: "{b: 1" })], // the dict stops at the first `}`
  ["{a: 1, b: [1,2], c: 'x'}", "dict", undefined, d({ a: 1, b: [1, 2], c: "x" })],
  ['{"a,b": 1, c: "x, y"}', "dict", undefined, d({ "a,b": 1, c: "x, y" })],
  ["{a: 1, a: 2}", "dict", undefined, d({ a: 2 })],
  ["{ \"k\" : ' v ' }", "dict", undefined, d({ k: "v" })],
  ["{a:1}x", "dict", undefined, d({ a: 1 })],
  ["{a}", "dict", undefined, d({})],
  [`[${"1".repeat(4301)}]`, "array", "integer", `[${"1".repeat(4301)}]`], // int() raises inside the try: text back
  [`[${"1".repeat(4301)}]`, "array", undefined, [f(Infinity)]], // parse_js_value falls back to float()
];

describe("jsTypeConverter", () => {
  it.each(bfclExamples)("BFCL example: %j as %s<%s>", (value, type, nested, expected) => {
    expectPy(jsTypeConverter(value, type, nested), expected);
  });

  it.each(quirks)("quirk: %j as %s<%s>", (value, type, nested, expected) => {
    const actual = jsTypeConverter(value, type, nested);
    expect(pyRepr(actual)).toBe(pyRepr(expected));
  });

  it("parse_js_value strips, unquotes, then tries int() and float()", () => {
    expectPy(parseJsValue("  'a b'  "), "a b");
    expectPy(parseJsValue(" 7 "), 7);
    expectPy(parseJsValue("-Infinity"), f(-Infinity));
    expectPy(parseJsValue("null"), "null");
  });

  const crashes: [value: string, type: string, nested: string | undefined, code: string][] = [
    ["123", "InvalidType", undefined, "unsupported_type"],
    ["{}", "object", undefined, "unsupported_type"],
    ["5n\n", "Bigint", undefined, "value_error"], // `$` admits the newline, then int("5n") raises
    ["1".repeat(4301), "integer", undefined, "value_error"],
  ];
  it.each(crashes)("BFCL raises on %j as %s<%s>", (value, type, nested, code) => {
    let error: unknown;
    try {
      jsTypeConverter(value, type, nested);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckerCrashError);
    expect((error as CheckerCrashError).code).toBe(code);
  });
});
