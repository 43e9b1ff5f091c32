import { LimitError, ParseError } from "../errors.js";
import {
  PyDict,
  PyFloat,
  PyOpaque,
  PyTuple,
  pyFloatRepr,
  pyInt,
  pyRepr,
  pyStrRepr,
  type PyValue,
} from "../check/pyvalue.js";
import { parsePythonExpression, type PyNode, type PythonParseOptions } from "./python-ast.js";
import { fastPythonCalls, fastSawBareName, pythonSurelyFails } from "./python-fast.js";
import { pyStripWhitespace } from "./text.js";

const GRAMMAR = "python";

/**
 * Mirrors BFCL's `ast_parse(input_str, ReturnFormat.PYTHON)`: strip whitespace, then strip `'`
 * from both ends, parse as a Python expression, and resolve every call in the top-level list
 * (or the single top-level call) with BFCL's `resolve_ast_call`.
 *
 * Returns BFCL's decoded form: a list of `{function_name: {param: value}}` dicts.
 */
export function decodePythonCalls(input: string, options: PythonParseOptions & { deferErrors?: boolean } = {}): PyValue[] {
  let cleaned = pyStripWhitespace(input);
  let a = 0;
  let b = cleaned.length;
  while (a < b && cleaned.charCodeAt(a) === 39) a++;
  while (b > a && cleaned.charCodeAt(b - 1) === 39) b--;
  cleaned = cleaned.slice(a, b);
  // the common shape, read directly (the same result; undefined sends anything else the full way)
  if (cleaned.length <= (options.maxLength ?? 1_048_576) && (options.maxDepth === undefined || options.maxDepth >= 1000)) {
    const fast = fastPythonCalls(cleaned);
    if (fast !== undefined) return fast;
    // a sure failure (unbalanced brackets, a broken string): the error's details only when asked for
    if (options.deferErrors && (fastSawBareName || pythonSurelyFails(cleaned))) {
      deferredSource = cleaned;
      deferredOptions = options;
      throw SURE_FAILURE;
    }
  }
  return decodeCleaned(cleaned, options);
}

/**
 * What {@link decodePythonCalls} with `deferErrors` throws when a bracket scan proves the input
 * does not decode: one shared error, no message worked out. {@link takeDeferredFailure}, called
 * at once by the catcher, returns a function that gives the real error. @internal
 */
export const SURE_FAILURE = new ParseError("the output does not decode (details deferred)", 0, GRAMMAR);
let deferredSource = "";
let deferredOptions: PythonParseOptions = {};

/** The real error behind the {@link SURE_FAILURE} just thrown, worked out when called. @internal */
export function takeDeferredFailure(): () => ParseError {
  const src = deferredSource;
  const options = deferredOptions;
  deferredSource = "";
  deferredOptions = {};
  let real: ParseError | undefined;
  return () => {
    if (real !== undefined) return real;
    try {
      decodeCleaned(src, options);
    } catch (e) {
      if (e instanceof ParseError) return (real = e);
      throw e;
    }
    throw new Error(`internal error: pythonSurelyFails accepted decodable input ${JSON.stringify(src.slice(0, 200))}`);
  };
}

/** {@link decodePythonCalls} without its fast path (the differential tests' reference). @internal */
export function decodePythonCallsFull(input: string, options: PythonParseOptions = {}): PyValue[] {
  let cleaned = pyStripWhitespace(input);
  let a = 0;
  let b = cleaned.length;
  while (a < b && cleaned.charCodeAt(a) === 39) a++;
  while (b > a && cleaned.charCodeAt(b - 1) === 39) b--;
  cleaned = cleaned.slice(a, b);
  return decodeCleaned(cleaned, options);
}

function decodeCleaned(cleaned: string, options: PythonParseOptions): PyValue[] {
  const body = parsePythonExpression(cleaned, options);
  if (body.k === "call") return [resolveCall(body)];
  if (body.k !== "list" && body.k !== "tuple" && body.k !== "set")
    throw new ParseError(`expected a list of calls, found ${describe(body)}`, body.pos, GRAMMAR);
  const out: PyValue[] = [];
  for (const elem of body.elts) {
    if (elem.k !== "call") throw new ParseError(`expected a function call, found ${describe(elem)}`, elem.pos, GRAMMAR);
    out.push(resolveCall(elem));
  }
  return out;
}

