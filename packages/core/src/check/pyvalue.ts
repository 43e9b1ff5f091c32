/**
 * Python value model.
 *
 * BFCL's checker runs on Python values, and its verdicts depend on Python's type system:
 * `1` (int) and `1.0` (float) are different types, `True` is not an int for `type(x) == int`
 * but `True == 1` holds for `in` checks, tuples are not lists, ints have arbitrary precision.
 * JavaScript's native values cannot tell these apart, so every value that reaches the checker
 * is one of the shapes below.
 *
 * | Python     | here                                               |
 * | ---------- | -------------------------------------------------- |
 * | `str`      | `string`                                           |
 * | `int`      | `number` (a safe integer) or `bigint` (outside ±2^53−1); always normalised by {@link pyInt} |
 * | `float`    | {@link PyFloat}                                    |
 * | `bool`     | `boolean`                                          |
 * | `None`     | `null`                                             |
 * | `list`     | `PyValue[]`                                        |
 * | `tuple`    | {@link PyTuple}                                    |
 * | `dict`     | {@link PyDict} (insertion ordered, Python key equality) |
 * | other      | {@link PyOpaque} (`bytes`, `complex`, `ellipsis`…) |
 */

/** A Python `float`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python `tuple`. */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python value with no checker semantics beyond identity of kind and text (bytes, complex). */
export class PyOpaque {
  constructor(
    readonly kind: "bytes" | "complex",
    /** Python `repr` of the value; two opaque values of one kind are equal when their reprs are. */
    readonly repr: string,
  ) {}
}

/** A Python `dict`: keys compare with Python equality (so `1`, `1.0` and `True` are one key). */
export class PyDict {
  readonly keys: PyValue[];
  readonly values: PyValue[];
  /**
   * Positions of string keys, built once the dict grows past a few keys. Exact: a string is
   * only ever equal to a string, so non-string keys never need it.
   */
  private strIndex: Map<string, number> | undefined;

  /** An empty dict. (The arguments are internal: see {@link PyDict.ofDistinctStrings}.) */
  constructor(keys?: PyValue[], values?: PyValue[]) {
    this.keys = keys ?? [];
    this.values = values ?? [];
    this.strIndex = undefined;
  }

