import { fromPlain, PyDict, PyFloat, type PyValue } from "../check/pyvalue.js";
import type { ExpectedCall } from "./expected.js";
import { encodeJsonPointer } from "./json-pointer.js";

/**
 * The allowed values of an expected call as Python values, the way BFCL's checker sees its
 * possible answer: integral numbers are `int` unless `call.pyFloats` names them (then `float`),
 * non-integral numbers are `float`, objects are `dict`. Keys keep the order of `call.args`.
 */
export function expectedCallToPy(call: ExpectedCall): Map<string, PyValue[]> {
  const floats: ReadonlySet<string> = new Set(call.pyFloats ?? []);
  const out = new Map<string, PyValue[]>();
  for (const [param, options] of Object.entries(call.args)) {
    out.set(
      param,
      options.map((v, i) => toPy(v, [param, i], floats)),
    );
  }
  return out;
}

function toPy(v: unknown, path: (string | number)[], floats: ReadonlySet<string>): PyValue {
  if (floats.size === 0) return fromPlain(v);
  if (typeof v === "number") return floats.has(encodeJsonPointer(path)) ? new PyFloat(v) : fromPlain(v);
  if (Array.isArray(v)) return v.map((x, i) => toPy(x, [...path, i], floats));
  if (typeof v === "object" && v !== null) {
    const d = new PyDict();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) d.set(k, toPy(x, [...path, k], floats));
    return d;
  }
  return fromPlain(v);
}