function describe(n: PyNode): string {
  switch (n.k) {
    case "const":
      return "a constant";
    case "name":
      return `the name ${n.id}`;
    default:
      return `an expression of kind ${n.k}`;
  }
}

/** BFCL `resolve_ast_call`: dotted name from the attribute chain, keyword args resolved. */
function resolveCall(call: Extract<PyNode, { k: "call" }>): PyDict {
  const parts: string[] = [];
  let f: PyNode = call.func;
  while (f.k === "attr") {
    parts.push(f.attr);
    f = f.value;
  }
  if (f.k === "name") parts.push(f.id);
  const name = parts.length === 1 ? parts[0]! : parts.reverse().join(".");
  const args = new PyDict();
  for (const kw of call.keywords) args.set(kw.arg, resolveValue(kw.value));
  return new PyDict([name], [args]);
}

/** BFCL `resolve_ast_by_type`, quirks included. */
function resolveValue(n: PyNode): PyValue {
  switch (n.k) {
    case "const":
      return n.v;
    case "unary": {
      // BFCL computes `-value.operand.value` whatever the operator: only a constant operand has a
      // `.value` that can be negated.
      const o = n.operand;
      if (o.k === "attr" || o.k === "subscript" || o.k === "starred")
        throw new ParseError("bad operand type for unary -", n.pos, GRAMMAR);
      if (o.k !== "const") throw new ParseError(`unsupported unary operand (${o.k})`, n.pos, GRAMMAR);
      return negate(o, n.pos);
    }
    case "list":
      return n.elts.map(resolveValue);
    case "dict": {
      const d = new PyDict();
      for (let i = 0; i < n.keys.length; i++) {
        const kn = n.keys[i];
        if (kn === null || kn === undefined) throw new ParseError("Unsupported AST type: NoneType (dict unpacking)", n.pos, GRAMMAR);
        const k = resolveValue(kn);
        if (!isHashable(k)) throw new ParseError(`unhashable type: '${typeName(k)}'`, kn.pos, GRAMMAR);
        d.set(k, resolveValue(n.values[i]!));
      }
      return d;
    }
    case "bin":
      return evalLiteral(n);
    case "name":
      return n.id;
    case "call":
      if (n.keywords.length === 0) return unparse(n);
      return resolveCall(n);
    case "tuple":
      return new PyTuple(n.elts.map(resolveValue));
    case "subscript":
      return unparse(n.value, P.ATOM) + "[" + unparse(n.slice) + "]";
    default:
      throw new ParseError(`Unsupported AST type: ${n.k}`, n.pos, GRAMMAR);
  }
}

function negate(c: Extract<PyNode, { k: "const" }>, pos: number): PyValue {
  if (c.ellipsis) throw new ParseError("bad operand type for unary -: 'ellipsis'", pos, GRAMMAR);
  const v = c.v;
  if (typeof v === "number") return v === 0 ? 0 : -v;
  if (typeof v === "bigint") return pyInt(-v);
  if (typeof v === "boolean") return v ? -1 : 0;
  if (v instanceof PyFloat) return new PyFloat(-v.value);
  if (v instanceof PyOpaque && v.kind === "complex") {
    const body = v.repr.slice(0, -1);
    return new PyOpaque("complex", body.startsWith("-") ? `${body.slice(1)}j` : `(-0-${body}j)`);
  }
  throw new ParseError(`bad operand type for unary -: '${typeName(v)}'`, pos, GRAMMAR);
}

function typeName(v: PyValue): string {
  if (v === null) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || typeof v === "bigint") return "int";
  if (Array.isArray(v)) return "list";
  if (v instanceof PyFloat) return "float";
  if (v instanceof PyTuple) return "tuple";
  if (v instanceof PyDict) return "dict";
  return v.kind;
}

function isHashable(v: PyValue): boolean {
  if (Array.isArray(v) || v instanceof PyDict) return false;
  if (v instanceof PyTuple) return v.items.every(isHashable);
  return true;
}

// ---------------------------------------------------------------------------------------------
// ast.unparse

/** CPython's `ast._Precedence`, in order. */
const enum P {
  NAMED_EXPR = 0,
  TUPLE = 1,
  YIELD = 2,
  TEST = 3,
  OR = 4,
  AND = 5,
  NOT = 6,
  CMP = 7,
  EXPR = 8,
  BXOR = 9,
  BAND = 10,
  SHIFT = 11,
  ARITH = 12,
  TERM = 13,
  FACTOR = 14,
  POWER = 15,
  AWAIT = 16,
  ATOM = 17,
}

