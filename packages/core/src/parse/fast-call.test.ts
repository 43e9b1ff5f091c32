import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCheckWorkload } from "../check/workload.js";
import { pyEquals, pyRepr, type PyValue } from "../check/pyvalue.js";
import { fastCall } from "./fast-call.js";
import { parseJavaFunctionCallTreeSitter } from "./java.js";
import { parseJavaScriptFunctionCallTreeSitter } from "./javascript.js";
import { pyStripChars } from "./text.js";

const DATA = fileURLToPath(new URL("../../../../../shared/data/bfcl/v4", import.meta.url));

type Lang = "java" | "javascript";

/** The tree-sitter decoder's result, or the error it throws (as text). */
function treeSitter(source: string, language: Lang): { value: PyValue } | { error: string } {
  try {
    return { value: language === "java" ? parseJavaFunctionCallTreeSitter(source) : parseJavaScriptFunctionCallTreeSitter(source) };
  } catch (e) {
    return { error: String(e) };
  }
}

/** Where the fast path answers, tree-sitter must give the very same value. Returns whether it answered. */
function agree(source: string, language: Lang): boolean {
  const fast = fastCall(source, language);
  if (fast === undefined) return false;
  const slow = treeSitter(source, language);
  if ("error" in slow) throw new Error(`fast path decoded ${JSON.stringify(source)} (${language}) but tree-sitter fails: ${slow.error}`);
  expect(pyRepr(fast), JSON.stringify(source)).toBe(pyRepr(slow.value));
  expect(pyEquals(fast, slow.value)).toBe(true);
  return true;
}

/** The call text prompt mode hands the decoder (`decodePromptMode`: strip, bracket, unbracket). */
function promptSource(raw: string): string {
  let s = pyStripChars(raw, "`\n ");
  if (!s.startsWith("[")) s = "[" + s;
  if (!s.endsWith("]")) s = s + "]";
  return s.slice(1, -1);
}

