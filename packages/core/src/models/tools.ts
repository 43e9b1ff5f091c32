/**
 * Tools in the OpenAI chat API's `tools` field (FC mode). BFCL's function docs use a Python-ish
 * dialect of JSON Schema (`type: "dict"`, `"float"`, `"tuple"`, `"any"`, Java / JavaScript type
 * names); servers that validate schemas (vLLM's guided decoding, hosted APIs) want JSON Schema.
 * The converters here return new objects: the original `Tool` stays as written, for prompt mode
 * and for the checker, which decides types by BFCL's names.
 */
import type { Tool } from "../schema/tool.js";

/** One entry of the OpenAI `tools` array. */
export interface OpenAITool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/**
 * BFCL / Java / JavaScript type names → JSON Schema types. A name not listed here (and not a
 * JSON Schema type) becomes an unconstrained schema (`{}`), like `"any"`.
 */
const TYPE_MAP: Readonly<Record<string, string | null>> = {
  // JSON Schema's own
  object: "object",
  array: "array",
  string: "string",
  number: "number",
  integer: "integer",
  boolean: "boolean",
  null: "null",
  // BFCL's Python dialect
  dict: "object",
  float: "number",
  tuple: "array",
  list: "array",
  bool: "boolean",
  int: "integer",
  str: "string",
  any: null,
  // Java / JavaScript names in BFCL's java and javascript categories
  String: "string",
  char: "string",
  Character: "string",
  byte: "integer",
  short: "integer",
  long: "integer",
  Integer: "integer",
  Long: "integer",
  Bigint: "integer",
  BigInteger: "integer",
  double: "number",
  Double: "number",
  Float: "number",
  Boolean: "boolean",
  ArrayList: "array",
  Array: "array",
  List: "array",
  Queue: "array",
  Stack: "array",
  Set: "array",
  HashMap: "object",
  Hashtable: "object",
  Map: "object",
  Object: "object",
  Any: null,
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Keys whose value is one schema / a map of schemas / a list of schemas. */
const ONE = new Set(["items", "additionalProperties", "not", "contains", "additionalItems"]);
const MAP = new Set(["properties", "patternProperties", "$defs", "definitions"]);
const LIST = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);

/**
 * Converts one (BFCL-dialect) parameter schema to JSON Schema: type names are mapped (`dict` →
 * `object`, `float` → `number`, `tuple` → `array`, `any` → no type, Java / JavaScript names to
 * their JSON kind), nested schemas (`properties`, `items`, `anyOf`, …) are converted in turn, and
 * every other key (`description`, `enum`, `default`, `required`, …) is kept. Never mutates its input.
 */
export function toJsonSchema(schema: unknown): Record<string, unknown> {
  if (!isPlainObject(schema)) return {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(schema)) {
    const v = schema[k];
    if (k === "type") {
      if (typeof v === "string") {
        const t = Object.hasOwn(TYPE_MAP, v) ? TYPE_MAP[v] : undefined;
        if (t) out.type = t;
      } else if (Array.isArray(v)) {
        const ts = v.map((x) => (typeof x === "string" && Object.hasOwn(TYPE_MAP, x) ? TYPE_MAP[x] : undefined));
        // One unknown member makes the whole union unconstrained.
        if (ts.every((t): t is string => typeof t === "string")) out.type = [...new Set(ts)];
      }
    } else if (ONE.has(k) && isPlainObject(v)) {
      out[k] = toJsonSchema(v);
    } else if (k === "items" && Array.isArray(v)) {
      out.prefixItems = v.map(toJsonSchema);
    } else if (MAP.has(k) && isPlainObject(v)) {
      const m: Record<string, unknown> = {};
      for (const name of Object.keys(v)) m[name] = toJsonSchema(v[name]);
      out[k] = m;
    } else if (LIST.has(k) && Array.isArray(v)) {
      out[k] = v.map(toJsonSchema);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Options of {@link toOpenAITools}. */
export interface ToOpenAIToolsOptions {
  /**
   * `"json-schema"`: convert parameter schemas with {@link toJsonSchema}; `"as-is"`: send them
   * exactly as written.
   * @default "json-schema"
   */
  schema?: "json-schema" | "as-is";
  /**
   * Replace characters outside `[A-Za-z0-9_-]` in function names with `_` (hosted OpenAI-style
   * APIs reject BFCL names such as `math.factorial`; vLLM takes them). The returned `names` map
   * leads from the sent name back to the original.
   * @default false
   */
  sanitizeNames?: boolean;
}

/**
 * advfc tools → the OpenAI `tools` array. The top-level parameters schema is always an object
 * schema (`type: "object"`, `properties: {}` when missing). `names` maps each sent name that
 * differs from the original back to it (empty unless `sanitizeNames`).
 */
export function toOpenAITools(tools: readonly Tool[], opts: ToOpenAIToolsOptions = {}): { tools: OpenAITool[]; names: Map<string, string> } {
  const names = new Map<string, string>();
  const asIs = opts.schema === "as-is";
  const out = tools.map((t): OpenAITool => {
    let name = t.name;
    if (opts.sanitizeNames) {
      name = name.replace(/[^A-Za-z0-9_-]/g, "_");
      if (name !== t.name) names.set(name, t.name);
    }
    const parameters = asIs ? t.parameters : toJsonSchema(t.parameters);
    const fn: OpenAITool["function"] = { name, parameters: asIs ? parameters : { ...parameters, type: "object", properties: parameters.properties ?? {} } };
    if (t.description !== undefined) fn.description = t.description;
    return { type: "function", function: fn };
  });
  return { tools: out, names };
}
