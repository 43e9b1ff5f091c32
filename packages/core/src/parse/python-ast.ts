import { LimitError, ParseError } from "../errors.js";
import { PyFloat, PyOpaque, pyFloatRepr, pyInt, type PyValue } from "../check/pyvalue.js";

/**
 * A safe parser for the Python expression grammar that model outputs use in BFCL's prompt
 * format (`[f(a=1), g.h(b=[1, 2])]`). It builds a small syntax tree, never evaluates code, and
 * throws {@link ParseError} with an offset where CPython's `ast.parse(..., mode="eval")` would
 * raise `SyntaxError`. Constructs outside the supported grammar (lambda, comprehensions,
 * f-strings, `await`, walrus) are refused with a ParseError too; BFCL rejects nearly all of them
 * later anyway.
 */

export type PyNode =
  | { k: "const"; v: PyValue; pos: number; ellipsis?: boolean }
  | { k: "name"; id: string; pos: number }
  | { k: "attr"; value: PyNode; attr: string; pos: number }
  | { k: "call"; func: PyNode; args: PyNode[]; keywords: PyKeyword[]; pos: number }
  | { k: "list"; elts: PyNode[]; pos: number }
  | { k: "tuple"; elts: PyNode[]; pos: number; parens: boolean }
  | { k: "set"; elts: PyNode[]; pos: number }
  | { k: "dict"; keys: (PyNode | null)[]; values: PyNode[]; pos: number }
  | { k: "unary"; op: "-" | "+" | "~" | "not"; operand: PyNode; pos: number }
  | { k: "bin"; op: BinOp; left: PyNode; right: PyNode; pos: number }
  | { k: "bool"; op: "and" | "or"; values: PyNode[]; pos: number }
  | { k: "compare"; left: PyNode; ops: string[]; comparators: PyNode[]; pos: number }
  | { k: "ifexp"; body: PyNode; test: PyNode; orelse: PyNode; pos: number }
  | { k: "subscript"; value: PyNode; slice: PyNode; pos: number }
  | { k: "slice"; lower: PyNode | null; upper: PyNode | null; step: PyNode | null; pos: number }
  | { k: "starred"; value: PyNode; pos: number }
  | { k: "named"; target: string; value: PyNode; pos: number };

export type BinOp = "+" | "-" | "*" | "/" | "//" | "%" | "**" | "@" | "<<" | ">>" | "&" | "^" | "|";

export interface PyKeyword {
  /** `null` for `**mapping`. */
  arg: string | null;
  value: PyNode;
}

export interface PythonParseOptions {
  /** @default 1_048_576 */
  maxLength?: number;
  /**
   * Maximum nesting of unary operators, conditional expressions and brackets in the parser
   * (brackets are also capped at 200, as CPython's tokenizer does). @default 1000
   */
  maxDepth?: number;
}

type TokKind = "name" | "number" | "string" | "op" | "end";
/** Every token has every field (one object shape for the parser's property loads). */
interface Token {
  kind: TokKind;
  text: string;
  pos: number;
  /** For strings: the decoded value (string or bytes repr); for numbers: the value. */
  value: PyValue | undefined;
  bytes: boolean;
}

const KEYWORDS = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
  "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
  "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]);


const ID_START = /[\p{L}\p{Nl}_\u1885\u1886\u2118\u212e\u309b\u309c]/u;
const ID_CONTINUE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_\u00b7\u0387\u1369-\u1371\u19da\u1885\u1886\u2118\u212e\u309b\u309c]/u;

const GRAMMAR = "python";
const MAX_BRACKETS = 200;

class Tokenizer {
  private pos = 0;
  private depth = 0;
  readonly tokens: Token[] = [];

  constructor(private readonly s: string) {}

  private fail(msg: string, at = this.pos): never {
    throw new ParseError(msg, at, GRAMMAR);
  }

