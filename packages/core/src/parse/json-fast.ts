import { PyDict, PyFloat, pyInt, type PyValue } from "../check/pyvalue.js";

/**
 * A direct reader for well-formed JSON into {@link PyValue}s, in front of {@link PyJsonParser}:
 * the same values (ints and floats apart, `NaN` / `Infinity`, full-precision big ints, duplicate
 * keys keeping their first position and last value), read with module-level state and no error
 * bookkeeping. On anything it does not accept — malformed input, nesting deeper than `maxDepth` —
 * it gives up (returns undefined) and the caller runs the general parser, which gives the value or
 * the exact error. json-fast.test.ts checks the two agree.
 */

/** The read position once the reader has given up: every character read there is NaN. */
const GAVE_UP = 2 ** 30;

let s = "";
let p = 0;
let depth = 0;
let maxDepth = 256;

/** The rest of a string literal after its opening quote, then `"` (one way to match). */
const STRING_BODY = /[^"\\]*(?:\\[\s\S][^"\\]*)*"/y;

function bail<T>(dummy: T): T {
  p = GAVE_UP;
  return dummy;
}

/** Skip JSON whitespace; returns the character code at the new position. */
function ws(): number {
  let c = s.charCodeAt(p);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++p);
  return c;
}

function str(): string {
  const a = p + 1;
  let e = a;
  for (;;) {
    const c = s.charCodeAt(e);
    if (c === 34) {
      p = e + 1;
      return s.slice(a, e);
    }
    if (c === 92) break;
    // a control character, or the end (NaN)
    if (!(c >= 32)) return bail("");
    e++;
  }
  // escapes: the engine unescapes and validates the literal (JSON's escapes are Python's)
  STRING_BODY.lastIndex = a;
  if (!STRING_BODY.test(s)) return bail("");
  const end = STRING_BODY.lastIndex;
  let v: string;
  try {
    v = JSON.parse(s.slice(a - 1, end)) as string;
  } catch {
    return bail("");
  }
  p = end;
  return v;
}

function num(): PyValue {
  const a = p;
  let c = s.charCodeAt(p);
  if (c === 45) c = s.charCodeAt(++p);
  const intStart = p;
  if (c === 48) c = s.charCodeAt(++p);
  else if (c >= 49 && c <= 57) {
    do c = s.charCodeAt(++p);
    while (c >= 48 && c <= 57);
  } else return bail(null);
  const intDigits = p - intStart;
  let isFloat = false;
  if (c === 46) {
    const d = s.charCodeAt(p + 1);
    if (!(d >= 48 && d <= 57)) return bail(null);
    p += 2;
    c = s.charCodeAt(p);
    while (c >= 48 && c <= 57) c = s.charCodeAt(++p);
    isFloat = true;
  }
  if (c === 101 || c === 69) {
    let q = p + 1;
    let d = s.charCodeAt(q);
    if (d === 43 || d === 45) d = s.charCodeAt(++q);
    if (!(d >= 48 && d <= 57)) return bail(null);
    p = q;
    do c = s.charCodeAt(++p);
    while (c >= 48 && c <= 57);
    isFloat = true;
  }
  const text = s.slice(a, p);
  if (isFloat) return new PyFloat(Number(text));
  if (intDigits <= 15) {
    const v = Number(text);
    return v === 0 ? 0 : v; // Python ints have no negative zero
  }
  if (intDigits > 4300) return bail(null);
  return pyInt(BigInt(text));
}

function value(c: number): PyValue {
  switch (c) {
    case 34:
      return str();
    case 123:
      return obj();
    case 91:
      return arr();
    case 116:
      if (s.startsWith("true", p)) {
        p += 4;
        return true;
      }
      break;
    case 102:
      if (s.startsWith("false", p)) {
        p += 5;
        return false;
      }
      break;
    case 110:
      if (s.startsWith("null", p)) {
        p += 4;
        return null;
      }
      break;
    case 78:
      if (s.startsWith("NaN", p)) {
        p += 3;
        return new PyFloat(NaN);
      }
      break;
    case 73:
      if (s.startsWith("Infinity", p)) {
        p += 8;
        return new PyFloat(Infinity);
      }
      break;
    case 45:
      if (s.startsWith("-Infinity", p)) {
        p += 9;
        return new PyFloat(-Infinity);
      }
      return num();
    default:
      if (c >= 48 && c <= 57) return num();
  }
  return bail(null);
}

function arr(): PyValue[] {
  if (++depth > maxDepth) return bail([]);
  p++;
  let c = ws();
  const out: PyValue[] = [];
  if (c === 93) {
    p++;
    depth--;
    return out;
  }
  for (;;) {
    out.push(value(c));
    c = ws();
    if (c === 44) {
      p++;
      c = ws();
      continue;
    }
    if (c === 93) {
      p++;
      depth--;
      return out;
    }
    return bail(out);
  }
}

function obj(): PyDict {
  if (++depth > maxDepth) return bail(new PyDict());
  p++;
  let c = ws();
  if (c === 125) {
    p++;
    depth--;
    return new PyDict();
  }
  const keys: string[] = [];
  const vals: PyValue[] = [];
  for (;;) {
    if (c !== 34) return bail(new PyDict());
    keys.push(str());
    if (ws() !== 58) return bail(new PyDict());
    p++;
    vals.push(value(ws()));
    c = ws();
    if (c === 44) {
      p++;
      c = ws();
      continue;
    }
    if (c === 125) {
      p++;
      depth--;
      break;
    }
    return bail(new PyDict());
  }
  const n = keys.length;
  if (n <= 16) {
    let distinct = true;
    outer: for (let i = 1; i < n; i++) {
      const k = keys[i];
      for (let j = 0; j < i; j++)
        if (keys[j] === k) {
          distinct = false;
          break outer;
        }
    }
    if (distinct) return PyDict.ofDistinctStrings(keys, vals);
  }
  const d = new PyDict();
  for (let i = 0; i < n; i++) d.set(keys[i]!, vals[i]!);
  return d;
}

/**
 * The value of `text` when it is well-formed JSON nested at most `limit` deep, else undefined
 * (the caller then parses it the general way). @internal
 */
export function fastParsePyJson(text: string, limit: number): PyValue | undefined {
  s = text;
  p = 0;
  depth = 0;
  maxDepth = limit;
  const v = value(ws());
  ws();
  const ok = p === text.length;
  s = "";
  return ok ? v : undefined;
}
