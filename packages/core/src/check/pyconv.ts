/**
 * Python builtin semantics that BFCL's checker and type converters rely on.
 *
 * BFCL converts model output with `int(s)`, `float(s)`, `s.strip()`, `s[1:-1]` and the `re`
 * module. Their JavaScript look-alikes (`parseInt`, `Number`, `trim`, `slice`, `RegExp`) differ
 * in many corner cases (Unicode digits and whitespace, underscores, `inf`/`nan`, code points
 * versus UTF-16 units, Python's 4300-digit limit…). The functions here reproduce CPython 3.11.
 */
import { pyInt } from "./pyvalue.js";

// ---------------------------------------------------------------------------------------------
// Character classes

/** Code-point ranges of Python's `str.isspace()` (`Py_UNICODE_ISSPACE`), which `str.strip()` and `re`'s `\s` use. */
const PY_SPACE_RANGES: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x1c, 0x20],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

/** Python `chr(cp).isspace()`. */
export function isPySpace(cp: number): boolean {
  if (cp < 0x85) return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20);
  for (const [lo, hi] of PY_SPACE_RANGES) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

/**
 * RegExp source fragments with the meaning of Python `re` on `str` patterns. Use them with the
 * `u` flag (the `\p{…}` classes need it, and it makes the engine step by code point as Python does).
 */
export const PY_RE = {
  /** Python `\s`: `str.isspace()` characters (JS `\s` adds U+FEFF and lacks U+001C–U+001F, U+0085). */
  space: "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
  /** Python `\d`: Unicode decimal digits (category Nd). */
  digit: "\\p{Nd}",
  /** Python `\w`: `str.isalnum()` characters and `_`. */
  word: "[\\p{L}\\p{N}_]",
  /** Python `.` without DOTALL: anything but "\n" (JS `.` also stops at \r, U+2028, U+2029). */
  any: "[^\\n]",
  /** Python `.` with DOTALL. */
  anyDotAll: "[\\s\\S]",
  /** Python `$` without MULTILINE: the end, or just before a final "\n". */
  end: "(?=\\n?$)",
} as const;

// ---------------------------------------------------------------------------------------------
// Unicode decimal digits

const ND = /^\p{Nd}$/u;
const decimalCache = new Map<number, number>();

/**
 * Decimal value of a code point (Python `unicodedata.decimal`), or -1. Unicode encodes every
 * decimal digit set as a contiguous run 0…9, and adjacent runs (the mathematical digits) are
 * whole sets, so the value is the distance from the start of the run, modulo 10.
 */
function decimalValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (cp < 0x80) return -1;
  const cached = decimalCache.get(cp);
  if (cached !== undefined) return cached;
  let v = -1;
  if (ND.test(String.fromCodePoint(cp))) {
    let start = cp;
    while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
    v = (cp - start) % 10;
  }
  decimalCache.set(cp, v);
  return v;
}

/**
 * CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`, which `int(str)` and `float(str)` run
 * first: ASCII stays, other whitespace becomes " ", other decimal digits become ASCII digits, and
 * anything else becomes "?" (which no number grammar accepts).
 */
function toAsciiNumberText(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (isPySpace(cp)) out += " ";
    else {
      const d = decimalValue(cp);
      out += d >= 0 ? String.fromCharCode(0x30 + d) : "?";
    }
  }
  return out;
}

