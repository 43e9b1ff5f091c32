import { AdvfcError, InvalidInputError, ParseError } from "../errors.js";
import { OUTPUT_MODES, type OutputMode } from "../parse/decode.js";
import { parsePyJson, PyJsonParser } from "../parse/pyjson.js";
import { checkCase, isRelevanceCategory, normalizeCategory, type CallOutcome, type CheckCaseOptions } from "./check-case.js";
import { CATEGORY_NAMES, type Category } from "../schema/category.js";
import { PyDict, pyRepr, type PyValue } from "./pyvalue.js";

/**
 * One line of `advfc check` input, parsed and validated:
 * `{"id", "category", "functions", "possible_answer", "model_output", "mode"}`.
 */
export interface CheckLine {
  id: string;
  /** The v4 category name (v3 names are accepted and normalised). */
  category: Category;
  functions: PyValue;
  possibleAnswer: PyValue;
  modelOutput: PyValue;
  mode: OutputMode;
}

/** One line of `advfc check` output. */
export interface CheckVerdict {
  id: string;
  valid: boolean;
  error_type: string | null;
  outcome: CallOutcome;
}

/** Maximum length of one input line (64 MiB). */
export const MAX_CHECK_LINE = 64 * 1024 * 1024;

function describe(v: PyValue | undefined): string {
  if (v === undefined) return "nothing (the field is missing)";
  const r = pyRepr(v);
  return r.length > 80 ? `${r.slice(0, 77)}...` : r;
}

/**
 * Parse and validate one input line. Throws {@link InvalidInputError} naming the line and the
 * field ("Expected … for field 'mode' but received …").
 */
export function parseCheckLine(text: string, where: { file?: string; line?: number } = {}, cache: DocCache | null = defaultDocCache): CheckLine {
  if (text.length > MAX_CHECK_LINE) throw new InvalidInputError(`line longer than ${MAX_CHECK_LINE} characters`, where);
  if (cache !== null) {
    const fast = scanLine(text, cache);
    if (fast !== undefined) return fast;
  }
  return parseCheckLineFull(text, where, cache);
}

/**
 * {@link parseCheckLine} the general way (no fast scan): the whole line through
 * {@link PyJsonParser}, then validation. @internal
 */
export function parseCheckLineFull(text: string, where: { file?: string; line?: number }, cache: DocCache | null): CheckLine {
  let doc: PyValue;
  try {
    doc = parseLineObject(text, cache);
  } catch (e) {
    if (e instanceof ParseError) throw new InvalidInputError(`not valid JSON: ${e.message}`, where);
    throw e;
  }
  if (!(doc instanceof PyDict)) throw new InvalidInputError(`Expected a JSON object but received ${describe(doc)}`, where);
  const field = (name: string) => ({ ...where, field: name });

  const idv = doc.get("id");
  if (typeof idv !== "string" && typeof idv !== "number") throw new InvalidInputError(`Expected a string for field 'id' but received ${describe(idv)}`, field("id"));
  const id = String(idv);

  const cat = doc.get("category");
  const category = typeof cat === "string" ? normalizeCategory(cat) : undefined;
  if (category === undefined)
    throw new InvalidInputError(`Expected a BFCL category name (v4, or v3 spelling) for field 'category' but received ${describe(cat)}`, field("category"));

  const modeV = doc.get("mode");
  if (typeof modeV !== "string" || !(OUTPUT_MODES as readonly string[]).includes(modeV))
    throw new InvalidInputError(`Expected one of ${OUTPUT_MODES.join("|")} for field 'mode' but received ${describe(modeV)}`, field("mode"));
  const mode = modeV as OutputMode;

  const functions = doc.get("functions");
  if (!Array.isArray(functions) || !functions.every((f) => f instanceof PyDict))
    throw new InvalidInputError(`Expected a list of function docs for field 'functions' but received ${describe(functions)}`, field("functions"));

  const possibleAnswer = doc.get("possible_answer") ?? null;
  if (!isRelevanceCategory(category) && !Array.isArray(possibleAnswer))
    throw new InvalidInputError(
      `Expected BFCL's ground_truth list for field 'possible_answer' (category ${category}) but received ${describe(possibleAnswer)}`,
      field("possible_answer"),
    );

  const modelOutput = doc.get("model_output");
  if (modelOutput === undefined) throw new InvalidInputError(`Expected the raw model output for field 'model_output' but received nothing`, field("model_output"));
  if (mode !== "openai" && typeof modelOutput !== "string")
    throw new InvalidInputError(`Expected a string for field 'model_output' (mode ${mode}) but received ${describe(modelOutput)}`, field("model_output"));
  if (mode === "openai" && typeof modelOutput !== "string" && !Array.isArray(modelOutput))
    throw new InvalidInputError(`Expected the tool_calls array or its JSON string for field 'model_output' but received ${describe(modelOutput)}`, field("model_output"));

  return { id, category, functions, possibleAnswer, modelOutput, mode };
}