  run(): Token[] {
    const s = this.s;
    const n = s.length;
    while (true) {
      // whitespace, comments, line continuations; newlines are only allowed inside brackets
      for (;;) {
        const cc = s.charCodeAt(this.pos);
        if (cc === 32 || cc === 9 || cc === 12) {
          this.pos++;
          continue;
        }
        // anything but `#`, `\\`, a line break (or the end) starts a token
        if (cc !== 35 && cc !== 92 && cc !== 10 && cc !== 13) break;
        const c = s[this.pos];
        if (c === " " || c === "\t" || c === "\f") this.pos++;
        else if (c === "#") {
          while (this.pos < n && s[this.pos] !== "\n" && s[this.pos] !== "\r") this.pos++;
        } else if (c === "\\" && (s[this.pos + 1] === "\n" || s[this.pos + 1] === "\r")) {
          this.pos += s[this.pos + 1] === "\r" && s[this.pos + 2] === "\n" ? 3 : 2;
        } else if (c === "\n" || c === "\r") {
          if (this.depth === 0) {
            // eval mode: trailing newlines/blank lines are fine, anything after them is not
            let q = this.pos;
            while (q < n && /[\s]/.test(s[q]!)) q++;
            if (q < n && s[q] !== "#") this.fail("invalid syntax (statement after newline)", q);
            this.pos = q;
            if (q < n) continue;
          } else this.pos++;
        } else break;
      }
      if (this.pos >= n) break;
      const start = this.pos;
      const cu = s.charCodeAt(start);
      if ((cu >= 48 && cu <= 57) || (cu === 46 && isDigitCode(s.charCodeAt(start + 1)))) {
        this.number();
        continue;
      }
      if (cu < 0x80 && !isAsciiIdStart(cu)) {
        // ASCII, not a name: a string or an operator (the paths below, without the Unicode checks)
        if (cu === 39 || cu === 34) {
          this.string(start, start, "");
          continue;
        }
        this.operator(start, cu);
        continue;
      }
      const c = s[start]!;
      const code = c.codePointAt(0)!;
      if (isAsciiIdStart(code)) {
        let p = start + 1;
        let cc = s.charCodeAt(p);
        while (isAsciiIdContinue(cc)) cc = s.charCodeAt(++p);
        if (!(cc > 0x7f)) {
          const q = s[p];
          if ((q === "'" || q === '"') && p - start <= 2 && /^(r|u|b|br|rb|f|fr|rf)$/i.test(s.slice(start, p))) {
            this.string(start, p, s.slice(start, p).toLowerCase());
            continue;
          }
          this.pos = p;
          this.tokens.push({ kind: "name", text: s.slice(start, p), pos: start, value: undefined, bytes: false });
          continue;
        }
        // a non-ASCII character follows: take the full Unicode path below
      }
      if (code > 0x7f ? ID_START.test(String.fromCodePoint(code)) : isAsciiIdStart(code)) {
        let p = start + (code > 0xffff ? 2 : 1);
        for (;;) {
          const cp = s.codePointAt(p);
          if (cp === undefined) break;
          const ch = String.fromCodePoint(cp);
          if (!ID_CONTINUE.test(ch)) break;
          p += ch.length;
        }
        const raw = s.slice(start, p);
        // CPython NFKC-normalises identifiers (`ｌｉｔ` is `lit`); ASCII needs no work.
        const word = /^[\x00-\x7f]*$/.test(raw) ? raw : raw.normalize("NFKC");
        // string prefixes
        const q = s[p];
        if ((q === "'" || q === '"') && /^(r|u|b|br|rb|f|fr|rf)$/i.test(word)) {
          this.string(start, p, word.toLowerCase());
          continue;
        }
        this.pos = p;
        this.tokens.push({ kind: "name", text: word, pos: start, value: undefined, bytes: false });
        continue;
      }
      if (c === "'" || c === '"') {
        this.string(start, start, "");
        continue;
      }
      this.operator(start, cu);
    }
    if (this.depth > 0) this.fail("unexpected EOF (unclosed bracket)", n);
    this.tokens.push({ kind: "end", text: "", pos: n, value: undefined, bytes: false });
    return this.tokens;
  }

