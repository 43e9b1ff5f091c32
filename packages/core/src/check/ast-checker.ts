import { CheckerCrashError } from "../errors.js";
import { javaTypeConverter } from "./java-types.js";
import { jsTypeConverter } from "./js-types.js";
import { PyDict, PyFloat, PyTuple, pyEquals, pyIn, pyRepr, pyTypeName, type PyValue } from "./pyvalue.js";

/**
 * BFCL v4's AST checker (`bfcl_eval/eval_checker/ast_eval/ast_checker.py`), reimplemented on
 * Python values. Same dispatch, same order of checks, same error types; the quirks are
 * reproduced on purpose (see DESIGN.md, "The checker must agree with BFCL's").
 *
 * Where BFCL's own code would raise (a doc without `type`, a Java `Set`, a malformed answer),
 * a {@link CheckerCrashError} is thrown and the caller reports `checker_error:<code>`.
 */

export type CheckLanguage = "python" | "java" | "javascript";

export interface AstCheckResult {
  valid: boolean;
  /** BFCL's error type, e.g. `simple_function_checker:missing_required`; null when valid. */
  errorType: string | null;
  /** Human-readable reasons, BFCL's wording where practical. */
  errors: string[];
}

export interface AstCheckOptions {
  /**
   * BFCL's `underscore_to_dot` model setting: compare against the doc name with `.` replaced by
   * `_` (what OpenAI-style tool names need).
   * @default false
   */
  underscoreToDot?: boolean;
}

const OK: AstCheckResult = Object.freeze({ valid: true, errorType: null, errors: [] }) as AstCheckResult;

/** A message builder and its arguments, called only when the message is read. */
type Msg = [build: (a: PyValue, b: PyValue, c: PyValue) => string, a: PyValue, b: PyValue, c: PyValue];

/**
 * A failed check whose messages are built only when `errors` is read: scoring needs the error
 * type alone, and the messages (Python reprs of values and answers) cost more than the check.
 * The hot functions create no closures (a closure makes V8 allocate its captured variables on
 * every call, failing or not): they pass message builders and arguments.
 */
class Failure implements AstCheckResult {
  readonly valid = false;
  private built: string[] | undefined = undefined;
  constructor(
    readonly errorType: string,
    readonly msgList: readonly Msg[],
  ) {}
  get errors(): string[] {
    return (this.built ??= this.msgList.map(([f, a, b, c]) => f(a, b, c)));
  }
  toJSON(): AstCheckResult {
    return { valid: false, errorType: this.errorType, errors: this.errors };
  }
}

function fail(errorType: string, build: Msg[0], a: PyValue = null, b: PyValue = null, c: PyValue = null): AstCheckResult {
  return new Failure(errorType, [[build, a, b, c]]);
}

const msgWrongCount = (): string => "Wrong number of functions.";
const msgString = (param: PyValue, value: PyValue, pa: PyValue): string =>
  `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(pa)}. Case insensitive.`;
const msgInvalid = (param: PyValue, value: PyValue, pa: PyValue): string =>
  `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(pa)}.`;
const msgUnexpectedKey = (key: PyValue): string => `Unexpected dict key parameter: '${typeof key === "string" ? key : pyRepr(key)}'.`;
const msgMissingKey = (key: PyValue): string => `Missing dict key parameter: '${typeof key === "string" ? key : pyRepr(key)}'.`;
const msgWrongName = (name: PyValue): string => `Function name ${pyRepr(name)} not found in model output.`;
const msgMissingRequired = (param: PyValue): string => `Missing required parameter: ${pyRepr(param)}.`;
const msgUnexpectedParam = (param: PyValue): string => `Unexpected parameter: ${pyRepr(param)}.`;
const msgNotString = (param: PyValue, value: PyValue): string =>
  `Incorrect type for parameter ${pyRepr(param)}. Expected type String, got ${typeOf(value)}. Parameter value: ${pyRepr(value)}.`;
