import { LimitError, ParseError } from "../errors.js";
import { PyDict, PyFloat, pyInt, type PyValue } from "../check/pyvalue.js";
import { fastParsePyJson } from "./json-fast.js";

/** Limits for {@link parsePyJson}. */
export interface PyJsonOptions {
  /**
   * Maximum nesting depth of arrays and objects.
   * @default 256
   */
  maxDepth?: number;
  /**
   * Maximum input length in UTF-16 code units.
   * @default 16_777_216
   */
  maxLength?: number;
  /** Label used in error messages. @default "json" */
  grammar?: string;
}

const DEFAULT_MAX_DEPTH = 256;
const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;

/**
 * Parse JSON exactly as Python's `json.loads` does, into {@link PyValue}s:
 * `1` is an int and `1.0` a float, integers keep full precision, `NaN`, `Infinity` and
 * `-Infinity` are accepted, control characters inside strings are rejected, duplicate keys
 * keep the last value (at the first key's position), and trailing data is an error.
 *
 * Never evaluates anything; fails with {@link ParseError} (or {@link LimitError}) and the offset.
 */
export function parsePyJson(text: string, options: PyJsonOptions = {}): PyValue {
  // well-formed input the direct reader takes; anything else (and every error) the general parser
  if (text.length <= (options.maxLength ?? DEFAULT_MAX_LENGTH)) {
    const v = fastParsePyJson(text, options.maxDepth ?? DEFAULT_MAX_DEPTH);
    if (v !== undefined) return v;
  }
  const p = new PyJsonParser(text, options);
  return p.parseDocument();
}

/** {@link parsePyJson} without its fast path (the differential tests' reference). @internal */
export function parsePyJsonFull(text: string, options: PyJsonOptions = {}): PyValue {
  return new PyJsonParser(text, options).parseDocument();
}