  /** The operator or delimiter at `start` (first code unit `cu`), or the tokenizer's error. */
  private operator(start: number, cu: number): void {
    const s = this.s;
    const op = matchOperator(s, start);
    if (op === undefined) {
      if (cu === 33) this.fail("invalid syntax", start);
      this.fail(`invalid character ${JSON.stringify(s[start])}`, start);
    }
    if (op === "(" || op === "[" || op === "{") {
      // CPython's tokenizer: "too many nested parentheses" at 200 levels
      if (++this.depth >= MAX_BRACKETS) throw new LimitError(`too many nested parentheses (${MAX_BRACKETS})`, start, GRAMMAR);
    } else if (op === ")" || op === "]" || op === "}") {
      this.depth--;
      if (this.depth < 0) this.fail(`unmatched '${op}'`, start);
    }
    this.pos = start + op.length;
    this.tokens.push({ kind: "op", text: op, pos: start, value: undefined, bytes: false });
  }

  private number(): void {
    const s = this.s;
    const start = this.pos;
    // fast path: a plain decimal int of up to 15 digits not followed by anything number-like
    let e = start;
    let c = s.charCodeAt(e);
    while (c >= 48 && c <= 57 && e - start < 16) c = s.charCodeAt(++e);
    if (e > start && e - start <= 15 && !(c === 46 || c === 95 || c === 101 || c === 69 || c === 106 || c === 74 || isAsciiIdContinue(c) || c > 0x7f)) {
      if (e - start > 1 && s.charCodeAt(start) === 48) {
        if (!/^0+$/.test(s.slice(start, e))) this.fail("leading zeros in decimal integer literals are not permitted", start);
      }
      this.pos = e;
      const text = s.slice(start, e);
      this.tokens.push({ kind: "number", text, pos: start, value: Number(text), bytes: false });
      return;
    }
    const rest = s.slice(start, start + 4400);
    let m: RegExpExecArray | null;
    let value: PyValue;
    let len: number;
    if ((m = /^0[xX](?:_?[0-9a-fA-F])+/.exec(rest))) {
      value = pyInt(BigInt("0x" + m[0].slice(2).replace(/_/g, "")));
      len = m[0].length;
    } else if ((m = /^0[oO](?:_?[0-7])+/.exec(rest))) {
      value = pyInt(BigInt("0o" + m[0].slice(2).replace(/_/g, "")));
      len = m[0].length;
    } else if ((m = /^0[bB](?:_?[01])+/.exec(rest))) {
      value = pyInt(BigInt("0b" + m[0].slice(2).replace(/_/g, "")));
      len = m[0].length;
    } else {
      m = /^(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?([jJ])?/.exec(rest);
      if (!m) this.fail("invalid number", start);
      const text = m[0];
      len = text.length;
      const clean = text.replace(/_/g, "").replace(/[jJ]$/, "");
      if (m[1]) value = new PyOpaque("complex", complexRepr(Number(clean)));
      else if (/[.eE]/.test(clean)) value = new PyFloat(Number(clean));
      else {
        if (clean.length > 1 && clean.startsWith("0") && /[1-9]/.test(clean))
          this.fail("leading zeros in decimal integer literals are not permitted", start);
        if (clean.length > 4300) throw new LimitError("integer literal longer than 4300 digits", start, GRAMMAR);
        value = clean.length <= 15 ? Number(clean) : pyInt(BigInt(clean));
      }
    }
    const after = s.codePointAt(start + len);
    if (after !== undefined && ID_CONTINUE.test(String.fromCodePoint(after)))
      this.fail("invalid decimal literal", start + len);
    this.pos = start + len;
    this.tokens.push({ kind: "number", text: s.slice(start, start + len), pos: start, value, bytes: false });
  }

  private string(start: number, quoteAt: number, prefix: string): void {
    const s = this.s;
    const q = s[quoteAt]!;
    const triple = s.startsWith(q + q + q, quoteAt);
    const raw = prefix.includes("r");
    const bytes = prefix.includes("b");
    if (prefix.includes("f")) this.fail("f-strings are not supported", start);
    let p = quoteAt + (triple ? 3 : 1);
    let out = "";
    for (;;) {
      if (p >= s.length) this.fail("unterminated string literal", start);
      const c = s[p]!;
      if (triple ? s.startsWith(q + q + q, p) : c === q) {
        p += triple ? 3 : 1;
        break;
      }
      if (!triple && (c === "\n" || c === "\r")) this.fail("unterminated string literal", start);
      if (bytes && c.charCodeAt(0) > 0x7f) this.fail("bytes can only contain ASCII literal characters", p);
      if (c !== "\\") {
        // copy the run up to the next quote, backslash or line break in one slice
        let r = p + 1;
        for (; r < s.length; r++) {
          const cc = s.charCodeAt(r);
          if (cc === 92 || cc === 10 || cc === 13 || s[r] === q || (bytes && cc > 0x7f)) break;
        }
        out += s.slice(p, r);
        p = r;
        continue;
      }
      const e = s[p + 1];
      if (e === undefined) this.fail("unterminated string literal", start);
      if (raw) {
        out += "\\" + e;
        p += 2;
        continue;
      }
      p += 2;
      switch (e) {
        case "\n":
          break;
        case "\r":
          if (s[p] === "\n") p++;
          break;
        case "\\":
        case "'":
        case '"':
          out += e;
          break;
        case "a":
          out += "\x07";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "v":
          out += "\v";
          break;
        case "x": {
          const h = s.slice(p, p + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail("truncated \\xXX escape", p - 2);
          out += String.fromCharCode(parseInt(h, 16));
          p += 2;
          break;
        }
        case "u":
        case "U": {
          if (bytes) {
            out += "\\" + e;
            break;
          }
          const w = e === "u" ? 4 : 8;
          const h = s.slice(p, p + w);
          if (!new RegExp(`^[0-9a-fA-F]{${w}}$`).test(h)) this.fail(`truncated \\${e} escape`, p - 2);
          const cp = parseInt(h, 16);
          if (cp > 0x10ffff) this.fail("illegal Unicode character", p - 2);
          out += String.fromCodePoint(cp);
          p += w;
          break;
        }
        case "N":
          if (bytes) {
            out += "\\N";
            break;
          }
          this.fail("\\N{...} escapes are not supported", p - 2);
        default:
          if (e >= "0" && e <= "7") {
            let o = e;
            while (o.length < 3 && s[p]! >= "0" && s[p]! <= "7") o += s[p++];
            const v = parseInt(o, 8);
            if (bytes) out += String.fromCharCode(v & 0xff);
            else out += String.fromCharCode(v);
          } else out += "\\" + e; // unknown escapes keep the backslash (a SyntaxWarning in CPython)
      }
    }
    this.pos = p;
    this.tokens.push({ kind: "string", text: s.slice(start, p), pos: start, value: out, bytes });
  }
}

function isAsciiIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isAsciiIdContinue(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/** The longest Python operator or delimiter at `i`, or undefined (no substring allocation on the common path). */
function matchOperator(s: string, i: number): string | undefined {
  const c = s.charCodeAt(i);
  const d = s.charCodeAt(i + 1);
  const e = s.charCodeAt(i + 2);
  switch (c) {
    case 40: return "(";
    case 41: return ")";
    case 91: return "[";
    case 93: return "]";
    case 123: return "{";
    case 125: return "}";
    case 44: return ",";
    case 59: return ";";
    case 126: return "~";
    case 61: return d === 61 ? "==" : "=";
    case 58: return d === 61 ? ":=" : ":";
    case 46: return d === 46 && e === 46 ? "..." : ".";
    case 33: return d === 61 ? "!=" : undefined;
    case 45: return d === 62 ? "->" : d === 61 ? "-=" : "-";
    case 43: return d === 61 ? "+=" : "+";
    case 37: return d === 61 ? "%=" : "%";
    case 64: return d === 61 ? "@=" : "@";
    case 38: return d === 61 ? "&=" : "&";
    case 124: return d === 61 ? "|=" : "|";
    case 94: return d === 61 ? "^=" : "^";
    case 42: return d === 42 ? (e === 61 ? "**=" : "**") : d === 61 ? "*=" : "*";
    case 47: return d === 47 ? (e === 61 ? "//=" : "//") : d === 61 ? "/=" : "/";
    case 60: return d === 60 ? (e === 61 ? "<<=" : "<<") : d === 61 ? "<=" : "<";
    case 62: return d === 62 ? (e === 61 ? ">>=" : ">>") : d === 61 ? ">=" : ">";
  }
  return undefined;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function complexRepr(imag: number): string {
  return `${pyFloatRepr(imag).replace(/\.0$/, "")}j`;
}

function bytesRepr(s: string): string {
  let out = "b'";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "'" || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c >= 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + "'";
}

const COMPARE_OPS = new Set(["<", ">", "==", ">=", "<=", "!="]);
const BIN_LEVELS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(["|"]),
  new Set(["^"]),
  new Set(["&"]),
  new Set(["<<", ">>"]),
  new Set(["+", "-"]),
  new Set(["*", "/", "//", "%", "@"]),
];

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly toks: Token[],
    private readonly maxDepth: number,
  ) {}

  private get t(): Token {
    return this.toks[this.i]!;
  }

  private fail(msg: string, at = this.t.pos): never {
    throw new ParseError(msg, at, GRAMMAR);
  }

  private isOp(text: string): boolean {
    const t = this.t;
    return t.kind === "op" && t.text === text;
  }

  private isName(text: string): boolean {
    const t = this.t;
    return t.kind === "name" && t.text === text;
  }

  private expectOp(text: string): void {
    if (!this.isOp(text)) this.fail(`expected '${text}'`);
    this.i++;
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) throw new LimitError(`expression nested deeper than ${this.maxDepth}`, this.t.pos, GRAMMAR);
  }

