/**
 * A fast recogniser for the common shape of a Java or JavaScript call in prompt mode,
 * `Name.name(arg="text", other="text")`, that produces exactly what the tree-sitter decoders
 * ({@link parseJavaFunctionCall}, `parseJavaScriptFunctionCall`) produce for it, without running
 * tree-sitter (a tree-sitter parse plus walking the tree through the Node binding costs about a
 * hundred times more).
 *
 * It is deliberately narrow: printable ASCII only; a dotted name of plain identifiers (no reserved
 * word, no spaces); at least one argument; every argument `identifier = string`
 * with a string literal free of backslashes (double quotes for Java; double or single quotes for
 * JavaScript); spaces (only U+0020) between tokens; no duplicate argument names; nothing after the
 * closing parenthesis. For every such input tree-sitter-java 0.21.0 yields
 * `(program (expression_statement (method_invocation …) (MISSING ";")))` and
 * tree-sitter-javascript 0.21.4 `(program (expression_statement (call_expression …)))`, with one
 * `assignment_expression` per argument and no ERROR node. Anything else returns `undefined` and the
 * caller runs tree-sitter. `fast-call.test.ts` checks it against tree-sitter on the benchmark
 * workload and on generated and mutated inputs.
 *
 * @internal
 */
import { PyDict, type PyValue } from "../check/pyvalue.js";

/**
 * Words never taken as a plain identifier here. Java: the reserved keywords (JLS 3.9, `const` and
 * `goto` included), the literals, `_` and `yield`. JavaScript: the reserved words (ES2023 12.7.2,
 * strict mode's included), the literals and `await`. Contextual words outside these lists
 * (`record`, `var`, `to`, `from`, `of`, `get`, `async`…) parse as plain identifiers in every position
 * the recogniser accepts; `fast-call.test.ts` checks each against tree-sitter.
 */
const JAVA_RESERVED: ReadonlySet<string> = new Set(
  (
    "abstract assert boolean break byte case catch char class const continue default do double else enum extends final " +
    "finally float for goto if implements import instanceof int interface long native new package private protected " +
    "public return short static strictfp super switch synchronized this throw throws transient try void volatile while " +
    "true false null _ yield"
  ).split(" "),
);
const JS_RESERVED: ReadonlySet<string> = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends finally for function if " +
    "import in instanceof new return super switch this throw try typeof var void while with yield let static implements " +
    "interface package private protected public null true false await"
  ).split(" "),
);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** End of the identifier at `p`, or -1 when there is none or it is a reserved word. */
function identEnd(s: string, p: number, reserved: ReadonlySet<string>): number {
  if (!isIdentStart(s.charCodeAt(p))) return -1;
  let q = p + 1;
  while (isIdentPart(s.charCodeAt(q))) q++;
  if (reserved.has(s.slice(p, q))) return -1;
  return q;
}

function skipSpaces(s: string, p: number): number {
  while (s.charCodeAt(p) === 32) p++;
  return p;
}

/**
 * `[{name: {arg: value, …}}]` for a call in the recognised subset (see the module comment), where
 * each value is the string literal's content; `undefined` for any other input.
 */
export function fastCall(source: string, language: "java" | "javascript"): PyValue[] | undefined {
  const n = source.length;
  const reserved = language === "java" ? JAVA_RESERVED : JS_RESERVED;
  let p = skipSpaces(source, 0);
  // the dotted name
  const nameStart = p;
  for (;;) {
    const e = identEnd(source, p, reserved);
    if (e < 0) return undefined;
    p = e;
    if (source.charCodeAt(p) !== 46) break;
    p++;
  }
  const name = source.slice(nameStart, p);
  if (source.charCodeAt(p) !== 40) return undefined;
  p = skipSpaces(source, p + 1);
  const args = new PyDict();
  for (;;) {
    const keyStart = p;
    const keyEnd = identEnd(source, p, reserved);
    if (keyEnd < 0) return undefined;
    const key = source.slice(keyStart, keyEnd);
    p = skipSpaces(source, keyEnd);
    if (source.charCodeAt(p) !== 61) return undefined;
    p = skipSpaces(source, p + 1);
    const quote = source.charCodeAt(p);
    if (quote !== 34 && !(quote === 39 && language === "javascript")) return undefined;
    const valueStart = p + 1;
    let q = valueStart;
    for (;;) {
      const c = source.charCodeAt(q);
      if (c === quote) break;
      // printable ASCII only: no backslash (escapes), no control characters, no end of input
      if (!(c >= 32 && c <= 126) || c === 92) return undefined;
      q++;
    }
    if (args.has(key)) return undefined;
    args.set(key, source.slice(valueStart, q));
    p = skipSpaces(source, q + 1);
    const c = source.charCodeAt(p);
    if (c === 44) {
      p = skipSpaces(source, p + 1);
      continue;
    }
    if (c !== 41) return undefined;
    p = skipSpaces(source, p + 1);
    break;
  }
  if (p !== n) return undefined;
  // Java's decoder strips the literal's first and last character, JavaScript's one pair of
  // matching quotes: for these literals both give the content
  return [new PyDict([name], [args])];
}
