import { LimitError, ParseError } from "../errors.js";
import { PyDict, type PyValue } from "../check/pyvalue.js";
import { parseJavaFunctionCall } from "./java.js";
import { parseJavaScriptFunctionCall } from "./javascript.js";
import { parsePyJson, tryParsePyJson } from "./pyjson.js";
import { decodePythonCalls } from "./python.js";
import { isPyWhitespace, pyStripChars } from "./text.js";

/**
 * How a model's raw output is decoded into calls. Each mode mirrors one BFCL decoder:
 * - `prompt`: BFCL's prompt-mode decoder (`default_decode_ast_prompting`, Python return format;
 *   Java / JavaScript syntax for those categories).
 * - `json`: the same decoder with BFCL's JSON return format (`[{"function": f, "parameters": {...}}]`).
 * - `hermes`: BFCL's Qwen FC handler (`<tool_call>\n{json}\n</tool_call>` blocks).
 * - `openai`: BFCL's OpenAI FC handler (`tool_calls` with JSON-string arguments).
 */
export type OutputMode = "prompt" | "json" | "hermes" | "openai";
export const OUTPUT_MODES: readonly OutputMode[] = ["prompt", "json", "hermes", "openai"];

export type SyntaxLanguage = "python" | "java" | "javascript";

export interface DecodeOptions {
  /**
   * Drop everything up to the last `</think>` (and the newlines after it) before decoding, as
   * BFCL's reasoning-model handlers do when they store a response. Off by default: BFCL's
   * decoders themselves see the stored text.
   * @default false
   */
  stripThink?: boolean;
  /** Maximum raw output length in UTF-16 code units. @default 1_048_576 */
  maxLength?: number;
  /**
   * Where a cheap scan proves a Python prompt-mode output does not decode, throw the shared
   * `SURE_FAILURE` error at once; `takeDeferredFailure()` then gives the real error on demand.
   * For scorers that need the verdict now and the message rarely. @default false @internal
   */
  deferErrors?: boolean;
}

export interface Decoded {
  /** BFCL's decoded value (normally a list of `{name: {param: value}}` dicts). */
  value: PyValue;
  /**
   * BFCL accepted the decode but silently dropped malformed content (an unparseable
   * `<tool_call>` block, a JSON-mode answer that is not JSON). The verdict is BFCL's; advfc's
   * outcome reports it as `unparseable`.
   */
  dropped: boolean;
}

/** A text answer where the mode expects tool calls (openai mode with no `tool_calls`). */
export class TextResponseError extends ParseError {
  constructor(position = 0) {
    super("the response is text, not tool calls", position, "openai");
    this.name = "TextResponseError";
  }
}

const DEFAULT_MAX = 1_048_576;

function stripThinkBlock(s: string): string {
  const i = s.lastIndexOf("</think>");
  if (i < 0) return s;
  let rest = s.slice(i + "</think>".length);
  let a = 0;
  while (rest.charCodeAt(a) === 10) a++;
  rest = rest.slice(a);
  return rest;
}

/**
 * Decode raw model output the way BFCL's decoder for `mode` does. Throws {@link ParseError}
 * where BFCL's decoder raises (BFCL's `ast_decoder:decoder_failed`).
 */
export function decodeOutput(raw: PyValue, mode: OutputMode, language: SyntaxLanguage, options: DecodeOptions = {}): Decoded {
  return decodeWith(raw, mode, language, options, options.deferErrors === true);
}

/** {@link decodeOutput} for scorers: errors deferred unless `options.deferErrors` is false. @internal */
export function decodeForCheck(raw: PyValue, mode: OutputMode, language: SyntaxLanguage, options: DecodeOptions): Decoded {
  return decodeWith(raw, mode, language, options, options.deferErrors !== false);
}

function decodeWith(raw: PyValue, mode: OutputMode, language: SyntaxLanguage, options: DecodeOptions, deferErrors: boolean): Decoded {
  const maxLength = options.maxLength ?? DEFAULT_MAX;
  if (typeof raw === "string") {
    if (raw.length > maxLength) throw new LimitError(`model output of ${raw.length} characters exceeds the limit of ${maxLength}`, 0, mode);
    if (options.stripThink) raw = stripThinkBlock(raw);
  }
  switch (mode) {
    case "prompt":
    case "json":
      return decodePromptMode(raw, mode, language, maxLength, deferErrors);
    case "hermes":
      return decodeHermes(raw);
    case "openai":
      return decodeOpenAI(raw, maxLength);
  }
}