  private leave(): void {
    this.depth--;
  }

  /** eval mode: one expression list (a bare tuple is allowed), then end of input. */
  parseEval(): PyNode {
    const e = this.exprList(true);
    if (this.t.kind !== "end") this.fail("invalid syntax");
    return e;
  }

  /** `a, b` → tuple; `a` → a. `allowStar` permits `*x` elements. */
  private exprList(allowStar: boolean): PyNode {
    const pos = this.t.pos;
    const first = this.starOrTest(allowStar);
    if (!this.isOp(",")) {
      if (first.k === "starred") this.fail("can't use starred expression here", first.pos);
      return first;
    }
    const elts = [first];
    while (this.isOp(",")) {
      this.i++;
      if (this.atExprEnd()) break;
      elts.push(this.starOrTest(allowStar));
    }
    return { k: "tuple", elts, pos, parens: false };
  }

  private atExprEnd(): boolean {
    const t = this.t;
    return t.kind === "end" || (t.kind === "op" && (t.text === ")" || t.text === "]" || t.text === "}" || t.text === "=" || t.text === ":"));
  }

  /** `NAME := test` (a named expression) or a plain test. */
  private namedOrTest(): PyNode {
    const t = this.t;
    const next = this.toks[this.i + 1];
    if (t.kind === "name" && !KEYWORDS.has(t.text) && next?.kind === "op" && next.text === ":=") {
      this.i += 2;
      return { k: "named", target: t.text, value: this.test(), pos: t.pos };
    }
    return this.test();
  }

