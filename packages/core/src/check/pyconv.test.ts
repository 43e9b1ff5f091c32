import { describe, expect, it } from "vitest";
import { PY_INT_MAX_STR_DIGITS, PY_RE, isPySpace, pyFloatFromString, pyIntFromString, pySlice, pyStrip } from "./pyconv.js";

// Expected values were checked against CPython 3.11 (`int(s)`, `float(s)`, `s.strip()`).

describe("pyIntFromString (Python int(str))", () => {
  const ok: [string, number | bigint][] = [
    ["0", 0],
    ["-0", 0],
    ["00", 0],
    ["007", 7],
    ["+5", 5],
    ["-123", -123],
    [" 5 ", 5],
    ["5\n", 5],
    ["\x0b5", 5],
    ["\x855", 5], // NEL is whitespace for int()
    ["\u30005", 5], // ideographic space
    ["\u00a0-7\u2003", -7],
    ["1_000", 1000],
    ["0_0", 0],
    ["\u0665\u0666", 56], // Arabic-Indic digits
    ["\u{1D7DD}", 5], // mathematical double-struck five
    ["\u0661_\u0662", 12],
    ["9007199254740991", 9007199254740991],
    ["9007199254740993", 9007199254740993n],
    ["-9223372036854775808", -9223372036854775808n],
    ["1".repeat(PY_INT_MAX_STR_DIGITS), BigInt("1".repeat(PY_INT_MAX_STR_DIGITS))],
  ];
  it.each(ok)("int(%j) = %s", (text, expected) => {
    const v = pyIntFromString(text);
    expect(v).toBe(expected);
    expect(Object.is(v, -0)).toBe(false);
  });

  const bad = [
    "",
    " ",
    "+",
    "-",
    "1.0",
    "1e3",
    "0x10",
    "12a",
    "_1",
    "1_",
    "1__0",
    "+_1",
    "\x1c5", // \x1c is str.isspace() but int() does not skip it
    "5\x1c",
    "\ufeff5", // BOM is not whitespace in Python
    "\u066b5", // Arabic decimal separator is not a digit
    "inf",
    "1".repeat(PY_INT_MAX_STR_DIGITS + 1), // CPython >= 3.11 refuses more than 4300 digits
    "0".repeat(PY_INT_MAX_STR_DIGITS + 1),
    "1_".repeat(2000) + "1".repeat(2301),
  ];
  it.each(bad)("int(%j) raises ValueError", (text) => {
    expect(pyIntFromString(text)).toBeUndefined();
  });

  it("does not count underscores, signs or spaces towards the digit limit", () => {
    expect(pyIntFromString("1_".repeat(2000) + "1".repeat(2300))).toBeTypeOf("bigint");
    expect(pyIntFromString(`  -${"1".repeat(PY_INT_MAX_STR_DIGITS)}  `)).toBeTypeOf("bigint");
  });
});

describe("pyFloatFromString (Python float(str))", () => {
  const ok: [string, number][] = [
    ["1", 1],
    ["1.", 1],
    [".5", 0.5],
    ["+.5", 0.5],
    ["-.5e-3", -0.0005],
    ["1e5", 1e5],
    ["1E+5", 1e5],
    ["  1e-5  ", 1e-5],
    ["1.5\n", 1.5],
    ["1e1_0", 1e10],
    ["1_0.5_5e1_0", 10.55e10],
    ["\u0665.\u0666", 5.6],
    ["\u0665e\u0665", 500000],
    ["1e500", Infinity],
    ["-1e500", -Infinity],
    ["1e-400", 0],
    ["5e-324", 5e-324],
    ["inf", Infinity],
    ["+inf", Infinity],
    ["-inf", -Infinity],
    ["iNfInItY", Infinity],
    ["Infinity", Infinity],
    ["123456789012345678901234567890", 1.2345678901234568e29],
  ];
  it.each(ok)("float(%j) = %s", (text, expected) => {
    expect(pyFloatFromString(text)).toBe(expected);
  });

  it("keeps the sign of zero and reads nan in any case", () => {
    expect(Object.is(pyFloatFromString("-0"), -0)).toBe(true);
    for (const t of ["nan", "-NaN", "NAN", "\u3000nan\u3000"]) expect(pyFloatFromString(t)).toBeNaN();
  });

  const bad = ["", " ", ".", "-", "e5", ".e5", "1e", "1e+", "1.2.3", "1_.5", "1._5", "1_e5", "_1", "1_", "infinit", "in_f", "nan(1)", "0x10", "1.5d", "1f", "\x1c5", "\u066b5"];
  it.each(bad)("float(%j) raises ValueError", (text) => {
    expect(pyFloatFromString(text)).toBeUndefined();
  });
});

describe("pyStrip (Python str.strip)", () => {
  const cases: [string, string | undefined, string][] = [
    [" x ", undefined, "x"],
    ["\t\n\x0b\x0c\r x \x1c\x1d\x1e\x1f\x85\xa0", undefined, "x"],
    ["\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000x", undefined, "x"],
    ["\ufeffx\ufeff", undefined, "\ufeffx\ufeff"], // BOM: JS trim() removes it, Python does not
    ["\u200bx", undefined, "\u200bx"],
    ["", undefined, ""],
    ["   ", undefined, ""],
    ["'\"x\"'", "'\"", "x"],
    ["\"'a'b'\"", "'\"", "a'b"],
    ["😀x😀😀", "😀", "x"],
    ["xyx", "", "xyx"],
  ];
  it.each(cases)("%j.strip(%j) = %j", (text, chars, expected) => {
    expect(pyStrip(text, chars)).toBe(expected);
  });

  it("isPySpace agrees with the set above", () => {
    for (const cp of [0x09, 0x0d, 0x1c, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000])
      expect(isPySpace(cp)).toBe(true);
    for (const cp of [0x08, 0x0e, 0x1b, 0x21, 0x84, 0x86, 0x180e, 0x200b, 0xfeff]) expect(isPySpace(cp)).toBe(false);
  });
});

describe("pySlice (Python s[a:b] on code points)", () => {
  const cases: [string, number | undefined, number | undefined, string][] = [
    ["", 1, -1, ""],
    ["x", 1, -1, ""],
    ["xy", 1, -1, ""],
    ['"abc"', 1, -1, "abc"],
    ["😀a😀", 1, -1, "a"],
    ["a😀", 0, -1, "a"],
    ["abc", 1, undefined, "bc"],
    ["abc", 5, 9, ""],
  ];
  it.each(cases)("%j[%s:%s] = %j", (text, a, b, expected) => {
    expect(pySlice(text, a, b)).toBe(expected);
  });
});

describe("PY_RE fragments", () => {
  it("follow Python re semantics", () => {
    const end = new RegExp(`^a${PY_RE.end}`, "u");
    expect(end.test("a")).toBe(true);
    expect(end.test("a\n")).toBe(true); // Python `$` matches before a final newline
    expect(end.test("a\n\n")).toBe(false);
    expect(new RegExp(`^${PY_RE.any}$`, "u").test("\r")).toBe(true);
    expect(new RegExp(`^${PY_RE.any}$`, "u").test("\n")).toBe(false);
    expect(new RegExp(`^${PY_RE.digit}+$`, "u").test("\u0661\u0662")).toBe(true);
    expect(new RegExp(`^${PY_RE.word}+$`, "u").test("ÿé_1")).toBe(true);
    expect(new RegExp(`^${PY_RE.space}$`, "u").test("\x1c")).toBe(true);
    expect(new RegExp(`^${PY_RE.space}$`, "u").test("\ufeff")).toBe(false);
  });
});
