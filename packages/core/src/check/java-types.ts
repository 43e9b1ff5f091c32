/**
 * BFCL's Java type converter, reimplemented.
 *
 * BFCL's Java decoder hands the checker every argument as source text; the checker converts it
 * by the parameter's declared type with `java_type_converter` (BFCL
 * `bfcl_eval/eval_checker/ast_eval/type_convertor/java_type_converter.py`). The conversion is
 * regex-driven and lenient: text that does not look like the declared type comes back unchanged
 * (a `str`), which the checker then fails or, for a "variable", accepts. Every regex below is
 * BFCL's, translated to JavaScript with Python's semantics (see {@link PY_RE}).
 */
import { CheckerCrashError } from "../errors.js";
import { PY_RE, pyFloatFromString, pyIntFromString, pySlice, pyStrip } from "./pyconv.js";
import { PyDict, PyFloat, type PyValue } from "./pyvalue.js";

const S = PY_RE.space;
const D = PY_RE.digit;
const W = PY_RE.word;
const ANY = PY_RE.any;
const ALL = PY_RE.anyDotAll;
const END = PY_RE.end;

const re = (source: string, flags = "") => new RegExp(source, "u" + flags);

/** The keys of BFCL's `JAVA_TYPE_CONVERSION` (`bfcl_eval/constants/type_mappings.py`). */
export const JAVA_TYPES: ReadonlySet<string> = new Set([
  "byte",
  "short",
  "integer",
  "float",
  "double",
  "long",
  "boolean",
  "char",
  "Array",
  "ArrayList",
  "Set",
  "HashMap",
  "Hashtable",
  "Queue",
  "Stack",
  "String",
  "any",
]);

const INTEGER = re(`^-?${D}+${END}`);
const FLOAT_F = re(`^-?${D}+(\\.${D}+)?([eE][+-]?${D}+)?[fF]${END}`);
const DOUBLE = re(`^-?${D}+(\\.${D}+)?([eE][+-]?${D}+)?${END}`);
const LONG = re(`^-?${D}+[lL]${END}`);
const TRAILING_F = re(`[fF]${END}`, "g");
const TRAILING_L = re(`[lL]${END}`, "g");

const ARRAYLIST_ASLIST = re(`new${S}+ArrayList<${W}*>\\(Arrays\\.asList\\((${ANY}+?)\\)\\)`);
const ARRAYLIST_ADD = re(`new${S}+ArrayList<${W}*>\\(\\)${S}*\\{\\{${S}*(${ALL}+?)${S}*\\}\\}`);
const ADD_CALL = re(`add\\((${ANY}+?)\\)`, "g");
const ARRAYLIST_EMPTY = re(`new${S}+ArrayList<${W}*>\\(\\)`);
const ARRAY = re(`new${S}+${W}+\\[\\]${S}*\\{(${ANY}*?)\\}`);
const HASHMAP = re(`new${S}+HashMap<${ALL}*?>${S}*\\(\\)${S}*\\{${S}*\\{?${S}*(${ALL}*?)${S}*\\}?${S}*\\}`);
const PUT_CALL = re(`put\\("(${ANY}*?)",${S}*(${ANY}*?)\\)`, "g");
const HASHMAP_EMPTY = re(`new${S}+HashMap<${ANY}*?>${S}*\\(\\)`);

/** Python `int(text)` where BFCL does not catch the `ValueError` (over 4300 digits). */
function intOrCrash(text: string): number | bigint {
  const v = pyIntFromString(text);
  if (v === undefined) throw new CheckerCrashError(`invalid literal for int() with base 10: ${text}`, "value_error");
  return v;
}

/** Python `float(text)` where BFCL does not catch the `ValueError`. */
function floatOrCrash(text: string): PyFloat {
  const v = pyFloatFromString(text);
  if (v === undefined) throw new CheckerCrashError(`could not convert string to float: ${text}`, "value_error");
  return new PyFloat(v);
}

/**
 * Mirrors BFCL `java_type_converter(value, expected_type, nested_type)`.
 *
 * - `byte`/`short`/`integer`, `long` (`…L`), `float` (`…f`), `double`: a Python int/float when the
 *   text matches BFCL's pattern, else the text itself;
 * - `boolean`: `true`/`false` exactly, else the text;
 * - `char`, `String`, `any`: the text unchanged (BFCL's char pattern never matches);
 * - `Array`, `ArrayList`, `HashMap`: see {@link parseJavaArray}, {@link parseJavaArrayList},
 *   {@link parseJavaHashMap};
 * - `Set`, `Hashtable`, `Queue`, `Stack` and unknown types: BFCL raises; this throws
 *   {@link CheckerCrashError} with code `unsupported_type`.
 *
 * Throws {@link CheckerCrashError} with code `value_error` where BFCL's own `int()` raises (a
 * number of more than 4300 digits).
 */