  private starOrTest(allowStar: boolean): PyNode {
    if (this.isOp("*")) {
      if (!allowStar) this.fail("invalid syntax");
      const pos = this.t.pos;
      this.i++;
      return { k: "starred", value: this.orExpr(), pos };
    }
    return this.namedOrTest();
  }

  private test(): PyNode {
    const quick = this.quickAtom();
    if (quick !== undefined) return quick;
    if (this.isName("lambda")) this.fail("lambda is not supported");
    const pos = this.t.pos;
    const body = this.orTest();
    if (this.isName("if")) {
      this.i++;
      const test = this.orTest();
      if (!this.isName("else")) this.fail("expected 'else' after 'if' expression");
      this.i++;
      this.enter();
      const orelse = this.test();
      this.leave();
      return { k: "ifexp", body, test, orelse, pos };
    }
    return body;
  }

  /**
   * The common case of {@link test} without its descent through every precedence level: one
   * number, (non-bytes) string or name token followed by `,`, `)`, `]`, `}` or `:`, where no level
   * continues, so the result is {@link atom}'s. Undefined otherwise (then the full descent).
   */
  private quickAtom(): PyNode | undefined {
    const nx = this.toks[this.i + 1];
    if (nx === undefined || nx.kind !== "op") return undefined;
    const x = nx.text;
    if (x !== "," && x !== ")" && x !== "]" && x !== "}" && x !== ":") return undefined;
    const t = this.t;
    switch (t.kind) {
      case "number":
        this.i++;
        return { k: "const", v: t.value!, pos: t.pos };
      case "string":
        if (t.bytes === true) return undefined;
        this.i++;
        return { k: "const", v: t.value as string, pos: t.pos };
      case "name":
        if (t.text === "True" || t.text === "False" || t.text === "None") {
          this.i++;
          return { k: "const", v: t.text === "None" ? null : t.text === "True", pos: t.pos };
        }
        if (KEYWORDS.has(t.text)) return undefined;
        this.i++;
        return { k: "name", id: t.text, pos: t.pos };
    }
    return undefined;
  }

