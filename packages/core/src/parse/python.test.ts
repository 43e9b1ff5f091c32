import { describe, expect, it } from "vitest";
import { decodePythonCalls } from "./python.js";
import { PyDict, PyFloat, PyTuple, pyRepr, type PyValue } from "../check/pyvalue.js";
import { ParseError } from "../errors.js";

function r(src: string): string {
  return decodePythonCalls(src).map(pyRepr).join(" | ");
}

describe("decodePythonCalls: literal forms", () => {
  it.each([
    ["[f(a=1)]", "{'f': {'a': 1}}"],
    ["[f(a=1.0)]", "{'f': {'a': 1.0}}"],
    ["[f(a=1e3, b=.5, c=1_000, d=0x1F, e=0o17, g=0b101)]", "{'f': {'a': 1000.0, 'b': 0.5, 'c': 1000, 'd': 31, 'e': 15, 'g': 5}}"],
    ["[f(a=-1, b=-2.5, c=+3, d=~4, e=not True)]", "{'f': {'a': -1, 'b': -2.5, 'c': -3, 'd': -4, 'e': -1}}"],
    ["[f(a='x', b=\"y\", c='''z''', d=r'\\n', e='a' 'b')]", "{'f': {'a': 'x', 'b': 'y', 'c': 'z', 'd': '\\\\n', 'e': 'ab'}}"],
    ["[f(a=True, b=False, c=None)]", "{'f': {'a': True, 'b': False, 'c': None}}"],
    ["[f(a=[1, 'x', [2]], b=(1, 2), c=(1,), d={'k': 1, 2: [3]})]", "{'f': {'a': [1, 'x', [2]], 'b': (1, 2), 'c': (1,), 'd': {'k': 1, 2: [3]}}}"],
    ["[f(a=x, b=math)]", "{'f': {'a': 'x', 'b': 'math'}}"],
    ["[f(a=g(1, 'b'), b=h(k=2))]", "{'f': {'a': \"g(1, 'b')\", 'b': {'h': {'k': 2}}}}"],
    ["[f(a=data['key'], b=x[1:2], c=y[1, 2])]", "{'f': {'a': \"data['key']\", 'b': 'x[1:2]', 'c': 'y[(1, 2)]'}}"],
    ["[f(a=1+2, b=2**10, c=7//2, d=-7//2, e=7%-3, g='ab'*2, h=[1]+[2], i=1/2)]", "{'f': {'a': 3, 'b': 1024, 'c': 3, 'd': -4, 'e': -2, 'g': 'abab', 'h': [1, 2], 'i': 0.5}}"],
    ["[f(a=...)]", "{'f': {'a': '...'}}"],
    ["[a.b.c(x=1), d(y=2)]", "{'a.b.c': {'x': 1}} | {'d': {'y': 2}}"],
    ["[f(1, 2, a=3)]", "{'f': {'a': 3}}"],
    ["[f(**kw)]", "{'f': {None: 'kw'}}"],
    ["[f()]", "{'f': {}}"],
    ["[]", ""],
    ["[f(a=12345678901234567890)]", "{'f': {'a': 12345678901234567890}}"],
    ["[f(a='\\u00e9\\x41\\n')]", "{'f': {'a': 'éA\\n'}}"],
    ["[f(a={1: 'a', True: 'b'})]", "{'f': {'a': {1: 'b'}}}"],
    ["'[f(a=1)]'", "{'f': {'a': 1}}"],
    // ast.parse accepts a repeated keyword (the compiler rejects it); BFCL's dict keeps the last
    ["[f(a=1, b=2, a=3)]", "{'f': {'a': 3, 'b': 2}}"],
    // identifiers are NFKC-normalised, as CPython does
    ["[\uff4c\uff49\uff54(\u017f='x')]", "{'lit': {'s': 'x'}}"],
    // a named expression is a valid positional argument, and positional arguments are dropped
    ["[f(x := 1, a=2)]", "{'f': {'a': 2}}"],
    ["[f(a=g(x := 1))]", "{'f': {'a': 'g((x := 1))'}}"],
  ])("%s", (src, expected) => {
    expect(r(src)).toBe(expected);
  });

  it("keeps int and float apart and tuples apart from lists", () => {
    const [call] = decodePythonCalls("[f(a=1, b=1.0, c=(1, 2), d=[1, 2])]") as [PyDict];
    const args = call.get("f") as PyDict;
    expect(args.get("a")).toBe(1);
    expect(args.get("b")).toBeInstanceOf(PyFloat);
    expect(args.get("c")).toBeInstanceOf(PyTuple);
    expect(Array.isArray(args.get("d") as PyValue)).toBe(true);
  });
});

describe("decodePythonCalls: failures are typed ParseErrors", () => {
  it.each([
    ["[f(a=1]"],
    ["[f(a=1) g(b=2)]"],
    ["[x]"],
    ["[f(a=-x)]"],
    ["[f(a=np.pi)]"],
    ["[f(a=--1)]"],
    ["[f(a=lambda: 1)]"],
    ["[f(a={**x})]"],
    ["[f(a={[1]: 2})]"],
    ["[f(a=x+1)]"],
    ["[f(a=1 < 2)]"],
    ["[f(a={1, 2})]"],
    ["[f(a=f'x')]"],
    ["[f(a='x\0y')]"],
    ["[f(a=1, 2)]"],
    ["[f(a=01)]"],
    ["[f(a='unterminated)]"],
    ["[f(a=1/0)]"],
    ["Sure! [f(a=1)]"],
    ["[f(a=1)]\nDone"],
  ])("%s", (src) => {
    expect(() => decodePythonCalls(src)).toThrow(ParseError);
  });
});