/** BFCL `default_decode_ast_prompting` + `ast_parse`. */
function decodePromptMode(raw: PyValue, mode: "prompt" | "json", language: SyntaxLanguage, maxLength: number, deferErrors: boolean): Decoded {
  if (typeof raw !== "string") throw new ParseError("prompt-mode output must be a string", 0, mode);
  let s = pyStripChars(raw, "`\n ");
  if (!s.startsWith("[")) s = "[" + s;
  if (!s.endsWith("]")) s = s + "]";
  if (mode === "json") return decodeJsonFormat(s);
  switch (language) {
    case "python":
      return { value: decodePythonCalls(s, { maxLength: maxLength + 2, deferErrors }), dropped: false };
    case "java":
      return { value: parseJavaFunctionCall(s.slice(1, -1)), dropped: false };
    case "javascript":
      return { value: parseJavaScriptFunctionCall(s.slice(1, -1)), dropped: false };
  }
}

/**
 * The first match of BFCL's `\[\s*{.*?}\s*(?:,\s*{.*?}\s*)*\]` (re.DOTALL, re.search), found in
 * linear time. A backtracking engine needs quadratic or worse time on adversarial text; this
 * computes, right to left, where the suffix `\s*(,\s*{.*?}\s*)*\]` can match from each position
 * and which `}` a lazy `.*?` settles on, which yields the same match as Python's `re`.
 */
let scratch = new Int32Array(6144);

function isPyWs(c: number): boolean {
  return c === 32 || c === 10 ? true : c > 32 && c < 0x85 ? false : isPyWhitespace(c);
}

/** Work left to {@link firstBraceEnd} (characters and braces looked at). */
let budget = 0;
const QUICK_BUDGET = 1024;

/**
 * The end of the match of `\s*(?:,\s*{.*?}\s*)*\]` at `p` as the backtracking engine finds it,
 * -1 when it does not match, -2 when the budget ran out.
 */
function suffixEnd(s: string, p: number): number {
  const n = s.length;
  let m = p;
  while (m < n && isPyWs(s.charCodeAt(m))) m++;
  budget -= m - p + 1;
  if (budget < 0) return -2;
  if (m >= n) return -1;
  const c = s.charCodeAt(m);
  // the greedy group first: `,\s*{`, then the lazy `.*?}` and the rest
  if (c === 44) {
    let x = m + 1;
    while (x < n && isPyWs(s.charCodeAt(x))) x++;
    budget -= x - m;
    if (budget < 0) return -2;
    if (x < n && s.charCodeAt(x) === 123) {
      const e = firstBraceEnd(s, x + 1);
      if (e !== -1) return e;
    }
    // no further repetition: `\]` must match at the `,`
    return -1;
  }
  return c === 93 ? m + 1 : -1;
}

/**
 * The match end after the lazy `.*?}` from `p`: the first `}` at or after `p` whose rest (see
 * {@link suffixEnd}) matches gives it; -1 when none does, -2 when the budget ran out.
 */
function firstBraceEnd(s: string, p: number): number {
  for (let q = s.indexOf("}", p); q >= 0; q = s.indexOf("}", q + 1)) {
    const e = suffixEnd(s, q + 1);
    if (e !== -1) return e;
  }
  return -1;
}