interface DocEntry {
  raw: string;
  value: PyValue;
  hash: number;
  /** The UTF-8 bytes of `raw`, for entries found or added by {@link DocCache.lookupBytesAt}. */
  bytes?: Buffer;
  bhash?: number;
}

/** {@link sampleHash} over bytes. */
function sampleHashBytes(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  let h = len | 0;
  const step = len > 32 ? (len >> 5) + 1 : 1;
  for (let i = start; i < end; i += step) h = (Math.imul(h, 31) + b[i]!) | 0;
  return (Math.imul(h, 31) + b[end - 1]!) | 0;
}

/**
 * A hash of `s[start..end)` from its length and at most 32 characters spread over it: cheap on
 * long members (a `Map` keyed by a fresh substring hashes all of it); entries are confirmed by
 * comparing the whole text.
 */
function sampleHash(s: string, start: number, end: number): number {
  const len = end - start;
  let h = len | 0;
  const step = len > 32 ? (len >> 5) + 1 : 1;
  for (let i = start; i < end; i += step) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return (Math.imul(h, 31) + s.charCodeAt(end - 1)) | 0;
}

/**
 * A bounded cache of parsed `functions` and `possible_answer` members keyed by their raw JSON
 * text (the same text always parses to the same value, so one cache serves both). Scoring many
 * outputs of the same prompt (RL rollouts, the modes and variants of one BFCL entry, live
 * entries sharing tool docs) then parses each tool list and answer once. The cached values are
 * never mutated. Oldest entries are evicted first.
 */
export class DocCache {
  /** Entries by {@link sampleHash}, each bucket oldest first. */
  private readonly buckets = new Map<number, DocEntry[]>();
  /** Every entry, oldest first (eviction order). */
  private readonly order: DocEntry[] = [];
  private orderHead = 0;
  /** Most recently used entries, checked first with one native compare each (no scan, no hash). */
  private readonly recent: DocEntry[] = [];
  /** Entries with bytes by {@link sampleHashBytes}, and the most recently used of them. */
  private readonly byteBuckets = new Map<number, DocEntry[]>();
  private readonly recentBytes: DocEntry[] = [];
  hits = 0;
  misses = 0;
  /** End offset of the member {@link lookupAt} last found. */
  lastEnd = 0;
  constructor(readonly capacity = 512) {}

  /**
   * If `text` holds, at `start`, the raw text of a recently used member, return it and its
   * value. A complete JSON value is self-delimiting, so an exact prefix match is the member.
   */
  matchRecent(text: string, start: number): { raw: string; value: PyValue } | undefined {
    const r = this.recent;
    for (let i = 0; i < r.length; i++) {
      const e = r[i]!;
      // slice + === compares flat contents natively; startsWith walks sliced strings per char
      if (text.slice(start, start + e.raw.length) === e.raw) {
        this.hits++;
        return e;
      }
    }
    return undefined;
  }