describe("fast Java/JavaScript call recogniser agrees with tree-sitter", () => {
  it.skipIf(!existsSync(DATA))("on every Java/JavaScript prompt-mode output of the bench workload", () => {
    let answered = 0;
    let total = 0;
    for (const line of buildCheckWorkload(DATA)) {
      if (line.mode !== "prompt") continue;
      const doc = JSON.parse(line.text) as { category: string; model_output: string };
      const language: Lang | undefined = doc.category === "simple_java" ? "java" : doc.category === "simple_javascript" ? "javascript" : undefined;
      if (language === undefined) continue;
      total++;
      if (agree(promptSource(doc.model_output), language)) answered++;
    }
    expect(total).toBeGreaterThan(400);
    // the correct and call-mutated outputs are in the subset
    expect(answered).toBeGreaterThan(total / 2);
  }, 120_000);

  // every reserved or contextual word of either language, in each position the recogniser accepts
  const WORDS = (
    "abstract assert boolean break byte case catch char class const continue default do double else enum exports extends " +
    "final finally float for goto if implements import instanceof int interface long module native new non open opens " +
    "package permits private protected provides public record requires return sealed short static strictfp super switch " +
    "synchronized this throw throws to transient transitive try uses var void volatile when while with yield true false " +
    "null arguments as async await debugger delete eval export from function get in let meta of set target typeof " +
    "undefined NaN Infinity _ $ $_ __proto__ constructor prototype"
  ).split(" ");
  it.each(WORDS.map((w) => [w]))("the word %s, in every position", (w) => {
    for (const language of ["java", "javascript"] as const)
      for (const src of [`${w}(a="x")`, `A.${w}(a="x")`, `${w}.f(a="x")`, `${w}.${w}.${w}(a="x")`, `f(${w}="x")`, `f(a="x", ${w}="y")`, `f(${w} = "x" , b="y")`, `f(${w}="x", ${w}="y")`])
        agree(src, language);
  });

  const cases: [string, Lang, boolean][] = [
    ['Obj.method(a="x", b = "y" )', "java", true],
    [' f(a="x") ', "java", true],
    ['f(a="")', "java", true],
    ["f()", "java", false],
    ['f(a="x",)', "java", false],
    ['f(a="x"), g(b="y")', "java", false],
    ['f(a="x"', "java", false],
    ["f(a='x')", "java", false],
    ['f(a="x\\"y")', "java", false],
    ['f(a="x", a="y")', "java", false],
    ['new(a="x")', "java", false],
    ['f(a="é")', "java", false],
    ['A.b.c(a="x", b=\'y\')', "javascript", true],
    ['f(a="x",)', "javascript", false],
    ['f (a="x")', "javascript", false],
    ['a. b(a="x")', "javascript", false],
  ];
  it.each(cases)("%s (%s)", (source, language, answers) => {
    expect(agree(source, language)).toBe(answers);
  });

  const ident = fc.constantFrom("f", "a", "Obj", "_x", "$y", "x1", "new", "this", "record", "var", "let", "of", "_", "undefined", "int", "async", "to", "from", "meta", "when", "yield", "static", "case", "default", "in", "get");
  const piece = fc.constantFrom(
    "",
    " ",
    "  ",
    "x",
    "hello world",
    "a,b",
    "(",
    ")",
    "'",
    '"',
    "\\",
    "=",
    "//",
    "/*",
    "*/",
    "${x}",
    "\n",
    "\t",
    "é",
    "\u2028",
    "<!--",
    "-->",
    "new Path('/x')",
    '"""',
  );
  const str = fc.tuple(fc.constantFrom('"', "'"), fc.array(piece, { maxLength: 4 }), fc.boolean()).map(([q, xs, close]) => q + xs.join("") + (close ? q : ""));
  const sp = fc.constantFrom("", "", " ", "  ", "\t", "\n");
  const arg = fc.tuple(ident, sp, fc.constantFrom("=", "=", "==", ":"), sp, str).map((xs) => xs.join(""));
  const callText = fc
    .tuple(sp, fc.array(ident, { minLength: 1, maxLength: 3 }), fc.constantFrom(".", ".", ". ", " ."), sp, fc.constantFrom("(", "(", "[ "), fc.array(fc.tuple(sp, arg, sp), { maxLength: 4 }), fc.constantFrom(",", ",", ", ", " ,"), fc.constantFrom(")", ")", ")", "", "),", ");", ") x"), sp)
    .map(([a, names, dot, b, open, args, comma, close, c]) => a + names.join(dot) + b + open + args.map((x) => x.join("")).join(comma) + close + c);
  const mutated = fc.tuple(callText, fc.nat(200), fc.nat(200), fc.constantFrom("", " ", '"', "'", ",", "(", ")", "=", "\\", ".", "a", "é")).map(([s, i, j, ins]) => {
    const a = i % (s.length + 1);
    const b = Math.min(s.length, a + (j % 3));
    return s.slice(0, a) + ins + s.slice(b);
  });

  // mostly well-formed calls (what the fast path answers), with an occasional odd token
  const plainIdent = fc.oneof({ weight: 8, arbitrary: fc.constantFrom("f", "a", "Obj", "_x", "$y", "x1", "getValue", "B2") }, { weight: 1, arbitrary: ident });
  const plainPiece = fc.oneof({ weight: 8, arbitrary: fc.constantFrom("", " ", "x", "hello world", "a,b", "(", ")", "=", "//", "/*", "${x}", "new Path('/x')", "1.5", "[1, 2]") }, { weight: 1, arbitrary: piece });
  const plainStr = fc.tuple(fc.constantFrom('"', '"', "'"), fc.array(plainPiece, { maxLength: 4 })).map(([q, xs]) => q + xs.join("") + q);
  const plainSp = fc.constantFrom("", "", "", " ", "  ");
  const plainCall = fc
    .tuple(plainSp, fc.array(plainIdent, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(plainIdent, plainSp, plainSp, plainStr), { minLength: 1, maxLength: 4 }), fc.constantFrom(",", ", ", " , "), plainSp)
    .map(([a, names, args, comma, c]) => `${a}${names.join(".")}(${args.map(([k, s1, s2, v]) => `${k}${s1}=${s2}${v}`).join(comma)})${c}`);

  for (const language of ["java", "javascript"] as const) {
    it(`on generated well-formed calls (${language})`, () => {
      let answered = 0;
      fc.assert(
        fc.property(plainCall, (s) => {
          if (agree(s, language)) answered++;
        }),
        { numRuns: 3000 },
      );
      expect(answered).toBeGreaterThan(300);
    });
    it(`on mutated well-formed calls (${language})`, () => {
      const m = fc.tuple(plainCall, fc.nat(200), fc.nat(200), fc.constantFrom("", " ", '"', "'", ",", "(", ")", "=", "\\", ".", "a", "é", "\n", "==")).map(([s, i, j, ins]) => {
        const a = i % (s.length + 1);
        const b = Math.min(s.length, a + (j % 3));
        return s.slice(0, a) + ins + s.slice(b);
      });
      fc.assert(
        fc.property(m, (s) => {
          agree(s, language);
        }),
        { numRuns: 3000 },
      );
    });
    it(`on generated call-shaped text (${language})`, () => {
      fc.assert(
        fc.property(callText, (s) => {
          agree(s, language);
        }),
        { numRuns: 2500 },
      );
    });
    it(`on mutated call text (${language})`, () => {
      fc.assert(
        fc.property(mutated, (s) => {
          agree(s, language);
        }),
        { numRuns: 2500 },
      );
    });
  }
});