const msgMissingOptional = (param: PyValue): string => `Optional parameter ${pyRepr(param)} not provided and not marked as optional.`;
const msgNested = (param: PyValue, value: PyValue, types: PyValue): string =>
  `Nested type checking failed for parameter ${pyRepr(param)}. Expected outer type ${(types as string[])[0]} with inner type ${pyClassName((types as PyType[])[1]!)}. Parameter value: ${pyRepr(value)}.`;
const msgSimpleType = (param: PyValue, value: PyValue, expected: PyValue): string =>
  `Incorrect type for parameter ${pyRepr(param)}. Expected type ${expected as string}, got ${typeOf(value)}. Parameter value: ${pyRepr(value)}.`;

/** A Python "type" as BFCL's mappings name them. */
type PyType = "str" | "int" | "float" | "bool" | "list" | "dict" | "set";

const PYTHON_TYPE_MAPPING: Record<string, PyType> = {
  string: "str",
  integer: "int",
  float: "float",
  boolean: "bool",
  array: "list",
  tuple: "list",
  dict: "dict",
  any: "str",
};

/**
 * JSON-Schema names BFCL's Python mapping lacks (BFCL raises KeyError on them). advfc maps them
 * so that OpenAI/xLAM-style tool docs can be checked; BFCL has no verdict to disagree with.
 */
const JSON_SCHEMA_EXTENSION: Record<string, PyType> = {
  number: "float",
  object: "dict",
  list: "list",
  bool: "bool",
  str: "str",
  int: "int",
};

const JAVA_TYPE_CONVERSION: Record<string, PyType> = {
  byte: "int",
  short: "int",
  integer: "int",
  float: "float",
  double: "float",
  long: "int",
  boolean: "bool",
  char: "str",
  Array: "list",
  ArrayList: "list",
  Set: "set",
  HashMap: "dict",
  Hashtable: "dict",
  Queue: "list",
  Stack: "list",
  String: "str",
  any: "str",
};

const JS_TYPE_CONVERSION: Record<string, PyType> = {
  String: "str",
  integer: "int",
  float: "float",
  Bigint: "int",
  Boolean: "bool",
  dict: "dict",
  array: "list",
  any: "str",
};

const PYTHON_NESTED = new Set(["array", "tuple"]);
const NESTED_CONVERSION = new Set(["Array", "ArrayList", "array"]);

function pyClassName(t: PyType): string {
  return `<class '${t}'>`;
}

// ---------------------------------------------------------------------------------------------
// Python operations with Python's failure modes

function crash(message: string, code = "malformed_input"): never {
  throw new CheckerCrashError(message, code);
}

/** Python `d[key]` on a dict. */
function getItem(container: PyValue | undefined, key: PyValue, what: string): PyValue {
  if (container instanceof PyDict) {
    const i = container.indexOf(key);
    if (i < 0) crash(`KeyError: ${pyRepr(key)} in ${what}`);
    return container.values[i]!;
  }
  if (Array.isArray(container) || typeof container === "string") {
    if (typeof key !== "number") crash(`TypeError: indices must be integers (${what})`);
    const n = container.length;
    const idx = key < 0 ? key + n : key;
    if (idx < 0 || idx >= n) crash(`IndexError: index out of range (${what})`);
    return container[idx]!;
  }
  return crash(`TypeError: '${container === undefined ? "None" : pyTypeName(container)}' object is not subscriptable (${what})`);
}

/** Python `len(x)`. */
function pyLen(x: PyValue, what: string): number {
  if (typeof x === "string") return [...x].length;
  if (Array.isArray(x)) return x.length;
  if (x instanceof PyTuple) return x.items.length;
  if (x instanceof PyDict) return x.size;
  return crash(`TypeError: object of type '${pyTypeName(x)}' has no len() (${what})`);
}

