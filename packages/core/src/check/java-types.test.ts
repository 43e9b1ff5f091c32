import { describe, expect, it } from "vitest";
import { CheckerCrashError } from "../errors.js";
import { javaTypeConverter, parseJavaArray, parseJavaArrayList } from "./java-types.js";
import { PyDict, PyFloat, pyEquals, pyRepr, type PyValue } from "./pyvalue.js";

const f = (x: number) => new PyFloat(x);
const d = (entries: Record<string, PyValue>) => PyDict.fromEntries(Object.entries(entries));

/** Python equality plus identical repr, so `1`, `1.0` and `True` are told apart. */
function expectPy(actual: PyValue, expected: PyValue): void {
  expect(pyRepr(actual)).toBe(pyRepr(expected));
  expect(pyEquals(actual, expected)).toBe(true);
}

type Case = [value: string, type: string, nested: string | undefined, expected: PyValue];

// The assertions at the bottom of BFCL's java_type_converter.py, with the values BFCL really
// returns (its "invalid value" checks expect ValueErrors that are never raised: the converter
// returns the text).
const bfclExamples: Case[] = [
  ["true", "boolean", undefined, true],
  ["false", "boolean", undefined, false],
  ["123", "integer", undefined, 123],
  ["-123", "integer", undefined, -123],
  ["3.14f", "float", undefined, f(3.14)],
  ["-3.14f", "float", undefined, f(-3.14)],
  ["3.14", "double", undefined, f(3.14)],
  ["-3.14", "double", undefined, f(-3.14)],
  ["123L", "long", undefined, 123],
  ["-123L", "long", undefined, -123],
  ["a", "char", undefined, "a"],
  ["abc", "String", undefined, "abc"],
  ["new int[]{1, 2, 3}", "Array", undefined, [1, 2, 3]],
  ['new ArrayList<>(Arrays.asList("a", "b"))', "ArrayList", undefined, ["a", "b"]],
  ['new HashMap<String, String>() {{ put("key", "value"); }}', "HashMap", undefined, d({ key: "value" })],
  ["3f", "float", undefined, f(3)],
  ["3e3F", "float", undefined, f(3000)],
  ["3e-3F", "float", undefined, f(0.003)],
  ["3.14e2", "double", undefined, f(314)],
  ["3.14e-2", "double", undefined, f(0.0314)],
  ["127", "byte", undefined, 127],
  ["-128", "byte", undefined, -128],
  ["32767", "short", undefined, 32767],
  ["-32768", "short", undefined, -32768],
  ["9223372036854775807L", "long", undefined, 9223372036854775807n],
  ["-9223372036854775808L", "long", undefined, -9223372036854775808n],
  ["123", "any", undefined, "123"],
  ["abc", "any", undefined, "abc"],
  ["new int[]{}", "Array", undefined, []],
  ["new ArrayList<>()", "ArrayList", undefined, []],
  ["new HashMap<>()", "HashMap", undefined, d({})],
  ['new Object[]{1, "abc", true}', "Array", undefined, [1, "abc", true]],
  ['new ArrayList<>(Arrays.asList(1, "abc", true))', "ArrayList", undefined, [1, "abc", true]],
  [
    'new HashMap<String, Object>() {{ put("key1", 1); put("key2", "value"); put("key3", true); }}',
    "HashMap",
    undefined,
    d({ key1: 1, key2: "value", key3: true }),
  ],
  ["true", "integer", undefined, "true"],
  ["abc", "integer", undefined, "abc"],
  ["abc", "long", undefined, "abc"],
  ["3.14", "float", undefined, "3.14"],
  ["3.14f", "double", undefined, "3.14f"],
  ["128", "byte", undefined, 128], // no range check
  ["32768", "short", undefined, 32768],
  ["invalid", "boolean", undefined, "invalid"],
  ["abc", "char", undefined, "abc"],
  ["new int[] {}", "Array", undefined, []],
  ["new int[] { }", "Array", undefined, []],
  ["new int[]{1,2,3}", "Array", undefined, [1, 2, 3]],
  ["new int[] {1, 2, 3}", "Array", undefined, [1, 2, 3]],
  ["new int[] { 1, 2, 3 }", "Array", undefined, [1, 2, 3]],
  ["new HashMap<>() {}", "HashMap", undefined, d({})],
  ["new HashMap<>() {{}}", "HashMap", undefined, d({})],
  ["new HashMap<>() {{ }}", "HashMap", undefined, d({})],
  ['new HashMap<String, String>() {{put("key", "value");}}', "HashMap", undefined, d({ key: "value" })],
  ['new HashMap<String, String>() { { put("key", "value"); } }', "HashMap", undefined, d({ key: "value" })],
  ['new HashMap<String, Object>() {{ put("key1", 123); put("key2", true); }}', "HashMap", undefined, d({ key1: 123, key2: true })],
  [
    'new HashMap<String, Object>() {{ put("key1", "value 1"); put("key2", "value 2"); }}',
    "HashMap",
    undefined,
    d({ key1: "value 1", key2: "value 2" }),
  ],
  ["new long[]{1L, 2L, 3L}", "Array", "long", [1, 2, 3]],
  ["new long[]{1L, 2, 3L}", "Array", "long", [1, "2", 3]],
  ["new long[]{1L, 2.0, 3L}", "Array", "long", [1, "2.0", 3]],
  ["new ArrayList<Integer>(Arrays.asList(1, 2, 3))", "ArrayList", "integer", [1, 2, 3]],
  ["new ArrayList<Float>() {{ add(1.0f); add(2.0f); add(3.0f); }}", "ArrayList", "float", [f(1), f(2), f(3)]],
  ["new ArrayList<Double>() {{ add(1.0); add(2.0); add(3.0); }}", "ArrayList", "double", [f(1), f(2), f(3)]],
  ["new ArrayList<Boolean>(Arrays.asList(true, false, true))", "ArrayList", "boolean", [true, false, true]],
  ["new ArrayList<Character>() {{ add('a'); add('b'); add('c'); }}", "ArrayList", "char", ["a", "b", "c"]],
  ['new ArrayList<String>() {{ add("aasdasd"); add("basdasd"); add("casdasd"); }}', "ArrayList", undefined, ["aasdasd", "basdasd", "casdasd"]],
];

