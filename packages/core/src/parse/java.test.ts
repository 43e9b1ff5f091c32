import { describe, expect, it } from "vitest";
import { LimitError, ParseError } from "../errors.js";
import { javaTypeConverter } from "../check/java-types.js";
import { PyDict, pyEquals, pyRepr, type PyValue } from "../check/pyvalue.js";
import { parseJavaFunctionCall } from "./java.js";

/** `[{name: {arg: value…}}]`; a `null` key is Python's `None`. */
function call(name: string, args: [string | null, string][]): PyValue {
  return [PyDict.fromEntries([[name, PyDict.fromEntries(args)]])];
}

function expectPy(actual: PyValue, expected: PyValue): void {
  expect(pyRepr(actual)).toBe(pyRepr(expected));
  expect(pyEquals(actual, expected)).toBe(true);
}

// Each expectation was checked against BFCL's parse_java_function_call run on the same
// tree-sitter-java 0.21.0 tree.
const decoded: [source: string, expected: PyValue][] = [
  [
    "Obj.method(a=\"x\", b=5, c=true, d=3.0f, e=10L, f='c')",
    call("Obj.method", [
      ["a", "x"],
      ["b", "5"],
      ["c", "true"],
      ["d", "3.0f"],
      ["e", "10L"],
      ["f", "c"],
    ]),
  ],
  // Arrays: dimensions are dropped and the tokens are concatenated without spaces.
  [
    "foo(arr=new int[]{1, 2, 3}, grid=new int[][]{{1, 2}, {3}})",
    call("foo", [
      ["arr", "new int[]{1,2,3}"],
      ["grid", "new int[]{{1,2},{3}}"],
    ]),
  ],
  // A nested method invocation keeps its source text as written.
  ['foo(list=new ArrayList<>(Arrays.asList("a", "b")))', call("foo", [["list", 'new ArrayList<>(Arrays.asList("a", "b"))']])],
  // Double-brace initialisation: the anonymous class body is dropped.
  ['foo(map=new HashMap<String, Integer>() {{ put("a", 1); put("b", 2); }})', call("foo", [["map", "new HashMap<String,Integer>()"]])],
  ['foo(p=new Path("/tmp", x), q=new Foo())', call("foo", [["p", 'new Path("/tmp", x)'], ["q", "new Foo()"]])],
  // Quotes are stripped only from a literal that is the whole argument.
  [
    "foo(s=\"hi\", t='c', u=\"a\" + \"b\", v=new String[]{\"p\", \"q\"})",
    call("foo", [
      ["s", "hi"],
      ["t", "c"],
      ["u", '"a"+"b"'],
      ["v", 'new String[]{"p","q"}'],
    ]),
  ],
  [
    "foo(a=-5, b=(int) 2.5, c=x -> x + 1, d=cond ? 1 : 2, e=arr[0], f=this.field, g=null)",
    call("foo", [
      ["a", "-5"],
      ["b", "(int)2.5"],
      ["c", "x->x+1"],
      ["d", "cond?1:2"],
      ["e", "arr[0]"],
      ["f", "this.field"],
      ["g", "null"],
    ]),
  ],
  ['foo(a="""\n  text\n  """)', call("foo", [["a", '""\n  text\n  ""']])],
  // Byte offsets used as code point indexes: after "é" (2 UTF-8 bytes) every slice is shifted.
  ['foo(name="café", id="x")', call("foo", [["name", 'café"'], ["d=", '"']])],
  ['foo(id="x", name="café")', call("foo", [["id", "x"], ["name", 'café"']])],
  ['foo(a="😀", b="xyz")', call("foo", [["a", '😀", '], ["x", '"']])],
  // Positional identifiers and class literals go under None; other positional values vanish.
  ["foo(x, b=1)", call("foo", [[null, "x"], ["b", "1"]])],
  ["foo(String.class)", call("foo", [[null, "String.class"]])],
  ['foo(5, "s", a=1)', call("foo", [["a", "1"]])],
  // children[2] of an assignment is the "=" when a comment sits before it.
  ["foo(a /*c*/ = 1)", call("foo", [["a", "="]])],
  // The first method invocation in pre-order, wherever it is; calls inside arguments stay text.
  ["int x = foo(a=1);", call("foo", [["a", "1"]])],
  ["foo(a=bar(b=1))", call("foo", [["a", "bar(b=1)"]])],
  ["a.b.c(x=1)", call("a.b.c", [["x", "1"]])],
  ["Util.<T>m(a=1)", call("Util.m", [["a", "1"]])],
  // No call: BFCL returns {}.
  ["int x = 5;", new PyDict()],
  ["", new PyDict()],
];

describe("parseJavaFunctionCall", () => {
  it.each(decoded)("decodes %j", (source, expected) => {
    expectPy(parseJavaFunctionCall(source), expected);
  });

  const failures: [source: string, why: string][] = [
    ["foo(a=1, a=2)", "duplicate argument name"],
    ["foo(x, Foo.class)", "two positional arguments share the None key"],
    ["foo(a=1", "syntax error"],
    ["foo(a=1), bar(b=2)", "several calls are not a Java statement"],
    ["foo()", "tree-sitter-java makes an argument-less call without ';' an ERROR"],
    ["foo(a=new int[3])", "an array creation without initializer has no value node"],
    ['foo(a="\uD800")', "a lone surrogate cannot be encoded as UTF-8"],
  ];
  it.each(failures)("fails on %j (%s)", (source) => {
    expect(() => parseJavaFunctionCall(source)).toThrow(ParseError);
  });

  it("refuses nesting deeper than BFCL's recursion allows", () => {
    expect(() => parseJavaFunctionCall(`foo(a=${"(".repeat(600)}1${")".repeat(600)})`)).toThrow(LimitError);
    expectPy(parseJavaFunctionCall(`foo(a=${"(".repeat(300)}1${")".repeat(300)})`), call("foo", [["a", `${"(".repeat(300)}1${")".repeat(300)}`]]));
  });

  it("gives up on a parse that exceeds the time limit, and parses normally afterwards", () => {
    // tree-sitter-java's error recovery is quadratic here (about 3 s for 64 KB).
    expect(() => parseJavaFunctionCall("f(a=1), ".repeat(8000), { timeoutMs: 20 })).toThrow(LimitError);
    expectPy(parseJavaFunctionCall("foo(a=1)"), call("foo", [["a", "1"]]));
  });

  it("parses inputs longer than the binding's 32 Ki buffer", () => {
    const long = "é".repeat(40_000) + "😀".repeat(5_000);
    // The literal's end byte lies past the last code point: the slice runs to the end of the text.
    const out = parseJavaFunctionCall(`foo(b=1, a="${long}")`);
    expectPy(out, call("foo", [["b", "1"], ["a", `${long}"`]]));
  });

  it("feeds BFCL's Java type converter as in BFCL", () => {
    const out = parseJavaFunctionCall(
      'foo(m=new HashMap<String, Integer>() {{ put("a", 1); }}, l=new ArrayList<>(Arrays.asList(1, 2)), a=new int[]{1, 2}, n=50L)',
    ) as PyDict[];
    const args = out[0]!.get("foo") as PyDict;
    expectPy(javaTypeConverter(args.get("m") as string, "HashMap"), new PyDict()); // the puts are gone
    expectPy(javaTypeConverter(args.get("l") as string, "ArrayList", "integer"), [1, 2]);
    expectPy(javaTypeConverter(args.get("a") as string, "Array", "integer"), [1, 2]);
    expectPy(javaTypeConverter(args.get("n") as string, "long"), 50);
  });
});
