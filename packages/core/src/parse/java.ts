/**
 * BFCL's Java call decoder, reimplemented on the same tree-sitter grammar.
 *
 * BFCL (`bfcl_eval/model_handler/parser/java_parser.py`, `parse_java_function_call`) parses the
 * model's Java call text with py-tree-sitter 0.21.3 and tree-sitter-java 0.21.0, then rebuilds
 * each argument's source text from the syntax tree. This module runs the same grammar version
 * through the Node binding and rebuilds the same text, quirks included:
 *
 * - node text is taken by slicing the Python `str` (code points) with the node's UTF-8 *byte*
 *   offsets, so after a non-ASCII character every slice is shifted;
 * - string and character literals lose their first and last character only when they are the
 *   whole argument;
 * - `new T[…]{…}` becomes `new T[]{…}` (dimensions dropped), `new T(…) {body}` becomes
 *   `new T(a, b)` (class body dropped, arguments joined with ", "), other composite nodes become
 *   the concatenation of their tokens without whitespace.
 */
import { createRequire } from "node:module";
import { LimitError, ParseError } from "../errors.js";
import { PyDict, type PyValue } from "../check/pyvalue.js";
import { pySlice } from "../check/pyconv.js";
import { fastCall } from "./fast-call.js";

/** The part of node-tree-sitter's `SyntaxNode` the decoders use. @internal */
export interface TsNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly childCount: number;
  readonly children: TsNode[];
  /** True when the subtree holds an ERROR or a MISSING node. */
  readonly hasError: boolean;
  childForFieldName(name: string): TsNode | null;
}

/** The part of node-tree-sitter's `Parser` the decoders use. @internal */
export interface TsParser {
  setLanguage(language: unknown): void;
  setTimeoutMicros(timeout: number): void;
  reset(): void;
  parse(input: (index: number) => string | null, oldTree?: unknown, options?: { bufferSize?: number }): { rootNode: TsNode } | null;
}

/** Options of {@link parseJavaFunctionCall} and `parseJavaScriptFunctionCall`. */
export interface TreeSitterDecodeOptions {
  /**
   * Longest time tree-sitter may spend parsing, in milliseconds; past it the decode fails with a
   * {@link LimitError}. tree-sitter's error recovery is quadratic on some long malformed inputs
   * (64 KB of `f(a=1), ` take about 3 s with the Java grammar, 1 MB over ten minutes; BFCL
   * runs the same algorithm); well-formed calls parse in well under a millisecond per kilobyte.
   * 0 means no limit.
   * @default 1000
   */
  timeoutMs?: number;
}

/** Default for {@link TreeSitterDecodeOptions.timeoutMs}. */
export const DEFAULT_TREE_SITTER_TIMEOUT_MS = 1000;

const GRAMMAR = "java";

const parsers = new Map<string, TsParser>();

/**
 * One tree-sitter parser per grammar package (`tree-sitter-java` 0.21.0,
 * `tree-sitter-javascript` 0.21.4: BFCL's pins), created on first use and reused.
 */
export function treeSitterParser(grammar: "tree-sitter-java" | "tree-sitter-javascript"): TsParser {
  let p = parsers.get(grammar);
  if (p === undefined) {
    const require = createRequire(import.meta.url);
    const Parser = require("tree-sitter") as new () => TsParser;
    p = new Parser();
    p.setLanguage(require(grammar));
    parsers.set(grammar, p);
  }
  return p;
}

function javaParser(): TsParser {
  return treeSitterParser("tree-sitter-java");
}

/** UTF-16 units handed to tree-sitter per read; the binding fails on one string over 32 Ki units. */
const CHUNK = 8192;

/**
 * Parse `source` in chunks (never splitting a surrogate pair) within `timeoutMs`; a parse that
 * runs out of time throws {@link LimitError}. @internal
 */
