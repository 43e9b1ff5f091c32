/**
 * BFCL's JavaScript type converter, reimplemented.
 *
 * BFCL's JavaScript decoder hands the checker every argument as source text; the checker
 * converts it by the parameter's declared type with `js_type_converter` (BFCL
 * `bfcl_eval/eval_checker/ast_eval/type_convertor/js_type_converter.py`). Like the Java one it
 * is regex-driven and returns the text unchanged when it does not recognise it. Every regex
 * below is BFCL's, translated to JavaScript with Python's semantics (see {@link PY_RE}).
 */
import { CheckerCrashError } from "../errors.js";
import { PY_RE, pyFloatFromString, pyIntFromString, pySlice, pyStrip } from "./pyconv.js";
import { PyDict, PyFloat, type PyValue } from "./pyvalue.js";

const S = PY_RE.space;
const D = PY_RE.digit;
const W = PY_RE.word;
const ANY = PY_RE.any;
const END = PY_RE.end;

const re = (source: string, flags = "") => new RegExp(source, "u" + flags);

/** The keys of BFCL's `JS_TYPE_CONVERSION` (`bfcl_eval/constants/type_mappings.py`). */
export const JS_TYPES: ReadonlySet<string> = new Set(["String", "integer", "float", "Bigint", "Boolean", "dict", "array", "any"]);

const INTEGER = re(`^-?${D}+${END}`);
const FLOAT = re(`^-?${D}+(\\.${D}+)?${END}`);
const BIGINT = re(`^-?${D}+n${END}`);

/** Python `\b` before a word character at the start of a `re.match`: no word character before it. */
const WORD_START = `(?<!${W})`;
const ARRAY_2D = re(
  `^(?:\\[${S}*\\[${ANY}*?\\]${S}*(,${S}*\\[${ANY}*?\\]${S}*)*\\]` +
    `|${WORD_START}new${S}+Array\\(${S}*\\[${ANY}*?\\]${S}*(,${S}*\\[${ANY}*?\\]${S}*)*\\))`,
);
const ARRAY_1D = re(`^(?:\\[(${ANY}*?)\\]|${WORD_START}new${S}+Array\\((${ANY}*?)\\))`);
const BRACKETED = re(`\\[(${ANY}*?)\\]`, "g");
const DICT = re(`^\\{(${ANY}*?)\\}`);
const DICT_PAIR = re(`([^:]+):${S}*(${ANY}*?)(?:,${S}*(?=[^,]+:)|${END})`, "g");

const QUOTES = "'\"";

