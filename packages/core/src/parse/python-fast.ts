import { PyDict, PyFloat, type PyValue } from "../check/pyvalue.js";

/**
 * A direct decoder for the common shape of prompt-mode Python output, `[f(a=1, b='x'), g.h(c=[1.5, -2])]`,
 * that resolves the calls while reading them, with no tokens and no AST. It answers only a strict
 * subset of Python, where its result is by construction the one {@link decodePythonCalls} builds
 * through the full tokenizer, parser and `resolve_ast_call`; on anything else (an escape, a
 * positional argument, an operator, a comment, a keyword as a name, a bare name, a tuple or set,
 * deep nesting, …) it returns undefined and the caller takes the full path, which gives the result
 * or the error. python-fast.test.ts checks the two agree.
 *
 * The subset: `[` calls separated by `,` (a trailing one allowed) `]` spanning the whole input;
 * a call is ASCII dotted names `a.b.c`, then `(` keyword arguments `name=value` `)`, names
 * distinct; a value is a plain one-line string literal without backslashes (`'…'` or `"…"`), a
 * decimal int of at most 15 digits, a float `digits.digits[e±digits]` / `digits e±digits`, either
 * with one `-` in front, `True` / `False` / `None`, or a list / dict (literal keys) of values.
 * Whitespace: space, tab and newline between tokens (all inside brackets).
 */

const KEYWORDS = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
  "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
  "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]);

const MAX_NEST = 20;

/** A placeholder call for a reader that gave up (never returned). */
const EMPTY = new PyDict();

/**
 * The read position once the reader has given up: past the end of any input (inputs are at most
 * 16M characters), so every character read there is NaN, which no check accepts, and every loop
 * ends at once. Giving up this way costs nothing (a throw costs about a microsecond).
 */
const GAVE_UP = 2 ** 30;

let s = "";
let p = 0;

/** Give up on this input; returns `dummy` for the caller to pass up (it is never used). */
function bail<T>(dummy: T): T {
  p = GAVE_UP;
  return dummy;
}

/** A Python keyword (all are 2 to 8 characters). */
function isKeyword(n: string): boolean {
  return n.length >= 2 && n.length <= 8 && KEYWORDS.has(n);
}

