import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCheckWorkload } from "../check/workload.js";
import { pyRepr, type PyValue } from "../check/pyvalue.js";
import { decodePythonCallsFull } from "./python.js";
import { fastPythonCalls, fastSawBareName, pythonSurelyFails } from "./python-fast.js";
import { pyStripChars } from "./text.js";

const DATA = fileURLToPath(new URL("../../../../../shared/data/bfcl/v4", import.meta.url));

function full(source: string): { value: PyValue[] } | { error: string } {
  try {
    return { value: decodePythonCallsFull(source) };
  } catch (e) {
    return { error: String(e) };
  }
}

/** Where the fast path answers, the full decoder must give the very same value. Returns whether it answered. */
function agree(source: string): boolean {
  const fast = fastPythonCalls(source);
  if (fast === undefined) return false;
  const slow = full(source);
  if ("error" in slow) throw new Error(`fast path decoded ${JSON.stringify(source)} but the full decoder fails: ${slow.error}`);
  expect(pyRepr(fast), JSON.stringify(source)).toBe(pyRepr(slow.value));
  return true;
}

/** The text prompt mode hands the Python decoder (`decodePromptMode`). */
function promptSource(raw: string): string {
  let s = pyStripChars(raw, "`\n ");
  if (!s.startsWith("[")) s = "[" + s;
  if (!s.endsWith("]")) s = s + "]";
  return s;
}

describe("fast Python call reader agrees with the full decoder", () => {
  it.skipIf(!existsSync(DATA))("on every Python prompt-mode output of the bench workload", () => {
    let answered = 0;
    let total = 0;
    for (const line of buildCheckWorkload(DATA)) {
      if (line.mode !== "prompt") continue;
      const doc = JSON.parse(line.text) as { category: string; model_output: string };
      if (doc.category.includes("java")) continue;
      total++;
      if (agree(promptSource(doc.model_output))) answered++;
    }
    expect(total).toBeGreaterThan(4000);
    expect(answered).toBeGreaterThan(total / 2);
  }, 120_000);

  it("on hand-picked edge cases", () => {
    const yes = [
      "[]",
      "[ ]",
      "[f()]",
      "[f(a=1)]",
      "[f(a=1,)]",
      "[f(a=1),]",
      "[f (a = 1) , g.h.i(b='x')]",
      "[f(a=-0, b=-0.0, c=0.0, d=1e5, e=1E-5, f=1.5e+3, g=123456789012345)]",
      "[f(a=[], b={}, c=[1, [2, [3]]], d={'k': 1, 2: 'v', True: None, 1: 'dup'})]",
      "[f(a=True, b=False, c=None)]",
      "[f(a=\"x'y\", b='x\"y', c='', d=\"\")]",
      "[f(a='é中文 😀')]",
      "[f(\n\ta=1,\n\tb=2\n)]",
      "[f(a=" + "[".repeat(19) + "1" + "]".repeat(19) + ")]",
      "[match(case=1, type=2, _=3, print=4)]",
    ];
    for (const s of yes) expect(agree(s), s).toBe(true);
    const no = [
      "[f(1)]",
      "[f(a=1, a=2)]",
      "[f(a=x)]",
      "[f(a=1+2)]",
      "[f(a=+1)]",
      "[f(a=--1)]",
      "[f(a=- 1)]",
      "[f(a=01)]",
      "[f(a=00)]",
      "[f(a=1.)]",
      "[f(a=.5)]",
      "[f(a=1_0)]",
      "[f(a=1j)]",
      "[f(a=0x1)]",
      "[f(a=1234567890123456)]",
      "[f(a='a' 'b')]",
      "[f(a='''x''')]",
      "[f(a='\\n')]",
      "[f(a=r'x')]",
      "[f(a=(1, 2))]",
      "[f(a={1, 2})]",
      "[f(a={[1]: 2})]",
      "[f(**k)]",
      "[f(a=1) # c\n]",
      "[f(a=1)\r]",
      "[lambda(a=1)]",
      "[f.class(a=1)]",
      "[f(if=1)]",
      "[f(a==1)]",
      "[f(a=1)][0]",
      "[f(a=1) g(b=2)]",
      "[fé(a=1)]",
      "[f(a=1)",
      "[f(a=" + "[".repeat(21) + "1" + "]".repeat(21) + ")]",
      "[f(a=Truex)]",
      "[f(a='\ud800')]", "[f(a='\udc00\ud800')]",
    ];
    for (const s of no) expect(fastPythonCalls(s), s).toBeUndefined();
  });

  it("on random token soups near the subset", () => {
    const tok = fc.constantFrom(
      "f", "g.h", "a", "b", "x", "True", "False", "None", "lambda", "class", "_", "é",
      "(", ")", "[", "]", "{", "}", ":", ",", "=", "==", "-", "+", "*", "**", ".", " ", "\n", "\t", "\r", "#", "\\",
      "0", "00", "01", "1", "12", "1.5", "1.", ".5", "1e5", "1e", "1_0", "1j", "-0", "-0.0", "123456789012345", "1234567890123456",
      "'a'", "\"b\"", "''", "'''", "'x\\'", "'é'", "'a\nb'", "r'x'",
    );
    const soup = fc.array(tok, { maxLength: 24 }).map((ts) => "[" + ts.join("") + "]");
    const call = fc.tuple(fc.constantFrom("f", "g.h", "a.b.c"), fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.array(tok, { minLength: 1, maxLength: 6 })), { maxLength: 3 }));
    const calls = fc.array(call, { maxLength: 3 }).map((cs) => "[" + cs.map(([n, kws]) => `${n}(${kws.map(([k, v]) => `${k}=${v.join("")}`).join(", ")})`).join(", ") + "]");
    let answered = 0;
    fc.assert(fc.property(fc.oneof(soup, calls), (s) => {
      if (agree(s)) answered++;
    }), { numRuns: 20_000 });
    expect(answered).toBeGreaterThan(500);
  });
});

