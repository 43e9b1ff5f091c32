/**
 * BFCL's JavaScript call decoder, reimplemented on the same tree-sitter grammar.
 *
 * BFCL (`bfcl_eval/model_handler/parser/js_parser.py`, `parse_javascript_function_call`) parses
 * the model's call text with py-tree-sitter 0.21.3 and tree-sitter-javascript 0.21.4 and reads
 * the first call statement. Unlike the Java decoder it takes node text properly (UTF-8 decoded),
 * and it keeps each argument's source text verbatim, only dropping one pair of surrounding quotes.
 */
import { ParseError } from "../errors.js";
import { PyDict, type PyValue } from "../check/pyvalue.js";
import { fastCall } from "./fast-call.js";
import {
  assertEncodable,
  fastPathAllowed,
  parseInChunks,
  sexpErrorOffset,
  treeSitterParser,
  type TreeSitterDecodeOptions,
  type TsNode,
  type TsParser,
} from "./java.js";

const GRAMMAR = "javascript";

function javascriptParser(): TsParser {
  return treeSitterParser("tree-sitter-javascript");
}

function childAt(node: TsNode, index: number): TsNode {
  const child = node.children[index];
  // BFCL indexes `children` directly; a missing child is an IndexError there.
  if (child === undefined) throw new ParseError(`${node.type} has no child ${index}`, node.startIndex, GRAMMAR);
  return child;
}

/**
 * Mirrors BFCL `parse_javascript_function_call(source_code)` (the caller has already removed the
 * outer `[`/`]`). Looks at the program's top-level expression statements in order and takes the
 * first `call_expression` that is a direct child of one (so `a(), b()` and `x = f()` are not
 * calls). Returns `[{name: {arg: text, …}}]` where `name` is the callee's source text; for
 * `a=…` arguments the value is the right-hand side's source text, minus one pair of matching
 * quotes; positional arguments count only when they are an identifier or `true` (key `null`);
 * everything else (numbers, `false`, objects, spread…) is dropped. Returns `null` (Python `None`)
 * when there is no such call.
 *
 * Throws {@link ParseError} where BFCL raises: the tree has an ERROR node, two arguments share a
 * name (or two are positional), or the text has a lone surrogate; `LimitError` when the
 * parse exceeds `options.timeoutMs`.
 */
export function parseJavaScriptFunctionCall(source: string, options: TreeSitterDecodeOptions = {}): PyValue {
  if (fastPathAllowed(options)) {
    const fast = fastCall(source, "javascript");
    if (fast !== undefined) return fast;
  }
  return parseJavaScriptFunctionCallTreeSitter(source, options);
}

/** {@link parseJavaScriptFunctionCall} always through tree-sitter (no fast path). @internal */
export function parseJavaScriptFunctionCallTreeSitter(source: string, options: TreeSitterDecodeOptions = {}): PyValue {
  assertEncodable(source, GRAMMAR);
  const root = parseInChunks(javascriptParser(), source, GRAMMAR, options.timeoutMs);
  const errorAt = sexpErrorOffset(root);
  if (errorAt >= 0) throw new ParseError("syntax error in JavaScript call", errorAt, GRAMMAR);

  const text = (node: TsNode): string => source.slice(node.startIndex, node.endIndex);

  /** Mirrors BFCL's `extract_arguments(node)`. */
  const extractArguments = (argsNode: TsNode): PyDict => {
    const args = new PyDict();
    let duplicate: TsNode | undefined;
    const put = (key: string | null, value: string, at: TsNode) => {
      if (args.has(key)) duplicate ??= at;
      else args.set(key, value);
    };
    for (const child of argsNode.children) {
      if (child.type === "assignment_expression") {
        const name = text(childAt(child, 0));
        let value = text(childAt(child, 2));
        if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
        put(name, value, child);
      } else if (child.type === "identifier" || child.type === "true") {
        put(null, text(child), child);
      }
    }
    if (duplicate !== undefined) throw new ParseError("Multiple arguments with the same name are not supported", duplicate.startIndex, GRAMMAR);
    return args;
  };

  if (root.type === "program") {
    for (const statement of root.children) {
      if (statement.type !== "expression_statement") continue;
      for (const expr of statement.children) {
        if (expr.type !== "call_expression") continue;
        const functionName = text(childAt(expr, 0));
        const params = extractArguments(childAt(expr, 1));
        return [PyDict.fromEntries([[functionName, params]])];
      }
    }
  }
  return null;
}