export function parseInChunks(p: TsParser, source: string, grammar: string, timeoutMs = DEFAULT_TREE_SITTER_TIMEOUT_MS): TsNode {
  const read = (index: number): string | null => {
    if (index >= source.length) return null;
    let end = Math.min(source.length, index + CHUNK);
    const last = source.charCodeAt(end - 1);
    if (end < source.length && last >= 0xd800 && last <= 0xdbff) end++;
    return source.slice(index, end);
  };
  p.setTimeoutMicros(Math.max(0, Math.min(4_000_000_000, Math.round(timeoutMs * 1000))));
  const tree = p.parse(read, undefined, { bufferSize: 2 * CHUNK + 4 });
  if (tree === null) {
    // A halted parse would be resumed by the next call: start afresh instead.
    p.reset();
    throw new LimitError(`tree-sitter did not finish parsing within ${timeoutMs} ms`, 0, grammar);
  }
  return tree.rootNode;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** BFCL encodes the text as UTF-8 first (`bytes(source, "utf8")`), which fails on a lone surrogate. @internal */
export function assertEncodable(source: string, grammar: string): void {
  const m = LONE_SURROGATE.exec(source);
  if (m) throw new ParseError("lone surrogate cannot be encoded as UTF-8", m.index, grammar);
}

/**
 * BFCL's syntax check, `"ERROR" in root_node.sexp()`, without printing the tree. `sexp()` is
 * tree-sitter's `ts_node_string`, which writes "(ERROR" for every ERROR node except an
 * unexpected-character leaf (no children, non-empty: written "(UNEXPECTED 'c')"), and "(MISSING
 * …)" for missing nodes; no node type or field name of either grammar contains "ERROR". So the
 * text contains "ERROR" exactly when such a node exists. `ts_node_string` recurses once per
 * level and overflows the native stack on deeply nested trees (it crashes the process, in BFCL as
 * here); this walk is iterative and only enters subtrees that hold an error.
 *
 * Returns the offset of the first such node in pre-order, or -1 when there is none. @internal
 */
export function sexpErrorOffset(root: TsNode): number {
  if (!root.hasError) return -1;
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === "ERROR" && !(n.childCount === 0 && n.endIndex > n.startIndex)) return n.startIndex;
    const kids = n.children;
    for (let i = kids.length - 1; i >= 0; i--) if (kids[i]!.hasError) stack.push(kids[i]!);
  }
  return -1;
}

/**
 * BFCL's `get_text`: `source[node.start_byte:node.end_byte]` on the Python `str`, i.e. code
 * points sliced with UTF-8 byte offsets. For ASCII text that is the node's text; otherwise the
 * slice drifts right by one code point per extra UTF-8 byte before it.
 */