  /** The entry whose text is `s[start..end)`, or undefined. */
  private find(s: string, start: number, end: number, hash: number): DocEntry | undefined {
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) return undefined;
    const len = end - start;
    let sub: string | undefined;
    for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i]!;
      if (e.raw.length !== len) continue;
      sub ??= start === 0 && end === s.length ? s : s.slice(start, end);
      if (sub === e.raw) return e;
    }
    return undefined;
  }

  private add(raw: string, value: PyValue, hash: number): DocEntry {
    if (this.order.length - this.orderHead >= this.capacity) {
      const old = this.order[this.orderHead]!;
      this.order[this.orderHead++] = undefined as unknown as DocEntry;
      if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
        this.order.splice(0, this.orderHead);
        this.orderHead = 0;
      }
      const b = this.buckets.get(old.hash)!;
      if (b.length === 1) this.buckets.delete(old.hash);
      else b.splice(b.indexOf(old), 1);
      if (old.bhash !== undefined) {
        const bb = this.byteBuckets.get(old.bhash)!;
        if (bb.length === 1) this.byteBuckets.delete(old.bhash);
        else bb.splice(bb.indexOf(old), 1);
        const ri = this.recentBytes.indexOf(old);
        if (ri >= 0) this.recentBytes.splice(ri, 1);
      }
      const ri = this.recent.indexOf(old);
      if (ri >= 0) this.recent.splice(ri, 1);
    }
    const e: DocEntry = { raw, value, hash };
    this.order.push(e);
    const b = this.buckets.get(hash);
    if (b === undefined) this.buckets.set(hash, [e]);
    else b.push(e);
    this.remember(e);
    return e;
  }

  /**
   * {@link lookupAt} on UTF-8 bytes: the cached member whose bytes start at `buf[start]` (and end
   * by `limit`), or undefined. Equal bytes decode to equal text, so an entry found by its bytes
   * is the member; a new member is decoded, parsed and kept with its bytes (copied). `lastEnd`
   * is set to the member's end offset in `buf`.
   */
  lookupBytesAt(buf: Buffer, start: number, limit: number): PyValue | undefined {
    const r = this.recentBytes;
    for (let i = 0; i < r.length; i++) {
      const e = r[i]!;
      const bytes = e.bytes!;
      const n = bytes.length;
      const end = start + n;
      if (end > limit || buf[end - 1] !== bytes[n - 1] || buf[start + (n >> 1)] !== bytes[n >> 1]) continue;
      if (buf.compare(bytes, 0, n, start, end) === 0) {
        this.hits++;
        this.lastEnd = end;
        return e.value;
      }
    }
    const c = buf[start];
    if (c !== 91 && c !== 123) return undefined;
    const end = skipContainerBytes(buf, start, limit);
    if (end < 0) return undefined;
    const bhash = sampleHashBytes(buf, start, end);
    const bucket = this.byteBuckets.get(bhash);
    if (bucket !== undefined) {
      for (let i = 0; i < bucket.length; i++) {
        const e = bucket[i]!;
        const bytes = e.bytes!;
        if (bytes.length === end - start && buf.compare(bytes, 0, bytes.length, start, end) === 0) {
          this.hits++;
          this.lastEnd = end;
          this.rememberBytes(e);
          return e.value;
        }
      }
    }
    const raw = buf.toString("utf8", start, end);
    const hash = sampleHash(raw, 0, raw.length);
    let e = this.find(raw, 0, raw.length, hash);
    if (e === undefined || e.bytes !== undefined) {
      let v: PyValue;
      try {
        v = parsePyJson(raw, { grammar: "json" });
      } catch (err) {
        if (err instanceof ParseError) return undefined;
        throw err;
      }
      this.misses++;
      e = this.add(raw, v, hash);
    } else this.hits++;
    e.bytes = Buffer.from(buf.subarray(start, end));
    e.bhash = bhash;
    const b = this.byteBuckets.get(bhash);
    if (b === undefined) this.byteBuckets.set(bhash, [e]);
    else b.push(e);
    this.rememberBytes(e);
    this.lastEnd = end;
    return e.value;
  }

  private rememberBytes(e: DocEntry): void {
    const r = this.recentBytes;
    const i = r.indexOf(e);
    if (i === 0) return;
    if (i > 0) r.splice(i, 1);
    r.unshift(e);
    if (r.length > 4) r.pop();
  }

  get(raw: string, parse: () => PyValue): PyValue {
    const hash = sampleHash(raw, 0, raw.length);
    const e = this.find(raw, 0, raw.length, hash);
    if (e !== undefined) {
      this.hits++;
      this.remember(e);
      return e.value;
    }
    this.misses++;
    const parsed = parse();
    this.add(raw, parsed, hash);
    return parsed;
  }

  /**
   * The cached member whose raw text starts at `start` in `text`, or undefined. Tries the recent
   * entries (one native compare each), then finds the member's end with {@link skipContainer} and
   * looks its text up; on a miss parses it (and caches it). Undefined also when the member is not
   * an array or object, or does not parse: the caller then takes the general path, which reports
   * the error. `lastEnd` is set to the member's end offset.
   */
  lookupAt(text: string, start: number): PyValue | undefined {
    const r = this.recent;
    for (let i = 0; i < r.length; i++) {
      const e = r[i]!;
      const raw = e.raw;
      const end = start + raw.length;
      // cheap rejections first (last character, then the middle one), then one native compare
      if (end > text.length || text.charCodeAt(end - 1) !== raw.charCodeAt(raw.length - 1)) continue;
      const mid = raw.length >> 1;
      if (text.charCodeAt(start + mid) !== raw.charCodeAt(mid)) continue;
      if (text.slice(start, end) === raw) {
        this.hits++;
        this.lastEnd = end;
        return e.value;
      }
    }
    const c = text.charCodeAt(start);
    if (c !== 91 && c !== 123) return undefined;
    const end = skipContainer(text, start);
    if (end < 0) return undefined;
    const hash = sampleHash(text, start, end);
    const e = this.find(text, start, end, hash);
    if (e !== undefined) {
      this.hits++;
      this.remember(e);
      this.lastEnd = end;
      return e.value;
    }
    const raw = text.slice(start, end);
    let v: PyValue;
    try {
      v = parsePyJson(raw, { grammar: "json" });
    } catch (err) {
      if (err instanceof ParseError) return undefined;
      throw err;
    }
    this.misses++;
    this.add(raw, v, hash);
    this.lastEnd = end;
    return v;
  }

  private remember(e: DocEntry): void {
    const r = this.recent;
    if (r[0] === e) return;
    r.unshift(e);
    if (r.length > 4) r.pop();
  }

  clear(): void {
    this.buckets.clear();
    this.byteBuckets.clear();
    this.recentBytes.length = 0;
    this.order.length = 0;
    this.orderHead = 0;
    this.recent.length = 0;
    this.hits = 0;
    this.misses = 0;
  }
}