/** Python iteration: strings give characters, dicts give keys. */
function pyIter(x: PyValue, what: string): PyValue[] {
  if (Array.isArray(x)) return x;
  if (typeof x === "string") return [...x];
  if (x instanceof PyTuple) return x.items;
  if (x instanceof PyDict) return x.keys;
  return crash(`TypeError: '${pyTypeName(x)}' object is not iterable (${what})`);
}

/** Python `item in container`. */
function pyContains(container: PyValue, item: PyValue, what: string): boolean {
  if (Array.isArray(container)) return pyIn(item, container);
  if (container instanceof PyDict) return container.has(item);
  if (container instanceof PyTuple) return pyIn(item, container.items);
  if (typeof container === "string") {
    if (typeof item !== "string") crash(`TypeError: 'in <string>' requires string as left operand (${what})`);
    return container.includes(item);
  }
  return crash(`TypeError: argument of type '${pyTypeName(container)}' is not iterable (${what})`);
}

function typeOf(v: PyValue): PyType | string {
  return pyTypeName(v);
}

const STANDARDIZE = /[ ,./\-_*^]/g;
/** Anything `standardize_string` would change: a dropped character, upper case, `'`, non-ASCII. */
const NEEDS_STANDARDIZE = /[ ,./\-_*^A-Z'\u0080-\uffff]/;

/** BFCL `standardize_string`: drop spaces and `,./-_*^`, lower-case, `'` → `"`. */
export function standardizeString(s: string): string {
  if (!NEEDS_STANDARDIZE.test(s)) return s;
  // ASCII (the common case): one pass; otherwise the engine's Unicode lower-casing
  const n = s.length;
  if (n <= 256) {
    let out = "";
    let from = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return s.replace(STANDARDIZE, "").toLowerCase().replace(/'/g, '"');
      if (c === 32 || c === 44 || c === 46 || c === 47 || c === 45 || c === 95 || c === 42 || c === 94) {
        if (i > from) out += s.slice(from, i);
        from = i + 1;
      } else if ((c >= 65 && c <= 90) || c === 39) {
        if (i > from) out += s.slice(from, i);
        out += c === 39 ? '"' : LOWER[c - 65]!;
        from = i + 1;
      }
    }
    return from === 0 ? s : from < n ? out + s.slice(from) : out;
  }
  return s.replace(STANDARDIZE, "").toLowerCase().replace(/'/g, '"');
}

const LOWER = "abcdefghijklmnopqrstuvwxyz".split("");

// ---------------------------------------------------------------------------------------------

/** BFCL `get_possible_answer_type`. */
function possibleAnswerType(possibleAnswer: PyValue): string | undefined {
  for (const a of pyIter(possibleAnswer, "possible answer")) if (!pyEquals(a, "")) return typeOf(a);
  return undefined;
}

interface TypeCheck extends AstCheckResult {
  isVariable: boolean;
}

const TYPE_OK: TypeCheck = Object.freeze({ valid: true, errorType: null, errors: [], isVariable: false }) as TypeCheck;
const TYPE_OK_VARIABLE: TypeCheck = Object.freeze({ valid: true, errorType: null, errors: [], isVariable: true }) as TypeCheck;
const TYPE_SIMPLE_VARIABLE: TypeCheck = Object.freeze({ valid: true, errorType: "type_error:simple", errors: [], isVariable: true }) as TypeCheck;

/** A failed {@link typeChecker} result (`valid: false`), or a nested failure let through as a variable (`isVariable`); messages built on demand. */
class TypeFailure extends Failure implements TypeCheck {
  constructor(
    errorType: string,
    msgs: readonly Msg[],
    readonly isVariable: boolean,
  ) {
    super(errorType, msgs);
  }
}

/** BFCL `type_checker` (one level of nesting). */
function typeChecker(
  param: PyValue,
  value: PyValue,
  possibleAnswer: PyValue,
  expectedDescription: string,
  expected: PyType,
  nested: PyType | undefined,
): TypeCheck {
  let isVariable = false;
  const paType = possibleAnswerType(possibleAnswer);
  if (paType !== undefined && paType !== expected) isVariable = true;

  let nestedFailure: Msg | undefined;
  if (typeOf(value) === expected) {
    if (nested === undefined) return isVariable ? TYPE_OK_VARIABLE : TYPE_OK;
    for (const item of pyIter(possibleAnswer, "possible answer")) {
      let flag = true;
      if (Array.isArray(item)) {
        for (const v of pyIter(value, "value")) {
          const r = typeChecker(param, v, item, pyClassName(nested), nested, undefined);
          if (!r.valid) {
            flag = false;
            break;
          }
        }
      }
      if (flag) return isVariable ? TYPE_OK_VARIABLE : TYPE_OK;
    }
    nestedFailure = [msgNested, param, value, [expectedDescription, nested]];
  }
  if (paType !== undefined && typeOf(value) === paType) {
    if (nestedFailure) return new TypeFailure("type_error:nested", [nestedFailure], true);
    return TYPE_SIMPLE_VARIABLE;
  }
  const simple: Msg = [msgSimpleType, param, value, expectedDescription];
  return new TypeFailure("type_error:simple", nestedFailure ? [nestedFailure, simple] : [simple], false);
}

/** A list of possible answers, and its strings standardized (undefined for the other items). */
interface StdAnswers {
  readonly items: readonly PyValue[];
  readonly std: readonly (string | undefined)[];
}

/**
 * The standardized strings of possible-answer lists, by list: the same ground truth is checked
 * against many outputs (its tool docs and answers come from the doc cache, the same objects each
 * time), so its side of the comparison is computed once. An entry is used only while the list
 * still holds the very same items (a caller may reuse and change its own arrays).
 */
const stdAnswerCache = new WeakMap<PyValue[], StdAnswers>();

function standardizedAnswers(list: PyValue[]): readonly (string | undefined)[] {
  const e = stdAnswerCache.get(list);
  if (e !== undefined && e.items.length === list.length) {
    let same = true;
    for (let i = 0; i < list.length; i++) {
      if (e.items[i] !== list[i]) {
        same = false;
        break;
      }
    }
    if (same) return e.std;
  }
  const items = list.slice();
  const std = items.map((a) => (typeof a === "string" ? standardizeString(a) : undefined));
  stdAnswerCache.set(list, { items, std });
  return std;
}

/** BFCL `string_checker`. */
function stringChecker(param: PyValue, value: string, possibleAnswer: PyValue): AstCheckResult {
  const std = standardizeString(value);
  if (Array.isArray(possibleAnswer)) {
    const answers = standardizedAnswers(possibleAnswer);
    for (let i = 0; i < answers.length; i++) if (answers[i] === std) return OK;
    return fail("value_error:string", msgString, param, value, possibleAnswer);
  }
  for (const a of pyIter(possibleAnswer, "possible answer")) if (typeof a === "string" && standardizeString(a) === std) return OK;
  return fail("value_error:string", msgString, param, value, possibleAnswer);
}

/** BFCL `list_checker`. */
function listChecker(param: PyValue, value: PyValue[], possibleAnswer: PyValue): AstCheckResult {
  const std = value.map((v) => (typeof v === "string" ? standardizeString(v) : v));
  for (const option of pyIter(possibleAnswer, "possible answer")) {
    const n = pyLen(option, "possible answer option");
    const opt: PyValue[] = [];
    for (let j = 0; j < n; j++) {
      const x = getItem(option, j, "possible answer option");
      opt.push(typeof x === "string" ? standardizeString(x) : x);
    }
    if (pyEquals(std, opt)) return OK;
  }
  return fail("value_error:list/tuple", msgInvalid, param, value, possibleAnswer);
}

/** BFCL `dict_checker`. */
function dictChecker(param: PyValue, value: PyValue, possibleAnswers: PyValue): AstCheckResult {
  void param;
  let result: AstCheckResult = { valid: false, errorType: "dict_checker:unclear", errors: [] };
  if (!(value instanceof PyDict)) crash(`AttributeError: '${pyTypeName(value)}' object has no attribute 'items'`);
  for (const possibleAnswer of pyIter(possibleAnswers, "possible answers")) {
    if (pyEquals(possibleAnswer, "")) continue;
    // this answer's messages (built on demand) and error type
    const msgs: Msg[] = [];
    let errorType = "dict_checker:unclear";
    let flag = true;
    for (let i = 0; i < value.keys.length; i++) {
      const key = value.keys[i]!;
      const v = value.values[i]!;
      if (!pyContains(possibleAnswer, key, "dict possible answer")) {
        msgs.push([msgUnexpectedKey, key, null, null]);
        errorType = "value_error:dict_key";
        flag = false;
        break;
      }
      const stdValue = typeof v === "string" ? standardizeString(v) : v;
      const allowed = pyIter(getItem(possibleAnswer, key, "dict possible answer"), "dict possible answer").map((x) =>
        typeof x === "string" ? standardizeString(x) : x,
      );
      if (!pyIn(stdValue, allowed)) {
        msgs.push([msgInvalid, key, v, allowed]);
        errorType = "value_error:dict_value";
        flag = false;
        break;
      }
    }
    if (!(possibleAnswer instanceof PyDict)) crash(`AttributeError: '${pyTypeName(possibleAnswer)}' object has no attribute 'items'`);
    for (let i = 0; i < possibleAnswer.keys.length; i++) {
      const key = possibleAnswer.keys[i]!;
      if (!value.has(key) && !pyContains(possibleAnswer.values[i]!, "", "dict possible answer")) {
        msgs.push([msgMissingKey, key, null, null]);
        errorType = "value_error:dict_key";
        flag = false;
        break;
      }
    }
    if (flag) return OK;
    result = msgs.length === 0 ? { valid: false, errorType, errors: [] } : new Failure(errorType, msgs);
  }
  return result;
}

/** BFCL `list_dict_checker`. */
function listDictChecker(param: PyValue, value: PyValue[], possibleAnswers: PyValue): AstCheckResult {
  let result: AstCheckResult = { valid: false, errorType: "list_dict_checker:unclear", errors: [] };
  for (const option of pyIter(possibleAnswers, "possible answers")) {
    let flag = true;
    if (value.length !== pyLen(option, "possible answer option")) {
      result = { valid: false, errorType: "value_error:list_dict_count", errors: ["Wrong number of dictionaries in the list."] };
      continue;
    }
    for (let i = 0; i < value.length; i++) {
      result = dictChecker(param, value[i]!, [getItem(option, i, "possible answer option")]);
      if (!result.valid) {
        flag = false;
        break;
      }
    }
    if (flag) return OK;
  }
  return result;
}

/** The type tables as maps: own keys only (`table["constructor"]` would find Object's), hashed once per key string. */
const TYPE_TABLES: Record<CheckLanguage, ReadonlyMap<string, PyType>> = {
  python: new Map([...Object.entries(JSON_SCHEMA_EXTENSION), ...Object.entries(PYTHON_TYPE_MAPPING)]),
  java: new Map(Object.entries(JAVA_TYPE_CONVERSION)),
  javascript: new Map(Object.entries(JS_TYPE_CONVERSION)),
};

function resolveType(language: CheckLanguage, typeName: string): PyType {
  const t = TYPE_TABLES[language].get(typeName);
  if (t === undefined) crash(`KeyError: unsupported ${language} parameter type ${JSON.stringify(typeName)}`, "unsupported_type");
  return t;
}

function paramType(details: PyValue): string {
  const t = getItem(details, "type", "parameter doc");
  if (typeof t !== "string") crash("parameter doc 'type' is not a string");
  return t;
}

/** BFCL `simple_function_checker`. */
export function simpleFunctionChecker(
  funcDescription: PyValue | undefined,
  modelOutput: PyDict,
  possibleAnswerCall: PyValue,
  language: CheckLanguage,
  options: AstCheckOptions = {},
): AstCheckResult {
  if (!(possibleAnswerCall instanceof PyDict) || possibleAnswerCall.size === 0) crash("possible answer call is not a {name: params} dict");
  const possibleAnswer = possibleAnswerCall.values[0]!;
  if (funcDescription === undefined || funcDescription === null)
    crash(`no function doc named ${pyRepr(possibleAnswerCall.keys[0]!)}`, "missing_function_doc");
  let funcName = getItem(funcDescription, "name", "function doc");
  const parameters = getItem(funcDescription, "parameters", "function doc");
  const paramDetails = parameters instanceof PyDict ? (parameters.get("properties") ?? new PyDict()) : getItem(parameters, "properties", "function doc");
  const required = parameters instanceof PyDict ? (parameters.get("required") ?? []) : [];

  if (options.underscoreToDot && typeof funcName === "string" && funcName.includes(".")) funcName = funcName.replace(/\./g, "_");

  if (!modelOutput.has(funcName))
    return fail("simple_function_checker:wrong_func_name", msgWrongName, funcName);
  const modelParams = modelOutput.get(funcName)!;
  if (!(modelParams instanceof PyDict)) crash("model output parameters are not a dict");

  for (const param of pyIter(required, "required")) {
    if (!modelParams.has(param)) return fail("simple_function_checker:missing_required", msgMissingRequired, param);
  }

  for (let i = 0; i < modelParams.keys.length; i++) {
    const param = modelParams.keys[i]!;
    let value: PyValue = modelParams.values[i] as PyValue;
    if (!pyContains(paramDetails, param, "properties") || !pyContains(possibleAnswer, param, "possible answer"))
      return fail("simple_function_checker:unexpected_param", msgUnexpectedParam, param);

    const details = getItem(paramDetails, param, "properties");
    const expectedDescription = paramType(details);
    let nested: PyType | undefined;
    let expected: PyType;

    if (language === "java" || language === "javascript") {
      expected = resolveType(language, expectedDescription);
      if (typeof value !== "string") {
        return fail(language === "java" ? "type_error:java" : "type_error:js", msgNotString, param, value);
      }
      const convert = language === "java" ? javaTypeConverter : jsTypeConverter;
      if (NESTED_CONVERSION.has(expectedDescription)) {
        const nestedName = paramType(getItem(details, "items", "parameter doc"));
        nested = resolveType(language, nestedName);
        value = convert(value, expectedDescription, nestedName);
      } else value = convert(value, expectedDescription);
    } else {
      expected = resolveType("python", expectedDescription);
      if (PYTHON_NESTED.has(expectedDescription)) nested = resolveType("python", paramType(getItem(details, "items", "parameter doc")));
    }

    if (expectedDescription === "tuple" && value instanceof PyTuple) value = value.items;
    if (language === "python" && expectedDescription === "float" && (typeof value === "number" || typeof value === "bigint"))
      value = new PyFloat(Number(value));

    const answerForParam = getItem(possibleAnswer, param, "possible answer");
    const tc = typeChecker(param, value, answerForParam, expectedDescription, expected, nested);
    if (!tc.valid) return tc instanceof Failure ? new Failure(tc.errorType, tc.msgList) : { valid: false, errorType: tc.errorType, errors: tc.errors };

    if (!tc.isVariable) {
      let r: AstCheckResult | undefined;
      if (expected === "dict") r = dictChecker(param, value, answerForParam);
      else if (expected === "list" && nested === "dict") r = listDictChecker(param, value as PyValue[], answerForParam);
      else if (expected === "str") r = stringChecker(param, value as string, answerForParam);
      else if (expected === "list") r = listChecker(param, value as PyValue[], answerForParam);
      if (r !== undefined) {
        if (!r.valid) return r;
        continue;
      }
    }
    if (!pyContains(answerForParam, value, "possible answer"))
      return fail("value_error:others", msgInvalid, param, value, answerForParam);
  }

  for (const param of pyIter(possibleAnswer, "possible answer")) {
    if (!modelParams.has(param) && !pyContains(getItem(possibleAnswer, param, "possible answer"), "", "possible answer"))
      return fail("simple_function_checker:missing_optional", msgMissingOptional, param);
  }
  return OK;
}

const msgNoMatch = (considered: PyValue, i: PyValue): string =>
  `Could not find a matching function among index [${(considered as number[]).join(", ")}] of model output for index ${i as number} of possible answers.`;
const msgTried = (index: PyValue, errorType: PyValue, r: PyValue): string =>
  `Model Result Index ${index as number}: ${errorType as string}: ${(r as unknown as AstCheckResult).errors.join(" ")}`;

/** BFCL `find_description`. */
function findDescription(funcDescriptions: PyValue, name: PyValue): PyValue | undefined {
  if (Array.isArray(funcDescriptions)) {
    for (const d of funcDescriptions) if (pyEquals(getItem(d, "name", "function doc"), name)) return d;
    return undefined;
  }
  return funcDescriptions;
}

function firstKey(call: PyValue | undefined): PyValue {
  if (!(call instanceof PyDict) || call.size === 0) crash("possible answer call is not a {name: params} dict");
  return call.keys[0]!;
}

/**
 * BFCL `ast_checker`: dispatch on the category name (`parallel` → order-free, `multiple` →
 * one call of the expected function, else simple).
 */
export function astChecker(
  funcDescriptions: PyValue,
  modelOutput: PyDict[],
  possibleAnswer: PyValue[],
  language: CheckLanguage,
  category: string,
  options: AstCheckOptions = {},
): AstCheckResult {
  if (category.includes("parallel")) {
    if (modelOutput.length !== possibleAnswer.length)
      return fail("parallel_function_checker_no_order:wrong_count", msgWrongCount);
    const matched = new Set<number>();
    for (let i = 0; i < possibleAnswer.length; i++) {
      const desc = findDescription(funcDescriptions, firstKey(possibleAnswer[i]!));
      const tried: Array<[number, AstCheckResult]> = [];
      let found = false;
      for (let index = 0; index < modelOutput.length; index++) {
        if (matched.has(index)) continue;
        const r = simpleFunctionChecker(desc, modelOutput[index]!, possibleAnswer[i]!, language, options);
        if (r.valid) {
          matched.add(index);
          found = true;
          break;
        }
        tried.push([index, r]);
      }
      if (!found) {
        const considered = modelOutput.map((_, k) => k).filter((k) => !matched.has(k));
        return new Failure("parallel_function_checker_no_order:cannot_find_match", [
          [msgNoMatch, considered, i, null],
          ...tried.map(([index, r]): Msg => [msgTried, index, r.errorType, r as unknown as PyValue]),
        ]);
      }
    }
    return OK;
  }
  if (category.includes("multiple")) {
    if (modelOutput.length !== possibleAnswer.length) return fail("multiple_function_checker:wrong_count", msgWrongCount);
    const desc = findDescription(funcDescriptions, firstKey(possibleAnswer[0]));
    return simpleFunctionChecker(desc, modelOutput[0]!, possibleAnswer[0]!, language, options);
  }
  if (modelOutput.length !== 1) return fail("simple_function_checker:wrong_count", msgWrongCount);
  const first = Array.isArray(funcDescriptions) ? funcDescriptions[0] : funcDescriptions;
  if (first === undefined) crash("IndexError: the function list is empty");
  if (possibleAnswer.length === 0) crash("IndexError: the possible answer list is empty");
  return simpleFunctionChecker(first, modelOutput[0]!, possibleAnswer[0]!, language, options);
}