function makeGetText(source: string): (node: TsNode) => string {
  let ascii = true;
  for (let i = 0; i < source.length; i++) {
    if (source.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return (node) => source.slice(node.startIndex, node.endIndex);

  const codePoints = Array.from(source);
  // UTF-8 byte offset of every UTF-16 index (node boundaries fall on code point boundaries).
  const utf8 = new Float64Array(source.length + 1);
  let bytes = 0;
  for (let i = 0; i < source.length; i++) {
    utf8[i] = bytes;
    const c = source.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair is one 4-byte code point; its low half shares the pair's offset.
      bytes += 4;
      i++;
      if (i < source.length) utf8[i] = bytes - 4;
    } else bytes += 3;
  }
  utf8[source.length] = bytes;
  return (node) => codePoints.slice(utf8[node.startIndex]!, utf8[node.endIndex]!).join("");
}

/**
 * Python's default recursion limit. BFCL's traversal is recursive, so a deep enough argument
 * makes it raise `RecursionError` (a decode failure). The depth at which that happens depends on
 * BFCL's call stack; {@link PY_BASE_FRAMES} estimates the frames below `parse_java_function_call`.
 */
const PY_RECURSION_LIMIT = 1000;
const PY_BASE_FRAMES = 25;

/**
 * Mirrors BFCL `parse_java_function_call(source_code)` (the caller has already removed the outer
 * `[`/`]`). Finds the first `method_invocation` in pre-order and returns
 * `[{name: {arg: text, …}}]`, where `name` is `object.method` when the call has an object, named
 * arguments (`a=…`) map to their rebuilt source text, and positional identifiers, class literals
 * and `set` nodes go under the `None` key (`null`). Returns an empty dict when there is no call,
 * as BFCL does.
 *
 * Throws {@link ParseError} where BFCL raises: the tree has an ERROR node, two arguments share a
 * name (or two are positional), the tree is missing a node BFCL dereferences (`new int[3]`), or
 * the text has a lone surrogate; {@link LimitError} when BFCL's recursion would overflow
 * Python's stack (the threshold is an estimate) or the parse exceeds `options.timeoutMs`.
 */
export function parseJavaFunctionCall(source: string, options: TreeSitterDecodeOptions = {}): PyValue {
  if (fastPathAllowed(options)) {
    const fast = fastCall(source, "java");
    if (fast !== undefined) return fast;
  }
  return parseJavaFunctionCallTreeSitter(source, options);
}

/**
 * True unless the caller asked for a tree-sitter time limit under a millisecond (the fast path
 * never runs out of time; tree-sitter parses what it recognises in microseconds). @internal
 */
export function fastPathAllowed(options: TreeSitterDecodeOptions): boolean {
  const t = options.timeoutMs;
  return t === undefined || t === 0 || t >= 1;
}

/** {@link parseJavaFunctionCall} always through tree-sitter (no fast path). @internal */
export function parseJavaFunctionCallTreeSitter(source: string, options: TreeSitterDecodeOptions = {}): PyValue {
  assertEncodable(source, GRAMMAR);
  const root = parseInChunks(javaParser(), source, GRAMMAR, options.timeoutMs);
  const errorAt = sexpErrorOffset(root);
  if (errorAt >= 0) throw new ParseError("syntax error in Java call", errorAt, GRAMMAR);

  const getText = makeGetText(source);

  /** Python frames in use; BFCL raises RecursionError past the limit. */
  let frames = PY_BASE_FRAMES;
  const enter = (node: TsNode, extra = 0): void => {
    frames += 1 + extra;
    if (frames > PY_RECURSION_LIMIT) throw new LimitError("nesting too deep for BFCL's recursive Java decoder", node.startIndex, GRAMMAR);
  };
  const leave = (extra = 0): void => {
    frames -= 1 + extra;
  };
  const required = (node: TsNode | null, at: TsNode, what: string): TsNode => {
    if (node === null) throw new ParseError(`${at.type} has no ${what}`, at.startIndex, GRAMMAR);
    return node;
  };

  /** Mirrors BFCL's `traverse_node(node, nested)`: the source text BFCL rebuilds for a value. */
  const valueText = (node: TsNode, nested: boolean): string => {
    enter(node);
    try {
      switch (node.type) {
        case "string_literal":
        case "character_literal": {
          const text = getText(node);
          return nested ? text : pySlice(text, 1, -1);
        }
        case "identifier":
        case "class_literal":
        case "type_identifier":
        case "method_invocation":
          return getText(node);
        case "array_creation_expression": {
          const typeNode = required(node.childForFieldName("type"), node, "type");
          const typeText = valueText(typeNode, true);
          const valueNode = required(node.childForFieldName("value"), node, "initializer");
          return `new ${typeText}[]${valueText(valueNode, true)}`;
        }
        case "object_creation_expression": {
          const typeNode = node.childForFieldName("type");
          const argsNode = node.childForFieldName("arguments");
          const typeText = valueText(required(typeNode, node, "type"), true);
          if (argsNode === null) return `new ${typeText}()`;
          const args: string[] = [];
          for (const child of argsNode.children) {
            if (child.type !== "," && child.type !== "(" && child.type !== ")") args.push(valueText(child, true));
          }
          return `new ${typeText}(${args.join(", ")})`;
        }
        case "set": {
          // A list comprehension: one more Python frame.
          enter(node);
          try {
            const items: string[] = [];
            for (const child of node.children) if (child.type !== "," && child.type !== "set") items.push(valueText(child, true));
            return `{${items.join(", ")}}`;
          } finally {
            leave();
          }
        }
      }
      if (node.childCount > 0) {
        // `"".join(generator)`: the generator is one more Python frame.
        enter(node);
        try {
          let out = "";
          for (const child of node.children) out += valueText(child, true);
          return out;
        } finally {
          leave();
        }
      }
      return getText(node);
    } finally {
      leave();
    }
  };

  /** Mirrors BFCL's `extract_arguments(args_node)`. */
  const extractArguments = (argsNode: TsNode): PyDict => {
    enter(argsNode);
    try {
      const args = new PyDict();
      let duplicate: TsNode | undefined;
      const put = (key: string | null, value: string, at: TsNode) => {
        if (args.has(key)) duplicate ??= at;
        else args.set(key, value);
      };
      for (const child of argsNode.children) {
        if (child.type === "assignment_expression") {
          const kids = child.children;
          if (kids.length < 3) throw new ParseError("assignment without a value", child.startIndex, GRAMMAR);
          put(getText(kids[0]!), valueText(kids[2]!, false), child);
        } else if (child.type === "identifier" || child.type === "class_literal" || child.type === "set") {
          put(null, valueText(child, false), child);
        }
      }
      if (duplicate !== undefined)
        throw new ParseError("Multiple arguments with the same name are not supported", duplicate.startIndex, GRAMMAR);
      return args;
    } finally {
      leave();
    }
  };

  /** Mirrors BFCL's `traverse(node)`: the first method invocation in pre-order. */
  const traverse = (node: TsNode): PyValue[] | undefined => {
    enter(node);
    try {
      if (node.type === "method_invocation") {
        const methodName = getText(required(node.childForFieldName("name"), node, "name"));
        const objectNode = node.childForFieldName("object");
        const functionName = objectNode === null ? methodName : `${getText(objectNode)}.${methodName}`;
        const argsNode = node.childForFieldName("arguments");
        if (argsNode === null) return undefined;
        return [PyDict.fromEntries([[functionName, extractArguments(argsNode)]])];
      }
      for (const child of node.children) {
        const found = traverse(child);
        if (found !== undefined) return found;
      }
      return undefined;
    } finally {
      leave();
    }
  };

  return traverse(root) ?? new PyDict();
}