/** Like {@link parsePyJson} but returns `undefined` instead of throwing on malformed input. */
export function tryParsePyJson(text: string, options: PyJsonOptions = {}): PyValue | undefined {
  try {
    return parsePyJson(text, options);
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

/**
 * The parser behind {@link parsePyJson}, exposed for callers that walk a document themselves
 * (e.g. to cache one member by its raw text). `pos` is the read position.
 */
export class PyJsonParser {
  pos = 0;
  private depth = 0;
  private readonly maxDepth: number;
  private readonly grammar: string;

  constructor(
    private readonly s: string,
    options: PyJsonOptions,
  ) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.grammar = options.grammar ?? "json";
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    if (s.length > maxLength) throw new LimitError(`input of ${s.length} characters exceeds the limit of ${maxLength}`, 0, this.grammar);
  }

  fail(msg: string, at = this.pos): never {
    throw new ParseError(msg, at, this.grammar);
  }

  /** The character code at `pos` (NaN at the end). */
  peek(): number {
    return this.s.charCodeAt(this.pos);
  }

  /**
   * Skip one value without building it and return its end offset; strings are skipped at regex
   * speed, containers by bracket counting. Only well-formedness of strings is checked; call
   * {@link value} on the slice to validate the rest.
   */
  skipValue(): number {
    const s = this.s;
    let depth = 0;
    let p = this.pos;
    for (;;) {
      if (p >= s.length) {
        if (depth === 0) break;
        this.fail("expecting value, found end of input", p);
      }
      const c = s.charCodeAt(p);
      if (c === 34) {
        p = this.skipString(p);
        if (depth === 0) break;
        continue;
      }
      if (c === 91 || c === 123) {
        if (++depth > this.maxDepth) throw new LimitError(`nesting deeper than ${this.maxDepth}`, p, this.grammar);
        p++;
        continue;
      }
      if (c === 93 || c === 125) {
        if (depth === 0) break;
        depth--;
        p++;
        if (depth === 0) break;
        continue;
      }
      if (depth === 0 && (c === 44 || c === 32 || c === 10 || c === 13 || c === 9)) break;
      p++;
    }
    this.pos = p;
    return p;
  }

  parseDocument(): PyValue {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos !== this.s.length) this.fail("extra data");
    return v;
  }

  /** Skip JSON whitespace. */
  ws(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  /** Parse one value at `pos`. */
  value(): PyValue {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    switch (c) {
      case 34 /* " */:
        return this.string();
      case 123 /* { */:
        return this.object();
      case 91 /* [ */:
        return this.array();
      case 116 /* t */:
        if (s.startsWith("true", this.pos)) {
          this.pos += 4;
          return true;
        }
        break;
      case 102 /* f */:
        if (s.startsWith("false", this.pos)) {
          this.pos += 5;
          return false;
        }
        break;
      case 110 /* n */:
        if (s.startsWith("null", this.pos)) {
          this.pos += 4;
          return null;
        }
        break;
      case 78 /* N */:
        if (s.startsWith("NaN", this.pos)) {
          this.pos += 3;
          return new PyFloat(NaN);
        }
        break;
      case 73 /* I */:
        if (s.startsWith("Infinity", this.pos)) {
          this.pos += 8;
          return new PyFloat(Infinity);
        }
        break;
      case 45 /* - */:
        if (s.startsWith("-Infinity", this.pos)) {
          this.pos += 9;
          return new PyFloat(-Infinity);
        }
        return this.number();
      default:
        if (c >= 48 && c <= 57) return this.number();
    }
    return this.fail(this.pos >= s.length ? "expecting value, found end of input" : "expecting value");
  }

  private number(): PyValue {
    const s = this.s;
    const start = this.pos;
    let p = start;
    if (s.charCodeAt(p) === 45) p++;
    const intStart = p;
    if (s.charCodeAt(p) === 48) p++;
    else {
      while (p < s.length && isDigit(s.charCodeAt(p))) p++;
    }
    if (p === intStart) this.fail("expecting value", start);
    let isFloat = false;
    if (s.charCodeAt(p) === 46 && isDigit(s.charCodeAt(p + 1))) {
      isFloat = true;
      p += 2;
      while (p < s.length && isDigit(s.charCodeAt(p))) p++;
    }
    const e = s.charCodeAt(p);
    if (e === 101 || e === 69) {
      let q = p + 1;
      const sign = s.charCodeAt(q);
      if (sign === 43 || sign === 45) q++;
      if (isDigit(s.charCodeAt(q))) {
        isFloat = true;
        p = q;
        while (p < s.length && isDigit(s.charCodeAt(p))) p++;
      }
    }
    this.pos = p;
    const text = s.slice(start, p);
    if (isFloat) return new PyFloat(Number(text));
    if (p - intStart <= 15) {
      const n = Number(text);
      return n === 0 ? 0 : n; // Python ints have no negative zero
    }
    if (p - intStart > 4300) throw new LimitError("integer literal longer than 4300 digits", start, this.grammar);
    return pyInt(BigInt(text));
  }

  /**
   * Offset of the next `"`, `\\` or control character at or after `from`, or -1. Short runs are
   * scanned inline; long ones jump at native regex speed (`test` allocates no match object).
   */
  private nextSpecial(from: number): number {
    const s = this.s;
    const end = Math.min(s.length, from + 24);
    for (let p = from; p < end; p++) {
      const c = s.charCodeAt(p);
      if (c === 34 || c === 92 || c < 32) return p;
    }
    if (end >= s.length) return -1;
    SPECIAL.lastIndex = end;
    return SPECIAL.test(s) ? SPECIAL.lastIndex - 1 : -1;
  }

  /** End offset of the string literal starting at `start` (a `"`), without building it. */
  private skipString(start: number): number {
    STRING_BODY.lastIndex = start + 1;
    if (!STRING_BODY.test(this.s)) this.fail("unterminated string", start);
    return STRING_BODY.lastIndex;
  }

  /** Parse a string at `pos` (which must be a `"`). */
  string(): string {
    const s = this.s;
    const start = this.pos;
    let p = this.nextSpecial(start + 1);
    if (p < 0) this.fail("unterminated string", start);
    if (s.charCodeAt(p) === 34) {
      this.pos = p + 1;
      return s.slice(start + 1, p);
    }
    if (s.charCodeAt(p) !== 92) this.fail("invalid control character in string", p);
    // Escapes: find the closing quote and let the engine unescape the literal. JSON's escape
    // rules are Python's (\" \\ \/ \b \f \n \r \t \uXXXX; raw control characters refused).
    const end = this.skipString(start);
    try {
      this.pos = end;
      return JSON.parse(s.slice(start, end)) as string;
    } catch {
      return this.fail("invalid string literal (bad escape or control character)", start);
    }
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) throw new LimitError(`nesting deeper than ${this.maxDepth}`, this.pos, this.grammar);
  }

  /**
   * Scratch stacks the containers being parsed collect their items (values; keys of objects) on,
   * nested containers above their parent's items; each container is then copied out exactly
   * sized (`slice`), which takes a third of the memory of arrays grown by `push` (parsed tool docs
   * are kept in caches).
   */
  private readonly vals: PyValue[] = [];
  private vTop = 0;
  private readonly keyStack: string[] = [];
  private kTop = 0;

  private array(): PyValue[] {
    this.enter();
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === 93) {
      this.pos++;
      this.depth--;
      return [];
    }
    const vals = this.vals;
    const base = this.vTop;
    for (;;) {
      this.ws();
      const v = this.value();
      vals[this.vTop++] = v;
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        this.depth--;
        const out = vals.slice(base, this.vTop);
        this.vTop = base;
        return out;
      }
      this.fail("expecting ',' delimiter");
    }
  }

  private object(): PyDict {
    this.enter();
    this.pos++;
    this.ws();
    if (this.s.charCodeAt(this.pos) === 125) {
      this.pos++;
      this.depth--;
      return new PyDict();
    }
    const vals = this.vals;
    const keys = this.keyStack;
    const vBase = this.vTop;
    const kBase = this.kTop;
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 34) this.fail("expecting property name enclosed in double quotes");
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 58) this.fail("expecting ':' delimiter");
      this.pos++;
      this.ws();
      keys[this.kTop++] = key;
      const v = this.value();
      vals[this.vTop++] = v;
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        this.depth--;
        const out = this.dictFrom(kBase, vBase);
        this.kTop = kBase;
        this.vTop = vBase;
        return out;
      }
      this.fail("expecting ',' delimiter");
    }
  }

  /** The dict of the keys and values on the stacks from `kBase`/`vBase`; a repeated key keeps its first position and last value. */
  private dictFrom(kBase: number, vBase: number): PyDict {
    const keys = this.keyStack;
    const n = this.kTop - kBase;
    let distinct = n <= 16;
    if (distinct) {
      outer: for (let i = kBase + 1; i < this.kTop; i++) {
        const k = keys[i];
        for (let j = kBase; j < i; j++)
          if (keys[j] === k) {
            distinct = false;
            break outer;
          }
      }
    }
    if (!distinct) {
      const d = new PyDict();
      for (let i = 0; i < n; i++) d.set(keys[kBase + i]!, this.vals[vBase + i]!);
      return d;
    }
    return PyDict.ofDistinctStrings(keys.slice(kBase, this.kTop), this.vals.slice(vBase, this.vTop));
  }
}

const SPECIAL = /["\\\x00-\x1f]/g;
/**
 * The rest of a JSON string literal after its opening quote, then `"`. Written as an unrolled
 * loop (`a*(\\.a*)*`): every repetition starts with a backslash, so there is one way to match
 * and no backtracking blow-up when the quote is missing.
 */
const STRING_BODY = /[^"\\]*(?:\\[\s\S][^"\\]*)*"/y;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