export function findJsonCallList(s: string): [number, number] | undefined {
  const n = s.length;
  // Common case first: `[`, `\s*`, `{` at the start, and the only `]` is the last character,
  // preceded by `}` and `\s*`. Then a match starts at 0 (the first `[`; the lazy `.*?` can reach
  // the last `}`) and every match ends at the only `]`: the whole string.
  if (n >= 3 && s.charCodeAt(0) === 91 && s.indexOf("]") === n - 1) {
    let a = 1;
    while (a < n && isPyWs(s.charCodeAt(a))) a++;
    let b = n - 2;
    while (b > a && isPyWs(s.charCodeAt(b))) b--;
    if (s.charCodeAt(a) === 123 && b > a && s.charCodeAt(b) === 125) return [0, n];
  }
  // Otherwise follow the engine's search directly, within a work budget (past it, the general
  // computation below). A match can start only at a `[` followed by `\s*{`; at the first such
  // `[`, the lazy `.*?}` tries every later `}` in order. If none of them leads to a match, no
  // later start can match either (its candidate `}`s are a subset of those, and whether the rest
  // matches after a `}` depends on the `}` alone).
  budget = QUICK_BUDGET;
  for (let i = s.indexOf("["); i >= 0; i = s.indexOf("[", i + 1)) {
    let j = i + 1;
    while (j < n && isPyWs(s.charCodeAt(j))) j++;
    if (j >= n || s.charCodeAt(j) !== 123) continue;
    const end = firstBraceEnd(s, j + 1);
    if (end >= 0) return [i, end];
    if (end === -1) return undefined;
    break;
  }
  if (budget >= 0) return undefined;
  // nonWs[p]: the first q >= p that is not `\s` (n at the end).
  // suffixEnd[p]: end of the match of `\s*(,\s*{.*?}\s*)*\]` starting at p, or -1.
  // braceOk[p]: smallest q >= p with s[q] === "}" and suffixEnd[q+1] >= 0, or -1.
  // All are filled right to left, every cell written before it is read; buffers are reused.
  const w = n + 2;
  if (scratch.length < 3 * w) scratch = new Int32Array(Math.max(3 * w, 2 * scratch.length));
  const suffixEnd = scratch.subarray(0, w);
  const braceOk = scratch.subarray(w, 2 * w);
  const nonWs = scratch.subarray(2 * w, 3 * w);
  suffixEnd[n + 1] = -1;
  braceOk[n] = -1;
  braceOk[n + 1] = -1;
  nonWs[n] = n;
  nonWs[n + 1] = n + 1;
  let next = -1; // suffixEnd[p + 1]
  for (let p = n; p >= 0; p--) {
    let m = n;
    let c = 0;
    if (p < n) {
      c = s.charCodeAt(p);
      // Python's `\s`: ASCII fast path, the Unicode set only above 0x7f and for \v\f\x1c-\x1f
      const ws = c === 32 || c === 10 ? true : c > 32 && c < 0x85 ? false : isPyWhitespace(c);
      m = ws ? nonWs[p + 1]! : p;
    }
    nonWs[p] = m;
    let end = -1;
    if (m < n) {
      const d = m === p ? c : s.charCodeAt(m);
      if (d === 93 /* ] */) end = m + 1;
      else if (d === 44 /* , */) {
        const x = nonWs[m + 1]!;
        if (x < n && s.charCodeAt(x) === 123 /* { */) {
          const k = braceOk[x + 1]!;
          if (k >= 0) end = suffixEnd[k + 1]!;
        }
      }
    }
    suffixEnd[p] = end;
    if (p < n) braceOk[p] = c === 125 && next >= 0 ? p : braceOk[p + 1]!;
    next = end;
  }
  for (let i = s.indexOf("["); i >= 0 && i < n; i = s.indexOf("[", i + 1)) {
    const j = nonWs[i + 1]!;
    if (j < n && s.charCodeAt(j) === 123) {
      const k = braceOk[j + 1]!;
      if (k >= 0) return [i, suffixEnd[k + 1]!];
    }
  }
  return undefined;
}

/** BFCL `ast_parse(..., ReturnFormat.JSON)` + `parse_json_function_call`. */
function decodeJsonFormat(s: string): Decoded {
  // `re.search(r"\[.*\]", s, re.DOTALL)`: first "[" to last "]".
  const first = s.indexOf("[");
  const last = s.lastIndexOf("]");
  if (first >= 0 && last > first) s = s.slice(first, last + 1);
  const m = findJsonCallList(s);
  if (m) s = s.slice(m[0], m[1]);
  const parsed = tryParsePyJson(s, { grammar: "json" });
  if (parsed === undefined) return { value: [], dropped: true };
  const items = iterate(parsed);
  const out: PyValue[] = [];
  for (const item of items) {
    if (!(item instanceof PyDict)) continue;
    const name = item.get("function");
    if (name === undefined) throw new ParseError("KeyError: 'function'", 0, "json");
    const args = item.get("parameters");
    if (args === undefined) throw new ParseError("KeyError: 'parameters'", 0, "json");
    if (Array.isArray(name) || name instanceof PyDict) throw new ParseError("unhashable function name", 0, "json");
    out.push(new PyDict([name], [args]));
  }
  return { value: out, dropped: false };
}

/** Python iteration over a JSON value (`for x in value`). */
function iterate(v: PyValue): PyValue[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return [...v];
  if (v instanceof PyDict) return v.keys;
  throw new ParseError(`'${v === null ? "NoneType" : typeof v}' object is not iterable`, 0, "json");
}

