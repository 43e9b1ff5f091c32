import { describe, expect, it } from "vitest";
import { ParseError } from "../errors.js";
import { jsTypeConverter } from "../check/js-types.js";
import { PyDict, PyFloat, pyEquals, pyRepr, type PyValue } from "../check/pyvalue.js";
import { parseJavaScriptFunctionCall } from "./javascript.js";

/** `[{name: {arg: value…}}]`; a `null` key is Python's `None`. */
function call(name: string, args: [string | null, string][]): PyValue {
  return [PyDict.fromEntries([[name, PyDict.fromEntries(args)]])];
}

function expectPy(actual: PyValue, expected: PyValue): void {
  expect(pyRepr(actual)).toBe(pyRepr(expected));
  expect(pyEquals(actual, expected)).toBe(true);
}

// Each expectation was checked against BFCL's parse_javascript_function_call run on the same
// tree-sitter-javascript 0.21.4 tree.
const decoded: [source: string, expected: PyValue][] = [
  [
    "validateUserInput(inputField=userInputField, isComplete=true)",
    call("validateUserInput", [
      ["inputField", "userInputField"],
      ["isComplete", "true"],
    ]),
  ],
  // Values are source text; one pair of matching quotes is dropped (not backticks).
  [
    "f(a=\"x\", b='y', c=`z`, d=[1, 2], e={k: 'v'}, g=() => 1)",
    call("f", [
      ["a", "x"],
      ["b", "y"],
      ["c", "`z`"],
      ["d", "[1, 2]"],
      ["e", "{k: 'v'}"],
      ["g", "() => 1"],
    ]),
  ],
  ["f(a=\"'\")", call("f", [["a", "'"]])],
  ["f(a='\"x\"')", call("f", [["a", '"x"']])],
  // Node text is proper UTF-8 here (unlike the Java decoder).
  ["f(a='café', b=\"😀\")", call("f", [["a", "café"], ["b", "😀"]])],
  // Positional: only an identifier or `true` is kept (under None); false, numbers, strings vanish.
  ['f(false, 3, "s", null, a=1)', call("f", [["a", "1"]])],
  ["f(x, a=1)", call("f", [[null, "x"], ["a", "1"]])],
  ["f(true)", call("f", [[null, "true"]])],
  ["f(a /*c*/ = 1)", call("f", [["a", "="]])],
  ["f(a = b = 1)", call("f", [["a", "b = 1"]])],
  ["f(a += 1)", call("f", [])],
  // The first call that is a direct child of a top-level expression statement.
  ["f(a=1); g(b=2)", call("f", [["a", "1"]])],
  ["// note\nobj.method(a=1)", call("obj.method", [["a", "1"]])],
  ["f(a=1)(b=2)", call("f(a=1)", [["b", "2"]])],
  ["f?.(a=1)", call("f", [])], // children[1] is the `?.` token
  ["f`tpl`", call("f", [])],
  ["x = f(a=1)", null],
  ["f(a=1), g(b=2)", null],
  ["new F(a=1)", null],
  ["", null],
];

describe("parseJavaScriptFunctionCall", () => {
  it.each(decoded)("decodes %j", (source, expected) => {
    expectPy(parseJavaScriptFunctionCall(source), expected);
  });

  const failures: [source: string, why: string][] = [
    ["f(a=1, a=2)", "duplicate argument name"],
    ["f(x, true)", "two positional arguments share the None key"],
    ["f(x, y)", "two positional arguments share the None key"],
    ["f(a=1", "syntax error"],
    ["f(a='\uDC00')", "a lone surrogate cannot be encoded as UTF-8"],
  ];
  it.each(failures)("fails on %j (%s)", (source) => {
    expect(() => parseJavaScriptFunctionCall(source)).toThrow(ParseError);
  });

  it("parses inputs longer than the binding's 32 Ki buffer", () => {
    const long = "é".repeat(40_000) + "😀".repeat(5_000);
    expectPy(parseJavaScriptFunctionCall(`f(a="${long}", b=2)`), call("f", [["a", long], ["b", "2"]]));
  });

  it("feeds BFCL's JavaScript type converter as in BFCL", () => {
    const out = parseJavaScriptFunctionCall("f(a=[1, 2], d={k: 'v', n: 3}, n=10n, x=3.5, s='txt')") as PyDict[];
    const args = out[0]!.get("f") as PyDict;
    expectPy(jsTypeConverter(args.get("a") as string, "array", "integer"), [1, 2]);
    expectPy(jsTypeConverter(args.get("d") as string, "dict"), PyDict.fromEntries([["k", "v"], ["n", 3]]));
    expectPy(jsTypeConverter(args.get("n") as string, "Bigint"), 10);
    expectPy(jsTypeConverter(args.get("x") as string, "float"), new PyFloat(3.5));
    expectPy(jsTypeConverter(args.get("s") as string, "String"), "txt"); // already unquoted by the decoder
  });
});