/** The process-wide cache {@link parseCheckLine} uses unless given another (or null). */
export const defaultDocCache = new DocCache();

/** Parse a line's top-level object, taking `functions` and `possible_answer` from the cache when their text was seen. */
function parseLineObject(text: string, cache: DocCache | null): PyValue {
  if (cache === null) return parsePyJson(text, { grammar: "json" });
  const p = new PyJsonParser(text, { grammar: "json" });
  p.ws();
  if (p.peek() !== 123) return parsePyJson(text, { grammar: "json" });
  p.pos++;
  const out = new PyDict();
  p.ws();
  if (p.peek() === 125) {
    p.pos++;
  } else {
    for (;;) {
      p.ws();
      if (p.peek() !== 34) p.fail("expecting property name enclosed in double quotes");
      const key = p.string();
      p.ws();
      if (p.peek() !== 58) p.fail("expecting ':' delimiter");
      p.pos++;
      p.ws();
      const c0 = p.peek();
      // Only arrays and objects are cached: they are self-delimiting, so a cached text matching
      // here is the member. A member that does not parse fails as in the full parse (the same
      // message and line offset), whatever the cache holds.
      if ((key === "functions" || key === "possible_answer") && (c0 === 91 || c0 === 123)) {
        const start = p.pos;
        const recent = cache.matchRecent(text, start);
        if (recent) {
          p.pos = start + recent.raw.length;
          out.set(key, recent.value);
        } else {
          const end = p.skipValue();
          const raw = text.slice(start, end);
          out.set(
            key,
            cache.get(raw, () => {
              const q = new PyJsonParser(text, { grammar: "json" });
              q.pos = start;
              return q.value();
            }),
          );
        }
      } else out.set(key, p.value());
      p.ws();
      const c = p.peek();
      if (c === 44) {
        p.pos++;
        continue;
      }
      if (c === 125) {
        p.pos++;
        break;
      }
      p.fail("expecting ',' delimiter");
    }
  }
  p.ws();
  if (p.pos !== text.length) p.fail("extra data");
  return out;
}