/** `Py_ISSPACE`: the ASCII whitespace `int()`/`float()` skip after the transform (no U+001C–U+001F). */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function trimAsciiSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isAsciiSpace(s.charCodeAt(a))) a++;
  while (b > a && isAsciiSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// ---------------------------------------------------------------------------------------------
// int(), float()

/** Python's default `sys.get_int_max_str_digits()`: `int(str)` refuses longer decimal strings. */
export const PY_INT_MAX_STR_DIGITS = 4300;

const INT_BODY = /^[+-]?[0-9]+(?:_[0-9]+)*$/;

/**
 * Python `int(s)` for a `str` (base 10). Returns `undefined` where Python raises `ValueError`:
 * anything but optional surrounding whitespace, an optional sign and decimal digits (any Unicode
 * decimal digits) with single underscores between them; also more than 4300 digits, which
 * CPython ≥ 3.11 refuses (`sys.int_info.default_max_str_digits`). The result is normalised with
 * {@link pyInt}.
 */
export function pyIntFromString(s: string): number | bigint | undefined {
  const t = trimAsciiSpace(toAsciiNumberText(s));
  if (!INT_BODY.test(t)) return undefined;
  const digits = t.includes("_") ? t.replace(/_/g, "") : t;
  const unsigned = digits.charCodeAt(0) === 0x2b || digits.charCodeAt(0) === 0x2d ? digits.length - 1 : digits.length;
  if (unsigned > PY_INT_MAX_STR_DIGITS) return undefined;
  if (unsigned <= 15) {
    const n = Number(digits);
    return n === 0 ? 0 : n;
  }
  return pyInt(BigInt(digits));
}

const FLOAT_BODY = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const FLOAT_SPECIAL = /^([+-]?)(?:(inf|infinity)|nan)$/i;

/**
 * CPython's `_Py_string_to_number_with_underscores` check: an underscore must follow a digit
 * and precede a digit. Returns the text without underscores, or undefined.
 */
function dropFloatUnderscores(s: string): string | undefined {
  if (!s.includes("_")) return s;
  let out = "";
  let prev = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      if (!(prev >= 0x30 && prev <= 0x39)) return undefined;
    } else {
      if (prev === 0x5f && !(c >= 0x30 && c <= 0x39)) return undefined;
      out += s[i];
    }
    prev = c;
  }
  return prev === 0x5f ? undefined : out;
}

/**
 * Python `float(s)` for a `str`. Returns `undefined` where Python raises `ValueError`. Accepts
 * surrounding whitespace, a sign, decimal digits (any Unicode decimal digits) with single
 * underscores between digits, an optional fraction and exponent, and `inf`, `infinity`, `nan`
 * in any case. Values too large become ±Infinity, as in Python.
 */
export function pyFloatFromString(s: string): number | undefined {
  const u = dropFloatUnderscores(toAsciiNumberText(s));
  if (u === undefined) return undefined;
  const t = trimAsciiSpace(u);
  if (FLOAT_BODY.test(t)) return Number(t);
  const m = FLOAT_SPECIAL.exec(t);
  if (m === null) return undefined;
  if (m[2] === undefined) return NaN;
  return m[1] === "-" ? -Infinity : Infinity;
}

// ---------------------------------------------------------------------------------------------
// str methods

/** True when `s` has a UTF-16 surrogate (so code points and UTF-16 units differ). */
function hasSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/**
 * Python `s.strip(chars)`: removes code points from both ends; with no `chars`, Python's
 * whitespace ({@link isPySpace}), which is not JavaScript's `trim()` set.
 */
export function pyStrip(s: string, chars?: string): string {
  let test: (cp: number) => boolean;
  if (chars === undefined) test = isPySpace;
  else {
    const set = new Set<number>();
    for (const ch of chars) set.add(ch.codePointAt(0)!);
    test = (cp) => set.has(cp);
  }
  if (!hasSurrogate(s)) {
    let a = 0;
    let b = s.length;
    while (a < b && test(s.charCodeAt(a))) a++;
    while (b > a && test(s.charCodeAt(b - 1))) b--;
    return a === 0 && b === s.length ? s : s.slice(a, b);
  }
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  while (a < b && test(cps[a]!.codePointAt(0)!)) a++;
  while (b > a && test(cps[b - 1]!.codePointAt(0)!)) b--;
  return cps.slice(a, b).join("");
}

/**
 * Python `s[start:end]` on a `str`: indexes code points, negative indexes count from the end,
 * out-of-range indexes are clamped (so `"x"[1:-1]` is `""`).
 */
export function pySlice(s: string, start?: number, end?: number): string {
  if (!hasSurrogate(s)) return s.slice(start ?? 0, end ?? s.length);
  const cps = Array.from(s);
  return cps.slice(start ?? 0, end ?? cps.length).join("");
}
