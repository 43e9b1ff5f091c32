import { describe, expect, it } from "vitest";
import { PyDict, PyFloat, PyTuple, pyEquals, pyFloatRepr, pyIn, pyRepr, pyStrRepr } from "./pyvalue.js";

// Expected strings are CPython 3.11's repr() of the same values.
describe("repr matches CPython", () => {
  it.each([
    [1.0, "1.0"],
    [0.1, "0.1"],
    [1e16, "1e+16"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [123456789.123, "123456789.123"],
    [1.5e300, "1.5e+300"],
    [-0.0, "-0.0"],
    [2.5e-7, "2.5e-07"],
    [1e22, "1e+22"],
    [12345678901234567.0, "1.2345678901234568e+16"],
    [100.0, "100.0"],
  ])("float %s", (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });

  it.each([
    ["é", "'é'"],
    ["a\u00a0b", "'a\\xa0b'"],
    ["x\u200by", "'x\\u200by'"],
    ["it's", `"it's"`],
    [`both'"`, `'both\\'"'`],
    ["\x7f", "'\\x7f'"],
    ["\u2028", "'\\u2028'"],
    ["tab\t", "'tab\\t'"],
    ["\u{1F600}", "'\u{1F600}'"],
    ["\ud800", "'\\ud800'"],
  ])("str %j", (s, expected) => {
    expect(pyStrRepr(s)).toBe(expected);
  });

  it("containers", () => {
    expect(pyRepr([1, new PyFloat(2), "x", null, true, new PyTuple([1]), PyDict.fromEntries([["k", []]])])).toBe("[1, 2.0, 'x', None, True, (1,), {'k': []}]");
  });
});

describe("Python equality", () => {
  it.each([
    [1, new PyFloat(1), true],
    [true, 1, true],
    [true, new PyFloat(1), true],
    [false, 0, true],
    [1, "1", false],
    [[1, 2], new PyTuple([1, 2]), false],
    [2n ** 60n, new PyFloat(2 ** 60), true],
    [2n ** 60n + 1n, new PyFloat(2 ** 60), false],
    [new PyFloat(NaN), new PyFloat(NaN), false],
    [null, null, true],
    [PyDict.fromEntries([["a", 1], ["b", [2]]]), PyDict.fromEntries([["b", [new PyFloat(2)]], ["a", true]]), true],
  ] as const)("%o == %o is %s", (a, b, expected) => {
    expect(pyEquals(a as never, b as never)).toBe(expected);
  });

  it("dict keys 1, 1.0 and True are one key", () => {
    const d = new PyDict();
    d.set(1, "a");
    d.set(new PyFloat(1), "b");
    d.set(true, "c");
    expect(d.size).toBe(1);
    expect(d.keys[0]).toBe(1);
    expect(d.get(true)).toBe("c");
  });

  it("large dicts (indexed string keys) keep Python semantics", () => {
    const d = new PyDict();
    for (let i = 0; i < 20; i++) d.set(`k${i}`, i);
    d.set(3, "int key");
    d.set("k5", "replaced");
    d.set(new PyFloat(3), "float key replaces int key");
    expect(d.size).toBe(21);
    expect(d.keys[5]).toBe("k5");
    expect(d.get("k5")).toBe("replaced");
    expect(d.get("k19")).toBe(19);
    expect(d.get("k20")).toBeUndefined();
    expect(d.get(3)).toBe("float key replaces int key");
    expect(d.get("3")).toBeUndefined();
    expect(d.indexOf("k0")).toBe(0);
  });

  it("`in` uses Python equality", () => {
    expect(pyIn(new PyFloat(5), [5])).toBe(true);
    expect(pyIn("5", [5])).toBe(false);
  });
});