  /**
   * A dict of distinct string `keys` (in order) and their `values`, taking ownership of both
   * arrays (no copy: parsers pass exactly sized arrays, a third of the memory of arrays grown by
   * `push`). The caller guarantees the keys are distinct strings. @internal
   */
  static ofDistinctStrings(keys: string[], values: PyValue[]): PyDict {
    const d = new PyDict(keys, values);
    if (keys.length > 8) {
      const idx = new Map<string, number>();
      for (let j = 0; j < keys.length; j++) idx.set(keys[j]!, j);
      d.strIndex = idx;
    }
    return d;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Index of `key`, or -1. String keys (the common case) take a fast path. */
  indexOf(key: PyValue): number {
    const keys = this.keys;
    if (typeof key === "string") {
      if (this.strIndex !== undefined) return this.strIndex.get(key) ?? -1;
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
      return -1;
    }
    for (let i = 0; i < keys.length; i++) if (pyEquals(keys[i]!, key)) return i;
    return -1;
  }

  has(key: PyValue): boolean {
    return this.indexOf(key) >= 0;
  }

  get(key: PyValue): PyValue | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  /** Python assignment: an existing key keeps its position and its first spelling, the value is replaced. */
  set(key: PyValue, value: PyValue): void {
    const i = this.indexOf(key);
    if (i >= 0) this.values[i] = value;
    else {
      this.keys.push(key);
      this.values.push(value);
      if (this.strIndex !== undefined) {
        if (typeof key === "string") this.strIndex.set(key, this.keys.length - 1);
      } else if (this.keys.length > 8) {
        const idx = new Map<string, number>();
        this.keys.forEach((k, j) => {
          if (typeof k === "string") idx.set(k, j);
        });
        this.strIndex = idx;
      }
    }
  }

  static fromEntries(entries: Iterable<readonly [PyValue, PyValue]>): PyDict {
    const d = new PyDict();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }
}

export type PyValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | PyFloat
  | PyTuple
  | PyDict
  | PyOpaque
  | PyValue[];

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** Normalise an int: safe integers are `number`, everything else `bigint`. */
export function pyInt(v: bigint | number): number | bigint {
  if (typeof v === "number") return v;
  return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v;
}

export function isPyInt(v: PyValue): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

/** Python `type(v).__name__`. */
export function pyTypeName(v: PyValue): string {
  switch (typeof v) {
    case "string":
      return "str";
    case "number":
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
    case "object":
      if (v === null) return "NoneType";
      if (Array.isArray(v)) return "list";
      if (v instanceof PyFloat) return "float";
      if (v instanceof PyDict) return "dict";
      if (v instanceof PyTuple) return "tuple";
      return v.kind;
  }
  return "object";
}

/** Numeric view used for cross-type equality (bool/int/float), or undefined for non-numbers. */
function numericKind(v: PyValue): "int" | "float" | undefined {
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return "int";
  if (v instanceof PyFloat) return "float";
  return undefined;
}

function intValue(v: number | bigint | boolean): number | bigint {
  return typeof v === "boolean" ? (v ? 1 : 0) : v;
}

function intEqualsFloat(i: number | bigint, f: number): boolean {
  if (typeof i === "number") return i === f;
  if (!Number.isInteger(f)) return false;
  return BigInt(f) === i;
}

/** Python `a == b` for the values the checker sees. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  const ka = numericKind(a);
  if (ka !== undefined) {
    const kb = numericKind(b);
    if (kb === undefined) return false;
    if (ka === "int" && kb === "int") {
      const x = intValue(a as number | bigint | boolean);
      const y = intValue(b as number | bigint | boolean);
      return typeof x === typeof y ? x === y : false; // normalised: one int has one representation
    }
    if (ka === "float" && kb === "float") return (a as PyFloat).value === (b as PyFloat).value;
    if (ka === "int") return intEqualsFloat(intValue(a as number | bigint | boolean), (b as PyFloat).value);
    return intEqualsFloat(intValue(b as number | bigint | boolean), (a as PyFloat).value);
  }
  if (typeof a === "string" || typeof b === "string" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (a instanceof PyTuple) {
    if (!(b instanceof PyTuple) || a.items.length !== b.items.length) return false;
    for (let i = 0; i < a.items.length; i++) if (!pyEquals(a.items[i]!, b.items[i]!)) return false;
    return true;
  }
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    for (let i = 0; i < a.keys.length; i++) {
      const j = b.indexOf(a.keys[i]!);
      if (j < 0 || !pyEquals(a.values[i]!, b.values[j]!)) return false;
    }
    return true;
  }
  if (a instanceof PyOpaque) return b instanceof PyOpaque && a.kind === b.kind && a.repr === b.repr;
  return false;
}

/** Python `x in seq` for a list of candidates. */
export function pyIn(x: PyValue, seq: readonly PyValue[]): boolean {
  if (typeof x === "string") {
    for (let i = 0; i < seq.length; i++) if (seq[i] === x) return true;
    return false;
  }
  for (let i = 0; i < seq.length; i++) if (pyEquals(x, seq[i]!)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// repr (used in error messages and by ast.unparse for constants)

/** Python `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const exp = x.toExponential(); // shortest digits, e.g. "-1.2345e+17"
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const sign = m[1]!;
  const digits = m[2]! + (m[3] ?? "");
  const e = Number(m[4]);
  if (e < -4 || e >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
    return `${sign}${mant}e${e < 0 ? "-" : "+"}${es}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${sign}${digits}${"0".repeat(e + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python `repr(str)`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp > 0x7f && ch !== " " && NON_PRINTABLE.test(ch)) {
      if (cp <= 0xff) out += "\\x" + cp.toString(16).padStart(2, "0");
      else if (cp <= 0xffff) out += "\\u" + cp.toString(16).padStart(4, "0");
      else out += "\\U" + cp.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

/** Python `repr(v)`. */
export function pyRepr(v: PyValue): string {
  switch (typeof v) {
    case "string":
      return pyStrRepr(v);
    case "number":
    case "bigint":
      return String(v);
    case "boolean":
      return v ? "True" : "False";
  }
  if (v === null) return "None";
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (v instanceof PyTuple)
    return v.items.length === 1 ? `(${pyRepr(v.items[0]!)},)` : `(${v.items.map(pyRepr).join(", ")})`;
  if (v instanceof PyDict) {
    const parts: string[] = [];
    for (let i = 0; i < v.keys.length; i++) parts.push(`${pyRepr(v.keys[i]!)}: ${pyRepr(v.values[i]!)}`);
    return `{${parts.join(", ")}}`;
  }
  return v.repr;
}

/** Convert to plain JSON-compatible JS (floats become numbers, tuples arrays, bigints strings of digits if unsafe). */
export function toPlain(v: PyValue): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? v.value : pyFloatRepr(v.value);
  if (v instanceof PyTuple) return v.items.map(toPlain);
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < v.keys.length; i++) {
      const k = v.keys[i]!;
      o[typeof k === "string" ? k : pyRepr(k)] = toPlain(v.values[i]!);
    }
    return o;
  }
  return v.repr;
}

/** Convert plain JS (from JSON.parse or user code) to Python values: integral numbers become int. */
export function fromPlain(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isInteger(v) && Number.isSafeInteger(v) ? v : new PyFloat(v);
  if (typeof v === "bigint") return pyInt(v);
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v instanceof PyFloat || v instanceof PyTuple || v instanceof PyDict || v instanceof PyOpaque) return v;
  if (typeof v === "object") {
    const d = new PyDict();
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) d.set(k, fromPlain(val));
    return d;
  }
  return String(v);
}