function ws(): void {
  for (;;) {
    const c = s.charCodeAt(p);
    if (c === 32 || c === 10 || c === 9) p++;
    else return;
  }
}

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdContinue(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/** An ASCII identifier at `p`; bails when one does not start there or it runs into a non-ASCII character. */
function name(): string {
  const a = p;
  if (!isIdStart(s.charCodeAt(p))) return bail("");
  p++;
  while (isIdContinue(s.charCodeAt(p))) p++;
  if (s.charCodeAt(p) > 0x7f) return bail("");
  return s.slice(a, p);
}

function str(q: number): string {
  const a = p + 1;
  let e = a;
  for (;;) {
    const c = s.charCodeAt(e);
    if (c === q) break;
    // NaN (the end), a backslash, a control character (newline included)
    if (!(c >= 32) || c === 92) return bail("");
    if (c >= 0xd800 && c <= 0xdfff) {
      // a surrogate pair only (a lone surrogate is not source text)
      const d = s.charCodeAt(e + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return bail("");
      e++;
    }
    e++;
  }
  // `''` followed by a quote opens a triple-quoted string
  if (e === a && s.charCodeAt(e + 1) === q) return bail("");
  p = e + 1;
  return s.slice(a, e);
}

/** A number at `p` (a digit): a JS number for an int, a PyFloat for a float; `neg` negates it as BFCL's unary minus does. */
function num(neg: boolean): PyValue {
  const a = p;
  let c = s.charCodeAt(p);
  if (c === 48) {
    p++;
    c = s.charCodeAt(p);
    if (c >= 48 && c <= 57) return bail(null);
  } else {
    while (c >= 48 && c <= 57) c = s.charCodeAt(++p);
  }
  if (p - a > 15) return bail(null);
  let isFloat = false;
  if (c === 46) {
    p++;
    c = s.charCodeAt(p);
    if (!(c >= 48 && c <= 57)) return bail(null);
    while (c >= 48 && c <= 57) c = s.charCodeAt(++p);
    isFloat = true;
  }
  if (c === 101 || c === 69) {
    p++;
    c = s.charCodeAt(p);
    if (c === 43 || c === 45) c = s.charCodeAt(++p);
    if (!(c >= 48 && c <= 57)) return bail(null);
    while (c >= 48 && c <= 57) c = s.charCodeAt(++p);
    isFloat = true;
  }
  // anything number-like or name-like right after (`1_0`, `1j`, `1.e`, `1x`, `1.5.2`) is not this subset
  if (c === 46 || isIdContinue(c) || c > 0x7f) return bail(null);
  const v = Number(s.slice(a, p));
  if (isFloat) return new PyFloat(neg ? -v : v);
  return neg ? (v === 0 ? 0 : -v) : v;
}

function value(depth: number): PyValue {
  const c = s.charCodeAt(p);
  if (c === 39 || c === 34) return str(c);
  if (c >= 48 && c <= 57) return num(false);
  if (c === 45) {
    p++;
    const d = s.charCodeAt(p);
    if (!(d >= 48 && d <= 57)) return bail(null);
    return num(true);
  }
  if (c === 91) {
    if (depth >= MAX_NEST) return bail(null);
    p++;
    ws();
    const out: PyValue[] = [];
    if (s.charCodeAt(p) === 93) {
      p++;
      return out;
    }
    for (;;) {
      out.push(value(depth + 1));
      ws();
      let d = s.charCodeAt(p);
      if (d === 44) {
        p++;
        ws();
        d = s.charCodeAt(p);
        if (d !== 93) continue;
      }
      if (d !== 93) return bail(null);
      p++;
      return out;
    }
  }
  if (c === 123) {
    if (depth >= MAX_NEST) return bail(null);
    p++;
    ws();
    const d = new PyDict();
    if (s.charCodeAt(p) === 125) {
      p++;
      return d;
    }
    for (;;) {
      const kc = s.charCodeAt(p);
      // literal keys only (all hashable): a string, a number, True / False / None
      if (kc === 91 || kc === 123) return bail(null);
      const k = value(depth + 1);
      ws();
      if (s.charCodeAt(p) !== 58) return bail(null);
      p++;
      ws();
      d.set(k, value(depth + 1));
      ws();
      let e = s.charCodeAt(p);
      if (e === 44) {
        p++;
        ws();
        e = s.charCodeAt(p);
        if (e !== 125) continue;
      }
      if (e !== 125) return bail(null);
      p++;
      return d;
    }
  }
  if (c === 84 || c === 70 || c === 78) {
    const n = name();
    if (n === "True") return true;
    if (n === "False") return false;
    if (n === "None") return null;
  }
  return bail(null);
}

/**
 * Set by {@link fastPythonCalls} when it gave up on a top-level element that is a bare dotted
 * name (`[f(a=1), math.fact]`, as a truncated output leaves it): such a list is no list of calls
 * whatever follows, so the full decoder surely fails.
 */
export let fastSawBareName = false;

/** One call at `p`: dotted name, `(`, keyword arguments, `)`. */
function call(): PyDict {
  let fn = name();
  if (isKeyword(fn)) return bail(EMPTY);
  while (s.charCodeAt(p) === 46) {
    p++;
    const part = name();
    if (isKeyword(part)) return bail(EMPTY);
    fn += "." + part;
  }
  ws();
  if (s.charCodeAt(p) !== 40) {
    const c = s.charCodeAt(p);
    if (c === 44 || c === 93) fastSawBareName = true;
    return bail(EMPTY);
  }
  p++;
  ws();
  const args = new PyDict();
  if (s.charCodeAt(p) !== 41) {
    for (;;) {
      const k = name();
      if (isKeyword(k)) return bail(EMPTY);
      ws();
      if (s.charCodeAt(p) !== 61 || s.charCodeAt(p + 1) === 61) return bail(EMPTY);
      p++;
      ws();
      if (args.has(k)) return bail(EMPTY);
      args.set(k, value(1));
      ws();
      let c = s.charCodeAt(p);
      if (c === 44) {
        p++;
        ws();
        c = s.charCodeAt(p);
        if (c !== 41) continue;
      }
      if (c !== 41) return bail(EMPTY);
      break;
    }
  }
  p++;
  return new PyDict([fn], [args]);
}

/**
 * The decoded calls of `src` (already cleaned as {@link decodePythonCalls} cleans it) when it is in
 * the subset this reader knows, else undefined.
 */
export function fastPythonCalls(src: string): PyValue[] | undefined {
  fastSawBareName = false;
  if (src.charCodeAt(0) !== 91) return undefined;
  s = src;
  p = 1;
  const out: PyValue[] = [];
  ws();
  if (s.charCodeAt(p) !== 93) {
    for (;;) {
      out.push(call());
      ws();
      let c = s.charCodeAt(p);
      if (c === 44) {
        p++;
        ws();
        c = s.charCodeAt(p);
        if (c !== 93) continue;
      }
      // also where the reader gave up (NaN)
      if (c !== 93) p = GAVE_UP;
      break;
    }
  }
  s = "";
  return p + 1 === src.length ? out : undefined;
}

/**
 * True when `src` (cleaned as {@link decodePythonCalls} cleans it) is certainly not a Python
 * expression, found from its brackets alone: a closing bracket with no opening one or of another
 * kind, a bracket never closed, or a one-line string literal that runs into a line break or the
 * end. CPython's tokenizer refuses all of these whatever the grammar around them, and no valid
 * expression has unbalanced brackets. The scan knows plain `'…'` / `"…"` literals and `#`
 * comments; on anything it cannot place with certainty (a string prefix, a triple quote, a
 * backslash) it answers false, and the caller takes the full path. python-fast.test.ts checks
 * that the full decoder fails on every input this answers true for.
 */
export function pythonSurelyFails(src: string): boolean {
  const stack: number[] = [];
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const c = src.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      stack.push(c);
    } else if (c === 41 || c === 93 || c === 125) {
      const open = stack.pop();
      if (open === undefined) return true;
      if ((c === 41 && open !== 40) || (c === 93 && open !== 91) || (c === 125 && open !== 123)) return true;
    } else if (c === 39 || c === 34) {
      // a prefix (`r'`, `b"`, `f'`…) or anything name-like right before: not placed here
      const b = i > 0 ? src.charCodeAt(i - 1) : 32;
      if (isIdContinue(b) || b > 0x7f) return false;
      if (src.charCodeAt(i + 1) === c && src.charCodeAt(i + 2) === c) return false;
      let j = i + 1;
      for (;;) {
        if (j >= n) return true;
        const d = src.charCodeAt(j);
        if (d === c) break;
        if (d === 92) return false;
        if (d === 10 || d === 13) return true;
        j++;
      }
      i = j;
    } else if (c === 35) {
      while (i < n && src.charCodeAt(i) !== 10 && src.charCodeAt(i) !== 13) i++;
    } else if (c === 92) {
      return false;
    }
  }
  return stack.length > 0;
}

