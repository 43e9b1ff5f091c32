import { PyDict, PyFloat, PyOpaque, PyTuple, pyFloatRepr, type PyValue } from "../check/pyvalue.js";
import { parsePyJson } from "../parse/pyjson.js";
import { encodeJsonPointer } from "../schema/json-pointer.js";

/**
 * JSON the way Python reads and writes it, for formats whose numbers carry Python types
 * (BFCL's possible answers: `50.0` is a float, `50` an int).
 */

/** A parsed JSON document plus the JSON Pointers of its integral Python floats. */
export interface JsonWithFloats {
  value: unknown;
  /** Pointers (from the document root) of numbers written as floats but integral, e.g. `50.0`. */
  floats: string[];
}

/**
 * Parse JSON text like Python's `json.loads` and return plain JSON values plus where the
 * integral floats were. Throws {@link ParseError} on malformed text, and a `RangeError` for
 * `NaN`/`Infinity`, which plain JSON values cannot hold.
 */
export function parseJsonWithFloats(text: string): JsonWithFloats {
  const floats: string[] = [];
  const value = toPlain(parsePyJson(text), [], floats);
  return { value, floats };
}

function toPlain(v: PyValue, path: (string | number)[], floats: string[]): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map((x, i) => toPlain(x, [...path, i], floats));
  if (v instanceof PyFloat) {
    if (!Number.isFinite(v.value)) throw new RangeError(`${pyFloatRepr(v.value)} at ${encodeJsonPointer(path) || "/"} has no JSON value`);
    if (Number.isInteger(v.value)) floats.push(encodeJsonPointer(path));
    return v.value;
  }
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < v.keys.length; i++) {
      const k = v.keys[i]!;
      const key = typeof k === "string" ? k : String(k);
      o[key] = toPlain(v.values[i]!, [...path, key], floats);
    }
    return o;
  }
  if (v instanceof PyTuple) return v.items.map((x, i) => toPlain(x, [...path, i], floats));
  if (v instanceof PyOpaque) return v.repr;
  return v;
}

/**
 * Serialise like Python's `json.dumps(value)` with its defaults: `", "` and `": "` separators,
 * `ensure_ascii` (every character outside printable ASCII as a lowercase `\uXXXX` escape),
 * floats as Python's `repr`. Integral numbers are written as ints unless their pointer is in
 * `floats` (then `50.0`). Keys keep the object's order.
 */
export function dumpsPythonJson(value: unknown, floats: ReadonlySet<string> = new Set()): string {
  const out: string[] = [];
  write(value, "", floats, out);
  return out.join("");
}

function write(v: unknown, pointer: string, floats: ReadonlySet<string>, out: string[]): void {
  if (v === null || v === undefined) {
    out.push("null");
    return;
  }
  switch (typeof v) {
    case "string":
      out.push(quote(v));
      return;
    case "boolean":
      out.push(v ? "true" : "false");
      return;
    case "bigint":
      out.push(v.toString());
      return;
    case "number":
      if (!Number.isFinite(v)) out.push(Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
      else if (Number.isInteger(v) && !floats.has(pointer)) out.push(Object.is(v, -0) ? "0" : BigInt(v).toString());
      else out.push(pyFloatRepr(v));
      return;
  }
  if (Array.isArray(v)) {
    out.push("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(", ");
      write(v[i], `${pointer}/${i}`, floats, out);
    }
    out.push("]");
    return;
  }
  if (typeof v === "object") {
    out.push("{");
    let first = true;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      if (!first) out.push(", ");
      first = false;
      out.push(quote(k), ": ");
      write(x, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, floats, out);
    }
    out.push("}");
    return;
  }
  out.push(quote(String(v)));
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function quote(s: string): string {
  // Python's ESCAPE_ASCII: backslash, quote, and anything outside ' '..'~'.
  return (
    '"' +
    s.replace(/[\\"]|[^\x20-\x7e]/g, (ch) => SHORT_ESCAPES[ch] ?? "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0")) +
    '"'
  );
}