  private orTest(): PyNode {
    const pos = this.t.pos;
    const first = this.andTest();
    if (!this.isName("or")) return first;
    const values = [first];
    while (this.isName("or")) {
      this.i++;
      values.push(this.andTest());
    }
    return { k: "bool", op: "or", values, pos };
  }

  private andTest(): PyNode {
    const pos = this.t.pos;
    const first = this.notTest();
    if (!this.isName("and")) return first;
    const values = [first];
    while (this.isName("and")) {
      this.i++;
      values.push(this.notTest());
    }
    return { k: "bool", op: "and", values, pos };
  }

  private notTest(): PyNode {
    if (this.isName("not")) {
      const pos = this.t.pos;
      this.i++;
      this.enter();
      const operand = this.notTest();
      this.leave();
      return { k: "unary", op: "not", operand, pos };
    }
    return this.comparison();
  }

  private comparison(): PyNode {
    const pos = this.t.pos;
    const left = this.orExpr();
    const ops: string[] = [];
    const comparators: PyNode[] = [];
    for (;;) {
      const t = this.t;
      let op: string | undefined;
      if (t.kind === "op" && COMPARE_OPS.has(t.text)) {
        op = t.text;
        this.i++;
      } else if (t.kind === "name" && t.text === "in") {
        op = "in";
        this.i++;
      } else if (t.kind === "name" && t.text === "not" && this.toks[this.i + 1]?.kind === "name" && this.toks[this.i + 1]!.text === "in") {
        op = "not in";
        this.i += 2;
      } else if (t.kind === "name" && t.text === "is") {
        this.i++;
        if (this.isName("not")) {
          this.i++;
          op = "is not";
        } else op = "is";
      }
      if (op === undefined) break;
      ops.push(op);
      comparators.push(this.orExpr());
    }
    return ops.length === 0 ? left : { k: "compare", left, ops, comparators, pos };
  }