const TOOL_OPEN = "<tool_call>\n";
const TOOL_CLOSE = "\n</tool_call>";

/** BFCL `QwenFCHandler._extract_tool_calls` + `decode_ast`. */
function decodeHermes(raw: PyValue): Decoded {
  if (typeof raw !== "string") throw new ParseError("hermes output must be a string", 0, "hermes");
  const calls: PyValue[] = [];
  let dropped = false;
  let from = 0;
  for (;;) {
    const i = raw.indexOf(TOOL_OPEN, from);
    if (i < 0) break;
    const start = i + TOOL_OPEN.length;
    const k = raw.indexOf(TOOL_CLOSE, start);
    if (k < 0) {
      dropped = true;
      break;
    }
    const parsed = tryParsePyJson(raw.slice(start, k), { grammar: "hermes" });
    if (parsed === undefined) dropped = true;
    else calls.push(parsed);
    from = k + TOOL_CLOSE.length;
  }
  const out: PyValue[] = [];
  for (const call of calls) {
    if (!(call instanceof PyDict)) throw new ParseError("Model did not return a list of function calls", 0, "hermes");
  }
  for (const call of calls as PyDict[]) {
    const name = call.get("name");
    if (name === undefined) throw new ParseError("KeyError: 'name'", 0, "hermes");
    const args = call.get("arguments");
    if (args === undefined) throw new ParseError("KeyError: 'arguments'", 0, "hermes");
    if (!(args instanceof PyDict)) throw new ParseError("'arguments' is not an object", 0, "hermes");
    if (Array.isArray(name) || name instanceof PyDict) throw new ParseError("unhashable function name", 0, "hermes");
    // `args` was parsed for this call alone: no copy needed
    out.push(new PyDict([name], [args]));
  }
  return { value: out, dropped };
}

/**
 * BFCL's OpenAI FC `decode_ast`, on `[{name: arguments_json}]`. Also accepted, and first
 * normalised to that shape: the OpenAI API's `tool_calls` items
 * (`{id?, type?, function: {name, arguments}}`) and `{name, arguments}` objects. A string is
 * parsed as JSON when it is a JSON array; any other string is a text answer (no tool calls).
 */
function decodeOpenAI(raw: PyValue, maxLength: number): Decoded {
  let list: PyValue = raw;
  if (typeof raw === "string") {
    // BFCL stores `message.content or ""` when there are no tool calls; its decoder iterates the
    // empty string to an empty call list (any other text fails to decode).
    if (raw === "") return { value: [], dropped: false };
    const t = pyStripChars(raw, " \t\n\r");
    const parsed = t.startsWith("[") ? tryParsePyJson(t, { grammar: "openai", maxLength }) : undefined;
    if (!Array.isArray(parsed)) throw new TextResponseError();
    list = parsed;
  }
  if (!Array.isArray(list)) throw new ParseError("tool_calls must be an array", 0, "openai");
  const out: PyValue[] = [];
  for (const item of list) {
    if (!(item instanceof PyDict) || item.size === 0) throw new ParseError("a tool call is not an object", 0, "openai");
    let name: PyValue;
    let args: PyValue;
    const fn = item.get("function");
    if (fn instanceof PyDict && fn.has("name")) {
      name = fn.get("name")!;
      args = fn.get("arguments") ?? null;
    } else if (item.size === 2 && item.has("name") && item.has("arguments")) {
      name = item.get("name")!;
      args = item.get("arguments")!;
    } else {
      name = item.keys[0]!;
      args = item.values[0]!;
    }
    if (typeof args !== "string") throw new ParseError("the arguments of a tool call must be a JSON string", 0, "openai");
    const params = parsePyJson(args, { grammar: "openai" });
    if (Array.isArray(name) || name instanceof PyDict) throw new ParseError("unhashable function name", 0, "openai");
    out.push(new PyDict([name], [params]));
  }
  return { value: out, dropped: false };
}

/** BFCL `is_function_calling_format_output`: a list of one-key dicts whose value is a dict. */
export function asCallList(decoded: PyValue): PyDict[] | undefined {
  if (!Array.isArray(decoded)) return undefined;
  for (const item of decoded) {
    if (!(item instanceof PyDict) || item.size !== 1 || !(item.values[0] instanceof PyDict)) return undefined;
  }
  return decoded as PyDict[];
}