function isQuoted(text: string): boolean {
  return (text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'"));
}

/** Python `int(text)` where BFCL does not catch the `ValueError` (`"5n\n"`, over 4300 digits). */
function intOrCrash(text: string): number | bigint {
  const v = pyIntFromString(text);
  if (v === undefined) throw new CheckerCrashError(`invalid literal for int() with base 10: ${text}`, "value_error");
  return v;
}

/**
 * Mirrors BFCL `js_type_converter(value, expected_type, nested_type)`.
 *
 * - `String`: a single- or double-quoted text loses its first and last character, else unchanged;
 * - `integer` (`-?\d+`), `float` (`-?\d+(\.\d+)?`, no exponent), `Bigint` (`…n`), `Boolean`
 *   (`true`/`false`): a Python int/float/bool when the text matches, else the text;
 * - `array`, `dict`: {@link parseJsCollection};
 * - `any`: the text;
 * - other types: BFCL raises `ValueError`; this throws {@link CheckerCrashError} (`unsupported_type`).
 */
export function jsTypeConverter(value: string, expectedType: string, nestedType?: string): PyValue {
  if (!JS_TYPES.has(expectedType)) throw new CheckerCrashError(`Unsupported type: ${expectedType}`, "unsupported_type");
  switch (expectedType) {
    case "String":
      return isQuoted(value) ? pySlice(value, 1, -1) : value;
    case "integer":
      return INTEGER.test(value) ? intOrCrash(value) : value;
    case "float": {
      if (!FLOAT.test(value)) return value;
      // The pattern admits only digits, a sign and a point: float() cannot fail on it.
      return new PyFloat(pyFloatFromString(value)!);
    }
    case "Bigint":
      // `int(value[:-1])`: with a final "\n" (which `$` allows) that drops the "\n", not the "n".
      return BIGINT.test(value) ? intOrCrash(pySlice(value, 0, -1)) : value;
    case "Boolean":
      return value === "true" || value === "false" ? value === "true" : value;
    case "dict":
      return parseJsCollection(value, "dict", nestedType);
    case "array":
      return parseJsCollection(value, "array", nestedType);
    case "any":
      return value;
  }
  throw new CheckerCrashError(`Unsupported type: ${expectedType}`, "unsupported_type");
}

/**
 * Mirrors BFCL `parse_js_collection(code, type_str, nested_type)`. The text is stripped first.
 *
 * `array`:
 * - a "2-D" prefix (`[[…], […]]` or `new Array([…], […])`, each inner `[…]` up to its first `]`):
 *   every `[…]` span found in it becomes a list of guessed values ({@link parseJsValue}), the
 *   first one losing a leading `[`; the element type is ignored here;
 * - else a 1-D prefix (`[…]` up to the first `]`, or `new Array(…)` up to the first `)`): split
 *   on every comma, each element converted by the element type (quoted elements with
 *   `nested_type="String"` passed through) or guessed;
 * - else the stripped text. Any error inside (an unsupported element type, an int() failure)
 *   also returns the stripped text, as BFCL's bare `except:` does.
 *
 * `dict`: `{}` → empty dict; else the prefix `{…}` up to the first `}` is cut into `key: value`
 * pairs with BFCL's regex (a comma ends a value only when another `key:` follows); keys lose
 * quotes, values `[…]` are parsed as arrays, others lose quotes and are guessed. No match → the
 * stripped text.
 */
export function parseJsCollection(code: string, typeStr: "array" | "dict", nestedType?: string): PyValue {
  code = pyStrip(code);
  if (typeStr === "array") {
    try {
      const m2 = ARRAY_2D.exec(code);
      if (m2) {
        const rows: PyValue[] = [];
        let idx = 0;
        for (const inner of m2[0].matchAll(BRACKETED)) {
          let row = pyStrip(inner[1]!);
          if (idx === 0 && row.startsWith("[")) row = pySlice(row, 1);
          rows.push(row.split(",").map((e) => parseJsValue(pyStrip(e))));
          idx++;
        }
        return rows;
      }
      const m1 = ARRAY_1D.exec(code);
      if (!m1) return code;
      const body = m1[1] ?? m1[2];
      const trimmed = body === undefined ? "" : pyStrip(body);
      const parts = trimmed === "" ? [] : trimmed.split(",");
      if (nestedType) {
        return parts.map((part) => {
          const e = pyStrip(part);
          return e.startsWith("'") || e.startsWith('"') ? jsTypeConverter(e, nestedType, "String") : jsTypeConverter(e, nestedType);
        });
      }
      return parts.map((part) => parseJsValue(pyStrip(part)));
    } catch {
      // BFCL: a bare `except:` returns the (stripped) code.
      return code;
    }
  }

  if (code === "{}") return new PyDict();
  const m = DICT.exec(code);
  if (!m) return code;
  try {
    const dict = new PyDict();
    for (const pair of m[1]!.matchAll(DICT_PAIR)) {
      const key = pyStrip(pyStrip(pair[1]!), QUOTES);
      const value = pyStrip(pair[2]!);
      if (value.startsWith("[") && value.endsWith("]")) dict.set(key, parseJsCollection(value, "array"));
      else if (value.startsWith("{") && value.endsWith("}")) dict.set(key, parseJsCollection(value, "dict"));
      else dict.set(key, parseJsValue(pyStrip(value, QUOTES)));
    }
    return dict;
  } catch {
    // BFCL: `except Exception` prints the error and returns the code.
    return code;
  }
}

/**
 * Mirrors BFCL `parse_js_value` (an element of unknown type): stripped; `true`/`false`; a
 * quoted text loses its first and last character; else Python `int()`, then `float()` (so
 * `Infinity`, `NaN`, `1e3`, `1_000` are numbers), else the text.
 */
export function parseJsValue(text: string): PyValue {
  const v = pyStrip(text);
  if (v === "true") return true;
  if (v === "false") return false;
  if (isQuoted(v)) return pySlice(v, 1, -1);
  const i = pyIntFromString(v);
  if (i !== undefined) return i;
  const f = pyFloatFromString(v);
  if (f !== undefined) return new PyFloat(f);
  return v;
}