/**
 * End offset of the JSON array or object starting at `p`, found by bracket counting with string
 * contents skipped by `indexOf`; -1 when it does not close. Checks nothing else: the text is
 * parsed (validated) before it is used, and a complete JSON value is self-delimiting.
 */
function skipContainer(s: string, p: number): number {
  let depth = 0;
  const n = s.length;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (c === 34) {
      let q = p + 1;
      for (;;) {
        q = s.indexOf('"', q);
        if (q < 0) return -1;
        let b = q - 1;
        while (s.charCodeAt(b) === 92) b--;
        if (((q - 1 - b) & 1) === 0) break;
        q++;
      }
      p = q + 1;
      continue;
    }
    if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) {
      if (--depth === 0) return p + 1;
    }
    p++;
  }
  return -1;
}

/** {@link skipContainer} over UTF-8 bytes up to `limit` (a `"` byte is always a quote: no multi-byte sequence holds one). */
function skipContainerBytes(b: Buffer, p: number, limit: number): number {
  let depth = 0;
  while (p < limit) {
    const c = b[p]!;
    if (c === 34) {
      let q = p + 1;
      for (;;) {
        q = b.indexOf(34, q);
        if (q < 0 || q >= limit) return -1;
        let k = q - 1;
        while (b[k] === 92) k--;
        if (((q - 1 - k) & 1) === 0) break;
        q++;
      }
      p = q + 1;
      continue;
    }
    if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) {
      if (--depth === 0) return p + 1;
    }
    p++;
  }
  return -1;
}

/** Offset after JSON whitespace at `p`. */
function skipWs(s: string, p: number): number {
  for (;;) {
    const c = s.charCodeAt(p);
    if (c === 32 || c === 10 || c === 13 || c === 9) p++;
    else return p;
  }
}

/** End of the string literal {@link readString} last read. */
let strEnd = 0;