/** Where the bracket scan says the input surely fails, the full decoder must fail. Returns whether it said so. */
function surelyFailsSound(source: string): boolean {
  const bare = fastPythonCalls(source) === undefined && fastSawBareName;
  if (!bare && !pythonSurelyFails(source)) return false;
  const slow = full(source);
  if (!("error" in slow)) throw new Error(`pythonSurelyFails(${JSON.stringify(source)}) but the full decoder decodes it`);
  expect(slow.error, JSON.stringify(source)).toMatch(/^(ParseError|LimitError)/);
  return true;
}

describe("pythonSurelyFails is sound: the full decoder fails wherever it answers true", () => {
  it.skipIf(!existsSync(DATA))("on every Python prompt-mode output of the bench workload, catching the truncated ones", () => {
    let truncated = 0;
    let caught = 0;
    for (const line of buildCheckWorkload(DATA)) {
      if (line.mode !== "prompt") continue;
      const doc = JSON.parse(line.text) as { category: string; model_output: string };
      if (doc.category.includes("java")) continue;
      const yes = surelyFailsSound(promptSource(doc.model_output));
      if (line.variant === "truncated") {
        truncated++;
        if (yes) caught++;
      } else if (line.variant === "correct") expect(yes, doc.model_output).toBe(false);
    }
    expect(truncated).toBeGreaterThan(2000);
    expect(caught).toBeGreaterThan(truncated * 0.95);
  }, 120_000);

  it("on hand-picked cases", () => {
    const yes = ["[f(a=1,]", "[f(a=1]", "[f(a=[1)]", "[f(a=1))]", "[f(a='x]", "[f(a=\"x\n\")]", "[f(a={'k': 1)]", "[f(a=1) # ) \n", "]", "[f(a='x'", "[)]", "[math.factorial]", "[a]", "[f(a=1), math.fact]", "[a, f(x=1)]", "[match.case]", "[a][0]", "[f(a=1), g.h, é]"];
    for (const s of yes) expect(surelyFailsSound(s), s).toBe(true);
    // valid, or not placed with certainty: the full path decides
    const no = ["[f(a=1)]", "[f(a=')')]", "[f(a=\"]\")]", "[f(a=1) # ]\n]", "[f(a=r'x]", "[f(a='''x]", "[f(a='x\\]", "[f(a=1) \\\n]", "[f(a=b'x]", "[f(a=x'y]", "[a . b(x=1)]", "[a\n(x=1)]", "[f(x=[a, b])]", "[a for a in b]", "[a if b else f(x=1)]", "[None]", "[é]"];
    for (const s of no) expect(fastPythonCalls(s) === undefined && fastSawBareName, s).toBe(false);
    for (const s of no) expect(pythonSurelyFails(s), s).toBe(false);
  });

  it("on random token soups and truncations", () => {
    const tok = fc.constantFrom(
      "f", "g.h", "a", "x", "True", "None", "lambda", "é", "r", "b", "f",
      "(", ")", "[", "]", "{", "}", ":", ",", "=", "-", "*", ".", " ", "\n", "\t", "\r", "#", "\\",
      "0", "1", "1.5", "'a'", "\"b\"", "''", "'''", "\"\"\"", "'", "\"", "'x\\'", "'é'", "'a\nb'", "r'x'", "b'", "f'{", "'#'", "'('",
    );
    const soup = fc.array(tok, { maxLength: 24 }).map((ts) => "[" + ts.join("") + "]");
    const truncated = fc.tuple(fc.array(tok, { maxLength: 30 }), fc.nat()).map(([ts, k]) => {
      const s = "[f(" + ts.join("") + ")]";
      return s.slice(0, k % (s.length + 1)) + "]";
    });
    let yes = 0;
    fc.assert(fc.property(fc.oneof(soup, truncated), (s) => {
      if (surelyFailsSound(s)) yes++;
    }), { numRuns: 20_000 });
    expect(yes).toBeGreaterThan(2000);
  });
});