  /** Binary operator levels, loosest first: `|`, `^`, `&`, shifts, `+ -`, `* / // % @`. */
  private binary(level: number): PyNode {
    if (level === BIN_LEVELS.length) return this.factor();
    const ops = BIN_LEVELS[level]!;
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.t;
      if (t.kind !== "op" || !ops.has(t.text)) break;
      this.i++;
      const right = this.binary(level + 1);
      left = { k: "bin", op: t.text as BinOp, left, right, pos: t.pos };
    }
    return left;
  }

  private orExpr(): PyNode {
    return this.binary(0);
  }

  private factor(): PyNode {
    const t = this.t;
    if (t.kind === "op" && (t.text === "-" || t.text === "+" || t.text === "~")) {
      this.i++;
      this.enter();
      const operand = this.factor();
      this.leave();
      return { k: "unary", op: t.text as "-" | "+" | "~", operand, pos: t.pos };
    }
    return this.power();
  }

  private power(): PyNode {
    if (this.isName("await")) this.fail("await is not supported");
    const base = this.atomExpr();
    if (this.isOp("**")) {
      const pos = this.t.pos;
      this.i++;
      this.enter();
      const right = this.factor();
      this.leave();
      return { k: "bin", op: "**", left: base, right, pos };
    }
    return base;
  }

  private atomExpr(): PyNode {
    let node = this.atom();
    for (;;) {
      const t = this.t;
      if (t.kind !== "op") break;
      if (t.text === ".") {
        this.i++;
        const nt = this.t;
        if (nt.kind !== "name" || KEYWORDS.has(nt.text)) this.fail("invalid syntax");
        this.i++;
        node = { k: "attr", value: node, attr: nt.text, pos: nt.pos };
      } else if (t.text === "(") {
        this.i++;
        this.enter();
        node = this.callArgs(node, t.pos);
        this.leave();
      } else if (t.text === "[") {
        this.i++;
        this.enter();
        const slice = this.subscriptList();
        this.expectOp("]");
        this.leave();
        node = { k: "subscript", value: node, slice, pos: t.pos };
      } else break;
    }
    return node;
  }

  private callArgs(func: PyNode, pos: number): PyNode {
    const args: PyNode[] = [];
    const keywords: PyKeyword[] = [];
    let sawKeyword = false;
    let sawDoubleStar = false;
    while (!this.isOp(")")) {
      const t = this.t;
      if (this.isOp("**")) {
        this.i++;
        keywords.push({ arg: null, value: this.test() });
        sawDoubleStar = true;
      } else if (this.isOp("*")) {
        if (sawDoubleStar) this.fail("iterable argument unpacking follows keyword argument unpacking");
        this.i++;
        args.push({ k: "starred", value: this.test(), pos: t.pos });
      } else if (t.kind === "name" && this.toks[this.i + 1]?.kind === "op" && this.toks[this.i + 1]!.text === "=") {
        if (KEYWORDS.has(t.text)) this.fail("cannot assign to keyword", t.pos);
        this.i += 2;
        // `f(a=1, a=2)` parses (CPython's compiler, not ast.parse, rejects it); BFCL keeps the last.
        keywords.push({ arg: t.text, value: this.test() });
        sawKeyword = true;
      } else {
        const v = this.namedOrTest();
        if (this.isName("for") || this.isName("async")) this.fail("generator expressions are not supported");
        if (this.isOp("=")) this.fail('expression cannot contain assignment, perhaps you meant "=="?');
        if (sawDoubleStar) this.fail("positional argument follows keyword argument unpacking", v.pos);
        if (sawKeyword) this.fail("positional argument follows keyword argument", v.pos);
        args.push(v);
      }
      if (this.isOp(",")) this.i++;
      else if (!this.isOp(")")) this.fail("invalid syntax. Perhaps you forgot a comma?");
    }
    this.i++;
    return { k: "call", func, args, keywords, pos };
  }

  private subscriptList(): PyNode {
    const pos = this.t.pos;
    const first = this.subscript();
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.isOp(",")) {
      this.i++;
      if (this.isOp("]")) break;
      elts.push(this.subscript());
    }
    return { k: "tuple", elts, pos, parens: false };
  }

  private subscript(): PyNode {
    const pos = this.t.pos;
    let lower: PyNode | null = null;
    if (!this.isOp(":")) {
      lower = this.starOrTest(true);
      if (!this.isOp(":")) return lower;
    }
    this.i++;
    let upper: PyNode | null = null;
    let step: PyNode | null = null;
    if (!this.isOp(":") && !this.isOp("]") && !this.isOp(",")) upper = this.test();
    if (this.isOp(":")) {
      this.i++;
      if (!this.isOp("]") && !this.isOp(",")) step = this.test();
    }
    return { k: "slice", lower, upper, step, pos };
  }

  private atom(): PyNode {
    const t = this.t;
    switch (t.kind) {
      case "number":
        this.i++;
        return { k: "const", v: t.value!, pos: t.pos };
      case "string": {
        this.i++;
        let v = t.value as string;
        const bytes = t.bytes === true;
        while (this.t.kind === "string") {
          if ((this.t.bytes === true) !== bytes) this.fail("cannot mix bytes and nonbytes literals");
          v += this.t.value as string;
          this.i++;
        }
        return { k: "const", v: bytes ? new PyOpaque("bytes", bytesRepr(v)) : v, pos: t.pos };
      }
      case "name": {
        if (t.text === "True" || t.text === "False" || t.text === "None") {
          this.i++;
          return { k: "const", v: t.text === "None" ? null : t.text === "True", pos: t.pos };
        }
        if (KEYWORDS.has(t.text)) this.fail("invalid syntax");
        this.i++;
        return { k: "name", id: t.text, pos: t.pos };
      }
      case "op":
        if (t.text === "(") return this.parenAtom();
        if (t.text === "[") return this.listAtom();
        if (t.text === "{") return this.braceAtom();
        if (t.text === "...") {
          this.i++;
          return { k: "const", v: "...", ellipsis: true, pos: t.pos };
        }
        return this.fail("invalid syntax");
      case "end":
        return this.fail("unexpected end of input");
    }
    return this.fail("invalid syntax");
  }

  private comprehensionGuard(): void {
    if (this.isName("for") || this.isName("async")) this.fail("comprehensions are not supported");
  }

  private parenAtom(): PyNode {
    const pos = this.t.pos;
    this.i++;
    this.enter();
    if (this.isOp(")")) {
      this.i++;
      this.leave();
      return { k: "tuple", elts: [], pos, parens: true };
    }
    if (this.isName("yield")) this.fail("yield is not supported");
    const first = this.starOrTest(true);
    this.comprehensionGuard();
    if (this.isOp(")")) {
      this.i++;
      this.leave();
      if (first.k === "starred") this.fail("cannot use starred expression here", first.pos);
      return first;
    }
    const elts = [first];
    while (this.isOp(",")) {
      this.i++;
      if (this.isOp(")")) break;
      elts.push(this.starOrTest(true));
    }
    this.expectOp(")");
    this.leave();
    return { k: "tuple", elts, pos, parens: true };
  }

  private listAtom(): PyNode {
    const pos = this.t.pos;
    this.i++;
    this.enter();
    const elts: PyNode[] = [];
    while (!this.isOp("]")) {
      elts.push(this.starOrTest(true));
      if (elts.length === 1) this.comprehensionGuard();
      if (this.isOp(",")) this.i++;
      else if (!this.isOp("]")) this.fail("invalid syntax. Perhaps you forgot a comma?");
    }
    this.i++;
    this.leave();
    return { k: "list", elts, pos };
  }

  private braceAtom(): PyNode {
    const pos = this.t.pos;
    this.i++;
    this.enter();
    if (this.isOp("}")) {
      this.i++;
      this.leave();
      return { k: "dict", keys: [], values: [], pos };
    }
    // decide dict vs set from the first element
    let isDict: boolean;
    const keys: (PyNode | null)[] = [];
    const values: PyNode[] = [];
    const elts: PyNode[] = [];
    if (this.isOp("**")) {
      this.i++;
      keys.push(null);
      values.push(this.orExpr());
      isDict = true;
    } else {
      const first = this.starOrTest(true);
      if (this.isOp(":") && first.k !== "starred") {
        this.i++;
        keys.push(first);
        values.push(this.test());
        isDict = true;
      } else {
        elts.push(first);
        isDict = false;
      }
    }
    this.comprehensionGuard();
    while (this.isOp(",")) {
      this.i++;
      if (this.isOp("}")) break;
      if (isDict) {
        if (this.isOp("**")) {
          this.i++;
          keys.push(null);
          values.push(this.orExpr());
        } else {
          keys.push(this.test());
          this.expectOp(":");
          values.push(this.test());
        }
      } else elts.push(this.starOrTest(true));
    }
    this.expectOp("}");
    this.leave();
    return isDict ? { k: "dict", keys, values, pos } : { k: "set", elts, pos };
  }
}

/**
 * Parse `source` like CPython's `ast.parse(source, mode="eval")` (for the supported grammar).
 * Throws {@link ParseError} on syntax errors, {@link LimitError} past the size/depth limits.
 */
export function parsePythonExpression(source: string, options: PythonParseOptions = {}): PyNode {
  const maxLength = options.maxLength ?? 1_048_576;
  if (source.length > maxLength) throw new LimitError(`input of ${source.length} characters exceeds the limit of ${maxLength}`, 0, GRAMMAR);
  const nul = source.indexOf("\0");
  if (nul >= 0) throw new ParseError("source code string cannot contain null bytes", nul, GRAMMAR);
  const toks = new Tokenizer(source).run();
  return new Parser(toks, options.maxDepth ?? 1000).parseEval();
}
