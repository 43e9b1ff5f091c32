import { AdvfcError, InvalidInputError, ParseError } from "../errors.js";
import { OUTPUT_MODES, type OutputMode } from "../parse/decode.js";
import { parsePyJson, PyJsonParser } from "../parse/pyjson.js";
import { checkCase, isRelevanceCategory, normalizeCategory, type CallOutcome, type CheckCaseOptions } from "./check-case.js";
import type { Category } from "../schema/category.js";
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

/**
 * A bounded cache of parsed `functions` and `possible_answer` members keyed by their raw JSON
 * text (the same text always parses to the same value, so one cache serves both). Scoring many
 * outputs of the same prompt (RL rollouts, the modes and variants of one BFCL entry, live
 * entries sharing tool docs) then parses each tool list and answer once. The cached values are
 * never mutated. Oldest entries are evicted first.
 */
export class DocCache {
  private readonly map = new Map<string, PyValue>();
  /** Most recently used entries, checked first with one `startsWith` (no scan, no hash). */
  private readonly recent: Array<{ raw: string; value: PyValue }> = [];
  hits = 0;
  misses = 0;
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
        if (i > 0) {
          r.splice(i, 1);
          r.unshift(e);
        }
        this.hits++;
        return e;
      }
    }
    return undefined;
  }

  get(raw: string, parse: () => PyValue): PyValue {
    const v = this.map.get(raw);
    if (v !== undefined) {
      this.hits++;
      this.remember(raw, v);
      return v;
    }
    this.misses++;
    const parsed = parse();
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(raw, parsed);
    this.remember(raw, parsed);
    return parsed;
  }

  private remember(raw: string, value: PyValue): void {
    this.recent.unshift({ raw, value });
    if (this.recent.length > 4) this.recent.pop();
  }

  clear(): void {
    this.map.clear();
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
      if (key === "functions" || key === "possible_answer") {
        const start = p.pos;
        const recent = cache.matchRecent(text, start);
        if (recent) {
          p.pos = start + recent.raw.length;
          out.set(key, recent.value);
        } else {
          const end = p.skipValue();
          const raw = text.slice(start, end);
          out.set(key, cache.get(raw, () => parsePyJson(raw, { grammar: "json" })));
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
