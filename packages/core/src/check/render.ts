import type { OutputMode, SyntaxLanguage } from "../parse/decode.js";
import { PyDict, PyFloat, PyOpaque, PyTuple, pyFloatRepr, pyRepr, type PyValue } from "./pyvalue.js";

/**
 * Render function calls as a model would write them in each output mode, so that BFCL's decoder
 * for that mode reads them back. Used to build test and benchmark workloads, and by the offline
 * baseline FC model.
 */

export interface ConcreteCall {
  name: string;
  /** Argument values in order; Python values (int vs float matters). */
  args: Array<[string, PyValue]>;
}

/** Declared type of a parameter (Java/JavaScript categories need it to write source text). */
export interface ParamTypeInfo {
  type: string;
  itemsType?: string;
}

export type ParamTypeLookup = (functionName: string, param: string) => ParamTypeInfo | undefined;

/** JSON text of a Python value, keeping floats as floats (`1.0`) and ints as ints. */
export function toJsonText(v: PyValue): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
    case "bigint":
      return String(v);
    case "boolean":
      return v ? "true" : "false";
  }
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(", ")}]`;
  if (v instanceof PyFloat) {
    if (Number.isNaN(v.value)) return "NaN";
    if (!Number.isFinite(v.value)) return v.value > 0 ? "Infinity" : "-Infinity";
    return pyFloatRepr(v.value);
  }
  if (v instanceof PyTuple) return `[${v.items.map(toJsonText).join(", ")}]`;
  if (v instanceof PyDict) {
    const parts: string[] = [];
    for (let i = 0; i < v.keys.length; i++) {
      const k = v.keys[i]!;
      parts.push(`${JSON.stringify(typeof k === "string" ? k : pyRepr(k))}: ${toJsonText(v.values[i]!)}`);
    }
    return `{${parts.join(", ")}}`;
  }
  return JSON.stringify((v as PyOpaque).repr);
}

function pyStr(v: PyValue): string {
  return typeof v === "string" ? v : pyRepr(v);
}

/**
 * Java source text for a value of a declared Java type, in the shape BFCL's
 * `java_type_converter` reads back.
 */
export function javaSource(v: PyValue, info: ParamTypeInfo | undefined): string {
  const t = info?.type ?? "String";
  switch (t) {
    case "boolean":
      return typeof v === "boolean" ? (v ? "true" : "false") : pyStr(v);
    case "long":
      return typeof v === "number" || typeof v === "bigint" ? `${v}L` : pyStr(v);
    case "float":
      return v instanceof PyFloat || typeof v === "number" ? `${v instanceof PyFloat ? pyFloatRepr(v.value) : v}f` : pyStr(v);
    case "double":
      return v instanceof PyFloat ? pyFloatRepr(v.value) : pyStr(v);
    case "Array": {
      if (!Array.isArray(v)) return pyStr(v);
      const it = info?.itemsType ?? "String";
      const elemType = it === "integer" ? "int" : it === "String" || it === "any" ? "String" : it;
      return `new ${elemType}[]{${v.map((e) => javaSource(e, { type: it })).join(", ")}}`;
    }
    case "ArrayList": {
      if (!Array.isArray(v)) return pyStr(v);
      if (v.length === 0) return "new ArrayList<>()";
      const it = info?.itemsType;
      const elems = v.map((e) => (it === "String" ? `"${pyStr(e)}"` : it === "char" ? `'${pyStr(e)}'` : javaValueLiteral(e, it)));
      return `new ArrayList<>(Arrays.asList(${elems.join(", ")}))`;
    }
    case "HashMap": {
      if (!(v instanceof PyDict)) return pyStr(v);
      if (v.size === 0) return "new HashMap<>()";
      const puts = v.keys.map((k, i) => `put("${pyStr(k)}", ${javaValueLiteral(v.values[i]!, undefined)});`);
      return `new HashMap<String, Object>() {{ ${puts.join(" ")} }}`;
    }
    default:
      return pyStr(v);
  }
}

/** A Java literal for `parse_java_value` (no declared element type) or a typed element. */
function javaValueLiteral(v: PyValue, itemsType: string | undefined): string {
  if (itemsType !== undefined) return javaSource(v, { type: itemsType });
  if (typeof v === "string") return `"${v}"`;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  return pyStr(v);
}

/** JavaScript source text for a value of a declared JS type, as BFCL's `js_type_converter` reads it. */
export function jsSource(v: PyValue, info: ParamTypeInfo | undefined): string {
  const t = info?.type ?? "String";
  switch (t) {
    case "Boolean":
      return typeof v === "boolean" ? (v ? "true" : "false") : pyStr(v);
    case "Bigint":
      return typeof v === "number" || typeof v === "bigint" ? `${v}n` : pyStr(v);
    case "float":
      return v instanceof PyFloat ? pyFloatRepr(v.value) : pyStr(v);
    case "array":
      if (!Array.isArray(v)) return pyStr(v);
      return `[${v.map((e) => jsElement(e, info?.itemsType)).join(", ")}]`;
    case "dict": {
      if (!(v instanceof PyDict)) return pyStr(v);
      if (v.size === 0) return "{}";
      const parts = v.keys.map((k, i) => `"${pyStr(k)}": ${jsElement(v.values[i]!, undefined)}`);
      return `{${parts.join(", ")}}`;
    }
    default:
      return pyStr(v);
  }
}

function jsElement(v: PyValue, itemsType: string | undefined): string {
  if (typeof v === "string") return `"${v}"`;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return `[${v.map((e) => jsElement(e, itemsType)).join(", ")}]`;
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof PyDict) return jsSource(v, { type: "dict" });
  return pyStr(v);
}

/** A Java string literal when the text needs no escapes, else a character literal or raw source. */
function javaPromptValue(text: string): string {
  if (!/["\\\n\r]/.test(text)) return `"${text}"`;
  if (!/['\\\n\r]/.test(text)) return `'${text}'`;
  return text;
}

function jsPromptValue(text: string): string {
  if (!/["\\\n\r]/.test(text)) return `"${text}"`;
  if (!/['\\\n\r]/.test(text)) return `'${text}'`;
  return text;
}

/**
 * Render `calls` as raw model output for `mode`. For Java / JavaScript categories the argument
 * values are written as source text of the declared type (`typeOf` gives it), as BFCL expects.
 * openai mode returns the OpenAI `tool_calls` array as JSON text.
 */
export function renderCalls(calls: readonly ConcreteCall[], mode: OutputMode, language: SyntaxLanguage = "python", typeOf?: ParamTypeLookup): string {
  const argValue = (fn: string, param: string, v: PyValue): PyValue => {
    if (language === "java") return javaSource(v, typeOf?.(fn, param));
    if (language === "javascript") return jsSource(v, typeOf?.(fn, param));
    return v;
  };
  switch (mode) {
    case "prompt": {
      const parts = calls.map((c) => {
        const args = c.args.map(([k, v]) => {
          const value = argValue(c.name, k, v);
          if (language === "java") return `${k}=${javaPromptValue(value as string)}`;
          if (language === "javascript") return `${k}=${jsPromptValue(value as string)}`;
          return `${k}=${pyRepr(value)}`;
        });
        return `${c.name}(${args.join(", ")})`;
      });
      return `[${parts.join(", ")}]`;
    }
    case "json": {
      const parts = calls.map(
        (c) => `{"function": ${JSON.stringify(c.name)}, "parameters": {${c.args.map(([k, v]) => `${JSON.stringify(k)}: ${toJsonText(argValue(c.name, k, v))}`).join(", ")}}}`,
      );
      return `[${parts.join(", ")}]`;
    }
    case "hermes":
      return calls
        .map(
          (c) =>
            `<tool_call>\n{"name": ${JSON.stringify(c.name)}, "arguments": {${c.args.map(([k, v]) => `${JSON.stringify(k)}: ${toJsonText(argValue(c.name, k, v))}`).join(", ")}}}\n</tool_call>`,
        )
        .join("\n");
    case "openai": {
      const items = calls.map((c, i) => {
        const args = `{${c.args.map(([k, v]) => `${JSON.stringify(k)}: ${toJsonText(argValue(c.name, k, v))}`).join(", ")}}`;
        return `{"id": "call_${i}", "type": "function", "function": {"name": ${JSON.stringify(c.name)}, "arguments": ${JSON.stringify(args)}}}`;
      });
      return `[${items.join(", ")}]`;
    }
  }
}

/** Parameter types from BFCL-style function docs (PyDict values as parsed by `parsePyJson`). */
export function paramTypesFromDocs(functions: PyValue): ParamTypeLookup {
  const map = new Map<string, ParamTypeInfo>();
  if (Array.isArray(functions)) {
    for (const f of functions) {
      if (!(f instanceof PyDict)) continue;
      const name = f.get("name");
      const params = f.get("parameters");
      const props = params instanceof PyDict ? params.get("properties") : undefined;
      if (typeof name !== "string" || !(props instanceof PyDict)) continue;
      for (let i = 0; i < props.keys.length; i++) {
        const p = props.values[i];
        if (!(p instanceof PyDict)) continue;
        const type = p.get("type");
        const items = p.get("items");
        const itemsType = items instanceof PyDict ? items.get("type") : undefined;
        if (typeof type === "string")
          map.set(`${name}\u0000${String(props.keys[i])}`, { type, ...(typeof itemsType === "string" ? { itemsType } : {}) });
      }
    }
  }
  return (fn, param) => map.get(`${fn}\u0000${param}`);
}