/** The next `"`, `\\` or control character (the characters a JSON string body cannot hold as is). */
const STRING_SPECIAL = /["\\\x00-\x1f]/g;
/** The rest of a string literal from a backslash in it, through the closing quote (one way to match: no backtracking). */
const STRING_REST = /(?:\\[\s\S][^"\\]*)+"/y;

/**
 * The JSON string literal at `p` (a `"`), or undefined when it is malformed (no closing quote, a
 * raw control character, a bad escape). Sets {@link strEnd}. JSON's string rules are Python's.
 */
function readString(s: string, p: number): string | undefined {
  STRING_SPECIAL.lastIndex = p + 1;
  if (!STRING_SPECIAL.test(s)) return undefined;
  let q = STRING_SPECIAL.lastIndex - 1;
  const c = s.charCodeAt(q);
  if (c === 34) {
    strEnd = q + 1;
    return s.slice(p + 1, q);
  }
  if (c !== 92) return undefined;
  // escapes: find the closing quote with one sticky regex and let the engine unescape and
  // validate the literal in one native call
  STRING_REST.lastIndex = q;
  if (!STRING_REST.test(s)) return undefined;
  q = STRING_REST.lastIndex;
  let v: unknown;
  try {
    v = JSON.parse(s.slice(p, q));
  } catch {
    return undefined;
  }
  strEnd = q;
  return v as string;
}

const F_ID = 1;
const F_CATEGORY = 2;
const F_FUNCTIONS = 4;
const F_ANSWER = 8;
const F_OUTPUT = 16;
const F_MODE = 32;

/** True when `s[a..a+lit.length)` is `lit`. */
function spells(s: string, a: number, lit: string): boolean {
  for (let i = 0; i < lit.length; i++) if (s.charCodeAt(a + i) !== lit.charCodeAt(i)) return false;
  return true;
}

/** The input fields by name length (no two share one), with their bits. */
const FIELD_BY_LENGTH: ReadonlyArray<readonly [string, number] | undefined> = (() => {
  const t: (readonly [string, number])[] = [];
  for (const f of [["id", F_ID], ["mode", F_MODE], ["category", F_CATEGORY], ["functions", F_FUNCTIONS], ["model_output", F_OUTPUT], ["possible_answer", F_ANSWER]] as const) t[f[0].length] = f;
  return t;
})();

/** The field bit of the key spelled at `s[a..b)`, or 0 for any other key. */
function fieldOf(s: string, a: number, b: number): number {
  const f = FIELD_BY_LENGTH[b - a];
  return f !== undefined && spells(s, a, f[0]) ? f[1] : 0;
}

/** The fields a fast scan read, validated as {@link parseCheckLineFull} validates them; undefined for anything it would refuse (it then reports why). */
function scannedLine(
  id: string | undefined,
  cat: string | undefined,
  modeV: string | undefined,
  functions: PyValue | undefined,
  possibleAnswer: PyValue,
  modelOutput: string | undefined,
): CheckLine | undefined {
  if (id === undefined || cat === undefined || modeV === undefined || functions === undefined || modelOutput === undefined) return undefined;
  const category = normalizeCategory(cat);
  if (category === undefined) return undefined;
  if (modeV !== "prompt" && modeV !== "json" && modeV !== "hermes" && modeV !== "openai") return undefined;
  if (!Array.isArray(functions)) return undefined;
  for (let i = 0; i < functions.length; i++) if (!(functions[i] instanceof PyDict)) return undefined;
  if (!isRelevanceCategory(category) && !Array.isArray(possibleAnswer)) return undefined;
  return { id, category, functions, possibleAnswer, modelOutput, mode: modeV };
}

/**
 * The fast path of {@link parseCheckLine}: one pass over the line that reads the small members
 * (`id`, `category`, `mode`, a string `model_output`) and takes `functions` and
 * `possible_answer` from the cache by their raw text, never parsing the whole line. Anything
 * outside that well-formed, common shape (another key, a repeated key, a non-string member, an
 * escape it cannot read, a field that fails validation) returns undefined, and the caller parses
 * the line the general way, which gives the same result or the same error.
 */
function scanLine(s: string, cache: DocCache): CheckLine | undefined {
  let p = skipWs(s, 0);
  if (s.charCodeAt(p) !== 123) return undefined;
  p = skipWs(s, p + 1);
  let seen = 0;
  let id: string | undefined;
  let cat: string | undefined;
  let modeV: string | undefined;
  let functions: PyValue | undefined;
  let possibleAnswer: PyValue = null;
  let modelOutput: string | undefined;
  if (s.charCodeAt(p) === 125) return undefined;
  for (;;) {
    if (s.charCodeAt(p) !== 34) return undefined;
    const k = s.indexOf('"', p + 1);
    if (k < 0) return undefined;
    const f = fieldOf(s, p + 1, k);
    if (f === 0 || (seen & f) !== 0) return undefined;
    seen |= f;
    p = skipWs(s, k + 1);
    if (s.charCodeAt(p) !== 58) return undefined;
    p = skipWs(s, p + 1);
    if (f === F_ANSWER && s.startsWith("null", p)) {
      p += 4;
    } else if (f === F_FUNCTIONS || f === F_ANSWER) {
      const v = cache.lookupAt(s, p);
      if (v === undefined) return undefined;
      if (f === F_FUNCTIONS) functions = v;
      else possibleAnswer = v;
      p = cache.lastEnd;
    } else {
      if (s.charCodeAt(p) !== 34) return undefined;
      const v = readString(s, p);
      if (v === undefined) return undefined;
      p = strEnd;
      if (f === F_ID) id = v;
      else if (f === F_CATEGORY) cat = v;
      else if (f === F_MODE) modeV = v;
      else modelOutput = v;
    }
    p = skipWs(s, p);
    const c = s.charCodeAt(p);
    if (c === 44) {
      p = skipWs(s, p + 1);
      continue;
    }
    if (c !== 125) return undefined;
    p = skipWs(s, p + 1);
    break;
  }
  if (p !== s.length) return undefined;
  return scannedLine(id, cat, modeV, functions, possibleAnswer, modelOutput);
}

/** `s` spelled by the bytes `b[a..a+s.length)` (ASCII `s`). */
function spellsBytes(b: Buffer, a: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (b[a + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** {@link fieldOf} on bytes. */
function fieldOfBytes(b: Buffer, a: number, e: number): number {
  const f = FIELD_BY_LENGTH[e - a];
  return f !== undefined && spellsBytes(b, a, f[0]) ? f[1] : 0;
}

/** Category names and modes by length, to read them from bytes without decoding. */
const KNOWN_BY_LENGTH = new Map<number, string[]>();
for (const name of [...CATEGORY_NAMES, ...OUTPUT_MODES]) {
  const list = KNOWN_BY_LENGTH.get(name.length);
  if (list === undefined) KNOWN_BY_LENGTH.set(name.length, [name]);
  else list.push(name);
}

/** Offset after JSON whitespace at `p` in bytes, at most `e`. */
function skipWsBytes(b: Buffer, p: number, e: number): number {
  while (p < e) {
    const c = b[p];
    if (c === 32 || c === 10 || c === 13 || c === 9) p++;
    else break;
  }
  return p;
}

/** End of the string literal {@link readStringBytes} read last. */
let bytesStrEnd = 0;

/**
 * The JSON string literal at `b[p]` (a `"`), ending by `limit`, or undefined when it is malformed
 * or not closed (the string path then reports it). Known category names and modes are matched on
 * the bytes. Sets {@link bytesStrEnd}.
 */
function readStringBytes(b: Buffer, p: number, limit: number): string | undefined {
  // one pass to the closing quote: a backslash escapes the next byte; note escapes and raw
  // control bytes (which JSON refuses)
  let q = p + 1;
  let escaped = false;
  for (;;) {
    if (q >= limit) return undefined;
    const c = b[q]!;
    if (c === 34) break;
    if (c === 92) {
      escaped = true;
      q += 2;
      continue;
    }
    if (c < 32) return undefined;
    q++;
  }
  bytesStrEnd = q + 1;
  if (!escaped) {
    const known = KNOWN_BY_LENGTH.get(q - p - 1);
    if (known !== undefined)
      for (let i = 0; i < known.length; i++) if (spellsBytes(b, p + 1, known[i]!)) return known[i]!;
    return b.toString("utf8", p + 1, q);
  }
  // the engine unescapes and validates the literal (JSON's escapes are Python's)
  try {
    return JSON.parse(b.toString("utf8", p, q + 1)) as string;
  } catch {
    return undefined;
  }
}

/**
 * {@link scanLine} on the UTF-8 bytes `b[a..e)`: tool docs and answers are matched in the cache by
 * their bytes and only the short members are decoded, so the common line is never decoded whole.
 * Undefined for anything else (the caller decodes the line and takes the string path).
 */
function scanLineBytes(b: Buffer, a: number, e: number, cache: DocCache): CheckLine | undefined {
  let p = skipWsBytes(b, a, e);
  if (b[p] !== 123) return undefined;
  p = skipWsBytes(b, p + 1, e);
  let seen = 0;
  let id: string | undefined;
  let cat: string | undefined;
  let modeV: string | undefined;
  let functions: PyValue | undefined;
  let possibleAnswer: PyValue = null;
  let modelOutput: string | undefined;
  for (;;) {
    if (p >= e || b[p] !== 34) return undefined;
    const k = b.indexOf(34, p + 1);
    if (k < 0 || k >= e) return undefined;
    const f = fieldOfBytes(b, p + 1, k);
    if (f === 0 || (seen & f) !== 0) return undefined;
    seen |= f;
    p = skipWsBytes(b, k + 1, e);
    if (p >= e || b[p] !== 58) return undefined;
    p = skipWsBytes(b, p + 1, e);
    if (f === F_ANSWER && b[p] === 110 && spellsBytes(b, p, "null") && p + 4 <= e) {
      p += 4;
    } else if (f === F_FUNCTIONS || f === F_ANSWER) {
      const v = cache.lookupBytesAt(b, p, e);
      if (v === undefined) return undefined;
      if (f === F_FUNCTIONS) functions = v;
      else possibleAnswer = v;
      p = cache.lastEnd;
    } else {
      if (p >= e || b[p] !== 34) return undefined;
      const v = readStringBytes(b, p, e);
      if (v === undefined) return undefined;
      p = bytesStrEnd;
      if (f === F_ID) id = v;
      else if (f === F_CATEGORY) cat = v;
      else if (f === F_MODE) modeV = v;
      else modelOutput = v;
    }
    p = skipWsBytes(b, p, e);
    const c = b[p];
    if (p >= e) return undefined;
    if (c === 44) {
      p = skipWsBytes(b, p + 1, e);
      continue;
    }
    if (c !== 125) return undefined;
    p = skipWsBytes(b, p + 1, e);
    break;
  }
  if (p !== e) return undefined;
  return scannedLine(id, cat, modeV, functions, possibleAnswer, modelOutput);
}

/**
 * {@link parseCheckLine} on the UTF-8 bytes `buf[a..e)` of one line (without its line break): the
 * byte scan when the cache is on and the line has the common shape, else the line decoded and
 * parsed as text. The same result or the same error either way.
 */
export function parseCheckLineBytes(buf: Buffer, a: number, e: number, where: { file?: string; line?: number } = {}, cache: DocCache | null = defaultDocCache): CheckLine {
  if (cache !== null && e - a <= MAX_CHECK_LINE) {
    const fast = scanLineBytes(buf, a, e, cache);
    if (fast !== undefined) return fast;
  }
  return parseCheckLine(buf.toString("utf8", a, e), where, cache);
}

/** Score a parsed line. */
export function checkLine(line: CheckLine, options: CheckCaseOptions = {}): CheckVerdict {
  const r = checkCase(line, options);
  return { id: line.id, valid: r.valid, error_type: r.errorType, outcome: r.outcome };
}

/** Parse + score one raw input line; returns the verdict or the input error. */
export function checkRawLine(
  text: string,
  where: { file?: string; line?: number },
  options: CheckCaseOptions = {},
  cache: DocCache | null = defaultDocCache,
): { verdict: CheckVerdict; category: Category } | { error: AdvfcError } {
  try {
    const line = parseCheckLine(text, where, cache);
    return { verdict: checkLine(line, options), category: line.category };
  } catch (e) {
    if (e instanceof AdvfcError) return { error: e };
    throw e;
  }
}