const BIN_PREC: Record<string, P> = {
  "+": P.ARITH,
  "-": P.ARITH,
  "*": P.TERM,
  "@": P.TERM,
  "/": P.TERM,
  "%": P.TERM,
  "//": P.TERM,
  "<<": P.SHIFT,
  ">>": P.SHIFT,
  "|": P.EXPR,
  "^": P.BXOR,
  "&": P.BAND,
  "**": P.POWER,
};

/** `ast.unparse(node)` for the supported grammar; `prec` is the precedence the parent requires. */
export function unparse(n: PyNode, prec: P = P.TEST): string {
  switch (n.k) {
    case "const":
      return unparseConst(n);
    case "name":
      return n.id;
    case "attr": {
      const base = unparse(n.value, P.ATOM);
      const space = n.value.k === "const" && (typeof n.value.v === "number" || typeof n.value.v === "bigint") ? " " : "";
      return `${base}${space}.${n.attr}`;
    }
    case "call": {
      const parts = n.args.map((a) => unparse(a));
      for (const kw of n.keywords) parts.push(kw.arg === null ? `**${unparse(kw.value)}` : `${kw.arg}=${unparse(kw.value)}`);
      return `${unparse(n.func, P.ATOM)}(${parts.join(", ")})`;
    }
    case "list":
      return `[${n.elts.map((e) => unparse(e)).join(", ")}]`;
    case "set":
      return `{${n.elts.map((e) => unparse(e)).join(", ")}}`;
    case "tuple": {
      const inner = n.elts.length === 1 ? `${unparse(n.elts[0]!)},` : n.elts.map((e) => unparse(e)).join(", ");
      return n.elts.length === 0 || prec > P.TUPLE ? `(${inner})` : inner;
    }
    case "dict": {
      const parts: string[] = [];
      for (let i = 0; i < n.keys.length; i++) {
        const k = n.keys[i];
        parts.push(k === null || k === undefined ? `**${unparse(n.values[i]!, P.EXPR)}` : `${unparse(k)}: ${unparse(n.values[i]!)}`);
      }
      return `{${parts.join(", ")}}`;
    }
    case "unary": {
      const op = n.op;
      const p = op === "not" ? P.NOT : P.FACTOR;
      const s = `${op}${op === "not" ? " " : ""}${unparse(n.operand, p)}`;
      return prec > p ? `(${s})` : s;
    }
    case "bin": {
      const p = BIN_PREC[n.op]!;
      const right = n.op === "**";
      const s = `${unparse(n.left, right ? p + 1 : p)} ${n.op} ${unparse(n.right, right ? p : p + 1)}`;
      return prec > p ? `(${s})` : s;
    }
    case "bool": {
      let p: P = n.op === "and" ? P.AND : P.OR;
      const own = p;
      const parts = n.values.map((v) => {
        p = p + 1;
        return unparse(v, p);
      });
      const s = parts.join(` ${n.op} `);
      return prec > own ? `(${s})` : s;
    }
    case "compare": {
      let s = unparse(n.left, P.CMP + 1);
      n.ops.forEach((op, i) => {
        s += ` ${op} ${unparse(n.comparators[i]!, P.CMP + 1)}`;
      });
      return prec > P.CMP ? `(${s})` : s;
    }
    case "ifexp": {
      const s = `${unparse(n.body, P.TEST + 1)} if ${unparse(n.test, P.TEST + 1)} else ${unparse(n.orelse, P.TEST)}`;
      return prec > P.TEST ? `(${s})` : s;
    }
    case "subscript": {
      const sl = n.slice;
      const inner = sl.k === "tuple" && sl.elts.length > 0 ? (sl.elts.length === 1 ? `${unparse(sl.elts[0]!)},` : sl.elts.map((e) => unparse(e)).join(", ")) : unparse(sl);
      return `${unparse(n.value, P.ATOM)}[${inner}]`;
    }
    case "slice":
      return `${n.lower ? unparse(n.lower) : ""}:${n.upper ? unparse(n.upper) : ""}${n.step ? `:${unparse(n.step)}` : ""}`;
    case "starred":
      return `*${unparse(n.value, P.EXPR)}`;
    case "named": {
      const s = `${n.target} := ${unparse(n.value, P.ATOM)}`;
      return prec > P.NAMED_EXPR ? `(${s})` : s;
    }
  }
}