export function javaTypeConverter(value: string, expectedType: string, nestedType?: string): PyValue {
  if (!JAVA_TYPES.has(expectedType)) throw new CheckerCrashError(`Unsupported type: ${expectedType}`, "unsupported_type");
  switch (expectedType) {
    case "byte":
    case "short":
    case "integer":
      return INTEGER.test(value) ? intOrCrash(value) : value;
    case "float":
      return FLOAT_F.test(value) ? floatOrCrash(value.replace(TRAILING_F, "")) : value;
    case "double":
      return DOUBLE.test(value) ? floatOrCrash(value) : value;
    case "long":
      return LONG.test(value) ? intOrCrash(value.replace(TRAILING_L, "")) : value;
    case "boolean":
      return value === "true" || value === "false" ? value === "true" : value;
    case "char":
      // BFCL tests `^'.$'` (`$` before the closing quote: it can never match) and returns the
      // text either way.
      return value;
    case "Array":
      return parseJavaArray(value, nestedType);
    case "ArrayList":
      return parseJavaArrayList(value, nestedType);
    case "HashMap":
      return parseJavaHashMap(value);
    case "Set":
    case "Hashtable":
      throw new CheckerCrashError("Set conversion is not implemented", "unsupported_type");
    case "Queue":
    case "Stack":
      throw new CheckerCrashError(`${expectedType} conversion is not implemented`, "unsupported_type");
    case "String":
    case "any":
      return value;
  }
  throw new CheckerCrashError(`Unsupported type: ${expectedType}`, "unsupported_type");
}

/** One element of an ArrayList: BFCL drops the first and last character for char/String, else converts. */
function arrayListElement(text: string, nestedType: string | undefined): PyValue {
  if (nestedType === "char" || nestedType === "String") return pySlice(text, 1, -1);
  return nestedType ? javaTypeConverter(text, nestedType) : parseJavaValue(text);
}

/**
 * Mirrors BFCL `parse_arraylist`. Tries, in order and anywhere in the text:
 * `new ArrayList<T>(Arrays.asList(a, b))` (elements split on every comma, one line only),
 * `new ArrayList<T>() {{ add(a); add(b); }}` (each `add(…)` up to its first `)`), and
 * `new ArrayList<T>()` (→ `[]`); otherwise returns the text.
 */
export function parseJavaArrayList(input: string, nestedType?: string): PyValue {
  const asList = ARRAYLIST_ASLIST.exec(input);
  if (asList) return asList[1]!.split(",").map((e) => arrayListElement(pyStrip(e), nestedType));

  const adds = ARRAYLIST_ADD.exec(input);
  if (adds) {
    const out: PyValue[] = [];
    for (const m of adds[1]!.matchAll(ADD_CALL)) out.push(arrayListElement(pyStrip(m[1]!), nestedType));
    return out;
  }

  if (ARRAYLIST_EMPTY.test(input)) return [];
  return input;
}

/**
 * Mirrors BFCL `parse_array`: the first `new T[]{…}` up to the first `}` (so nested arrays are
 * cut short); elements split on commas, blank ones dropped, each converted by the element type
 * or guessed. Otherwise returns the text.
 */
export function parseJavaArray(input: string, nestedType?: string): PyValue {
  const m = ARRAY.exec(input);
  if (!m) return input;
  const out: PyValue[] = [];
  for (const part of m[1]!.split(",")) {
    const e = pyStrip(part);
    if (e === "") continue;
    out.push(nestedType ? javaTypeConverter(e, nestedType) : parseJavaValue(e));
  }
  return out;
}

/**
 * Mirrors BFCL `parse_hashmap`: `new HashMap<…>() {{ put("k", v); … }}` gives a dict of the
 * `put("k", v)` pairs (values guessed, each up to the first `)`); `new HashMap<…>()` gives `{}`.
 * Otherwise returns the text. BFCL's Java decoder drops anonymous class bodies, so from model
 * output this sees `new HashMap<…>()` and yields `{}`.
 */
export function parseJavaHashMap(input: string): PyValue {
  const m = HASHMAP.exec(input);
  if (m) {
    const dict = new PyDict();
    const body = m[1]!;
    if (pyStrip(body) !== "") {
      for (const put of body.matchAll(PUT_CALL)) dict.set(put[1]!, parseJavaValue(pyStrip(put[2]!)));
    }
    return dict;
  }
  if (HASHMAP_EMPTY.test(input)) return new PyDict();
  return input;
}

/**
 * Mirrors BFCL `parse_java_value` (an element of unknown type): `true`/`false`; a double-quoted
 * string loses its first and last character; `…L` → int; `…f` → float; else Python `int()`,
 * then `float()` (so `1_000`, `inf` and Unicode digits are numbers), else the text.
 */
export function parseJavaValue(text: string): PyValue {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.startsWith('"') && text.endsWith('"')) return pySlice(text, 1, -1);
  if (LONG.test(text)) return intOrCrash(pySlice(text, 0, -1));
  if (FLOAT_F.test(text)) return floatOrCrash(text.replace(TRAILING_F, ""));
  const i = pyIntFromString(text);
  if (i !== undefined) return i;
  const f = pyFloatFromString(text);
  if (f !== undefined) return new PyFloat(f);
  return text;
}