// Cases found while porting: Python regex/int/float semantics that a naive port gets wrong.
const quirks: Case[] = [
  ["'a'", "char", undefined, "'a'"], // `^'.$'` can never match: char values stay as written
  ["5\n", "integer", undefined, 5], // Python `$` matches before a final newline; int() strips it
  ["3f\n", "float", undefined, f(3)],
  ["5L\n", "long", undefined, 5],
  ["\u0661\u0662", "integer", undefined, 12], // `\d` and int() take any Unicode digit
  ["\u0661\u0662L", "long", undefined, 12],
  ["1_000", "integer", undefined, "1_000"], // the regex refuses the underscore…
  ["new int[]{1_000, inf, 0x1F, 2.5, 3L, 4f, \"s\", x}", "Array", undefined, [1000, f(Infinity), "0x1F", f(2.5), 3, f(4), "s", "x"]], // …int()/float() accept it
  ["new int[]{{1,2},{3,4}}", "Array", undefined, ["{1", 2]], // stops at the first `}`
  ["new int[]{{1,2},{3,4}}", "Array", "integer", ["{1", 2]],
  ["new int[]{,1,,2,}", "Array", undefined, [1, 2]], // blank elements dropped
  ["new int[]\n{1}", "Array", undefined, [1]],
  ["new int[]{1,\n2}", "Array", undefined, "new int[]{1,\n2}"], // `.` stops at a newline
  ["new HashMap<String,Integer>()", "HashMap", undefined, d({})], // what BFCL's decoder hands over
  ['new HashMap<>() {{ put("a", 1); put("a", 2); put(b, 3); put("c",4) }}', "HashMap", undefined, d({ a: 2, c: 4 })],
  ['new HashMap<>() {{ put("a", foo(1)); }}', "HashMap", undefined, d({ a: "foo(1" })],
  ["new ArrayList<>(Arrays.asList(\"a,b\", 'c'))", "ArrayList", undefined, ['"a', 'b"', "'c'"]], // split on every comma
  ["new ArrayList<>(Arrays.asList(😀x😀, \"b\"))", "ArrayList", "String", ["x", "b"]], // [1:-1] drops code points, not UTF-16 units
  ["new ArrayList<>(Arrays.asList(1, 2))", "ArrayList", "char", ["", ""]],
  ["new ArrayList<>(Arrays.asList(new int[]{1}, x))", "ArrayList", "Array", [[1], "x"]],
  ["new ArrayList<Integer>() {{ add(1); }}", "ArrayList", "integer", [1]],
  ["new ArrayList<>() {{\n add(1);\n add(2);\n}}", "ArrayList", undefined, [1, 2]],
  ["new ArrayList<>()", "ArrayList", "Set", []], // no element, no conversion, no error
  ["List.of(1, 2)", "ArrayList", undefined, "List.of(1, 2)"],
  ["x = new ArrayList<>()", "ArrayList", undefined, []], // re.search: anywhere in the text
  [`new int[]{${"9".repeat(5000)}}`, "Array", undefined, [f(Infinity)]], // int() refuses > 4300 digits, float() gives inf
];

describe("javaTypeConverter", () => {
  it.each(bfclExamples)("BFCL example: %j as %s<%s>", (value, type, nested, expected) => {
    expectPy(javaTypeConverter(value, type, nested), expected);
  });

  it.each(quirks)("quirk: %j as %s<%s>", (value, type, nested, expected) => {
    expectPy(javaTypeConverter(value, type, nested), expected);
  });

  it("the helpers are BFCL's parse_array / parse_arraylist", () => {
    expectPy(parseJavaArray("new long[]{1L, 2L, 3L}", "long"), [1, 2, 3]);
    expectPy(parseJavaArrayList("new ArrayList<>(Arrays.asList(1, 2))"), [1, 2]);
  });

  const crashes: [value: string, type: string, nested: string | undefined, code: string][] = [
    ["abc", "Set", undefined, "unsupported_type"],
    ["abc", "Hashtable", undefined, "unsupported_type"],
    ["abc", "Queue", undefined, "unsupported_type"],
    ["abc", "Stack", undefined, "unsupported_type"],
    ["abc", "Object", undefined, "unsupported_type"],
    ["new int[]{1}", "Array", "Set", "unsupported_type"],
    ["new int[]{1}", "Array", "number", "unsupported_type"],
    ["1".repeat(4301), "integer", undefined, "value_error"], // BFCL's int() raises, uncaught
    ["1".repeat(4301) + "L", "long", undefined, "value_error"],
    [`new long[]{${"1".repeat(4301)}L}`, "Array", undefined, "value_error"],
  ];
  it.each(crashes)("BFCL raises on %j as %s<%s>", (value, type, nested, code) => {
    let error: unknown;
    try {
      javaTypeConverter(value, type, nested);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckerCrashError);
    expect((error as CheckerCrashError).code).toBe(code);
  });
});