function unparseConst(n: Extract<PyNode, { k: "const" }>): string {
  if (n.ellipsis) return "...";
  const v = n.v;
  // CPython's unparse writes str constants with repr() (quote-avoiding only inside f-strings)
  if (typeof v === "string") return pyStrRepr(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value).replace("inf", "1e309");
  if (v instanceof PyOpaque) return v.kind === "complex" ? v.repr.replace("inf", "1e309") : v.repr;
  return pyRepr(v);
}

// ---------------------------------------------------------------------------------------------
// Literal arithmetic (BFCL runs `eval(ast.unparse(binop))`; advfc evaluates literal operands only)

const MAX_INT_BITS = 65_536;
const MAX_SEQ = 1_000_000;

function evalLiteral(n: PyNode): PyValue {
  switch (n.k) {
    case "const":
      if (n.ellipsis) throw new ParseError("Ellipsis is not supported in arithmetic", n.pos, GRAMMAR);
      return n.v;
    case "list":
      return n.elts.map(evalLiteral);
    case "tuple":
      return new PyTuple(n.elts.map(evalLiteral));
    case "unary":
      return evalUnary(n.op, evalLiteral(n.operand), n.pos);
    case "bin":
      return evalBin(n.op, evalLiteral(n.left), evalLiteral(n.right), n.pos);
    default:
      throw new ParseError(`cannot evaluate ${n.k} in an arithmetic expression`, n.pos, GRAMMAR);
  }
}

function asInt(v: PyValue): bigint | undefined {
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "bigint") return v;
  return undefined;
}

function asFloat(v: PyValue): number | undefined {
  if (v instanceof PyFloat) return v.value;
  const i = asInt(v);
  if (i === undefined) return undefined;
  const f = Number(i);
  if (!Number.isFinite(f)) throw new ParseError("int too large to convert to float", 0, GRAMMAR);
  return f;
}

function truthy(v: PyValue): boolean {
  if (v === null || v === false || v === 0 || v === 0n || v === "") return false;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  return true;
}

function evalUnary(op: string, v: PyValue, pos: number): PyValue {
  if (op === "not") return !truthy(v);
  const i = asInt(v);
  if (i !== undefined) {
    if (op === "-") return pyInt(-i);
    if (op === "+") return pyInt(i);
    return pyInt(-i - 1n);
  }
  if (v instanceof PyFloat && op !== "~") return new PyFloat(op === "-" ? -v.value : v.value);
  throw new ParseError(`bad operand type for unary ${op}: '${typeName(v)}'`, pos, GRAMMAR);
}

function bitLength(i: bigint): number {
  return (i < 0n ? -i : i).toString(2).length;
}

function checkInt(i: bigint, pos: number): number | bigint {
  if (bitLength(i) > MAX_INT_BITS) throw new LimitError(`integer result wider than ${MAX_INT_BITS} bits`, pos, GRAMMAR);
  return pyInt(i);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function pyFloatMod(a: number, b: number): number {
  let r = a % b;
  if (r !== 0 && r < 0 !== b < 0) r += b;
  return r;
}

function repeatSeq(seq: PyValue, times: bigint, pos: number): PyValue {
  const n = times < 0n ? 0 : Number(times);
  const len = typeof seq === "string" ? seq.length : Array.isArray(seq) ? seq.length : (seq as PyTuple).items.length;
  if (len * n > MAX_SEQ) throw new LimitError(`sequence repetition longer than ${MAX_SEQ}`, pos, GRAMMAR);
  if (typeof seq === "string") return seq.repeat(n);
  const items = Array.isArray(seq) ? seq : (seq as PyTuple).items;
  const out: PyValue[] = [];
  for (let k = 0; k < n; k++) out.push(...items);
  return Array.isArray(seq) ? out : new PyTuple(out);
}

function isSeq(v: PyValue): boolean {
  return typeof v === "string" || Array.isArray(v) || v instanceof PyTuple;
}

function evalBin(op: string, a: PyValue, b: PyValue, pos: number): PyValue {
  const ia = asInt(a);
  const ib = asInt(b);
  if (ia !== undefined && ib !== undefined) {
    switch (op) {
      case "+":
        return checkInt(ia + ib, pos);
      case "-":
        return checkInt(ia - ib, pos);
      case "*":
        if (bitLength(ia) + bitLength(ib) > MAX_INT_BITS + 1) throw new LimitError(`integer result wider than ${MAX_INT_BITS} bits`, pos, GRAMMAR);
        return checkInt(ia * ib, pos);
      case "/":
        if (ib === 0n) throw new ParseError("division by zero", pos, GRAMMAR);
        return new PyFloat(Number(ia) / Number(ib));
      case "//":
        if (ib === 0n) throw new ParseError("integer division or modulo by zero", pos, GRAMMAR);
        return pyInt(floorDiv(ia, ib));
      case "%":
        if (ib === 0n) throw new ParseError("integer division or modulo by zero", pos, GRAMMAR);
        return pyInt(ia - floorDiv(ia, ib) * ib);
      case "**":
        if (ib < 0n) {
          if (ia === 0n) throw new ParseError("0.0 cannot be raised to a negative power", pos, GRAMMAR);
          return new PyFloat(Math.pow(Number(ia), Number(ib)));
        }
        if (ia !== 0n && ia !== 1n && ia !== -1n && Number(ib) * bitLength(ia) > MAX_INT_BITS)
          throw new LimitError(`integer result wider than ${MAX_INT_BITS} bits`, pos, GRAMMAR);
        return checkInt(ia ** ib, pos);
      case "<<":
        if (ib < 0n) throw new ParseError("negative shift count", pos, GRAMMAR);
        if (ia !== 0n && Number(ib) + bitLength(ia) > MAX_INT_BITS) throw new LimitError(`integer result wider than ${MAX_INT_BITS} bits`, pos, GRAMMAR);
        return checkInt(ia << ib, pos);
      case ">>":
        if (ib < 0n) throw new ParseError("negative shift count", pos, GRAMMAR);
        return pyInt(ia >> ib);
      case "&":
        return typeof a === "boolean" && typeof b === "boolean" ? a && b : pyInt(ia & ib);
      case "|":
        return typeof a === "boolean" && typeof b === "boolean" ? a || b : pyInt(ia | ib);
      case "^":
        return typeof a === "boolean" && typeof b === "boolean" ? a !== b : pyInt(ia ^ ib);
    }
    throw new ParseError(`unsupported operand type(s) for ${op}`, pos, GRAMMAR);
  }
  const fa = a instanceof PyFloat || ia !== undefined ? asFloat(a) : undefined;
  const fb = b instanceof PyFloat || ib !== undefined ? asFloat(b) : undefined;
  if (fa !== undefined && fb !== undefined) {
    switch (op) {
      case "+":
        return new PyFloat(fa + fb);
      case "-":
        return new PyFloat(fa - fb);
      case "*":
        return new PyFloat(fa * fb);
      case "/":
        if (fb === 0) throw new ParseError("float division by zero", pos, GRAMMAR);
        return new PyFloat(fa / fb);
      case "//":
        if (fb === 0) throw new ParseError("float floor division by zero", pos, GRAMMAR);
        return new PyFloat(Math.floor(fa / fb));
      case "%":
        if (fb === 0) throw new ParseError("float modulo", pos, GRAMMAR);
        return new PyFloat(pyFloatMod(fa, fb));
      case "**": {
        if (fa === 0 && fb < 0) throw new ParseError("0.0 cannot be raised to a negative power", pos, GRAMMAR);
        if (fa < 0 && !Number.isInteger(fb)) throw new ParseError("complex result is not supported", pos, GRAMMAR);
        const r = Math.pow(fa, fb);
        if (!Number.isFinite(r) && Number.isFinite(fa) && Number.isFinite(fb)) throw new ParseError("numerical result out of range", pos, GRAMMAR);
        return new PyFloat(r);
      }
    }
    throw new ParseError(`unsupported operand type(s) for ${op}: 'float'`, pos, GRAMMAR);
  }
  if (op === "+") {
    if (typeof a === "string" && typeof b === "string") {
      if (a.length + b.length > MAX_SEQ) throw new LimitError(`string longer than ${MAX_SEQ}`, pos, GRAMMAR);
      return a + b;
    }
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
  }
  if (op === "*") {
    if (isSeq(a) && ib !== undefined) return repeatSeq(a, ib, pos);
    if (isSeq(b) && ia !== undefined) return repeatSeq(b, ia, pos);
  }
  throw new ParseError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`, pos, GRAMMAR);
}
