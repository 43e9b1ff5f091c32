import type { OutputMode } from "../parse/decode.js";
import { PyFloat, type PyValue } from "./pyvalue.js";
import type { ConcreteCall, ParamTypeLookup } from "./render.js";

/**
 * Systematic ways to break a correct set of calls, each with the BFCL error type it must
 * produce. Call-level mutations change what is called; text-level mutations change how the
 * rendered output is written.
 */

export type CallMutation = "wrong_name" | "missing_required" | "extra_param" | "wrong_value" | "wrong_type" | "wrong_count";
export type TextMutation = "truncated" | "prose_around" | "fence_with_language" | "fence_plain";

export const CALL_MUTATIONS: readonly CallMutation[] = ["wrong_name", "missing_required", "extra_param", "wrong_value", "wrong_type", "wrong_count"];
export const TEXT_MUTATIONS: readonly TextMutation[] = ["truncated", "prose_around", "fence_with_language", "fence_plain"];

export interface MutatedCalls {
  calls: ConcreteCall[];
  /** The error type a single-call (simple/multiple) category gives; parallel ones give `cannot_find_match` or `wrong_count`. */
  errorType: string;
}

const PRIMITIVE_TYPES = new Set(["string", "integer", "float", "boolean"]);

function firstArg(calls: ConcreteCall[], typeOf: ParamTypeLookup, ok: (type: string, v: PyValue) => boolean): [number, number] | undefined {
  for (let c = 0; c < calls.length; c++) {
    const call = calls[c]!;
    for (let a = 0; a < call.args.length; a++) {
      const [k, v] = call.args[a]!;
      const t = typeOf(call.name, k)?.type;
      if (t !== undefined && ok(t, v)) return [c, a];
    }
  }
  return undefined;
}

function replaceArg(calls: ConcreteCall[], c: number, a: number, v: PyValue): ConcreteCall[] {
  return calls.map((call, i) =>
    i !== c ? call : { name: call.name, args: call.args.map((arg, j) => (j === a ? [arg[0], v] : arg)) as Array<[string, PyValue]> },
  );
}

/**
 * Apply a call-level mutation to a correct Python-category call set. Returns undefined when the
 * mutation does not apply (no argument of a suitable type, nothing required to drop).
 * `required(fn)` lists a function's required parameters; `allowed(fn, param)` its allowed values.
 */
export function mutateCalls(
  calls: ConcreteCall[],
  m: CallMutation,
  typeOf: ParamTypeLookup,
  required: (fn: string) => readonly string[],
): MutatedCalls | undefined {
  if (calls.length === 0) return undefined;
  switch (m) {
    case "wrong_name":
      return { calls: [{ ...calls[0]!, name: `${calls[0]!.name}_zz` }, ...calls.slice(1)], errorType: "simple_function_checker:wrong_func_name" };
    case "missing_required": {
      const call = calls[0]!;
      const req = required(call.name);
      const idx = call.args.findIndex(([k]) => req.includes(k));
      if (idx < 0) return undefined;
      return { calls: [{ name: call.name, args: call.args.filter((_, j) => j !== idx) }, ...calls.slice(1)], errorType: "simple_function_checker:missing_required" };
    }
    case "extra_param":
      return {
        calls: [{ name: calls[0]!.name, args: [...calls[0]!.args, ["zz_unexpected_param", 1]] }, ...calls.slice(1)],
        errorType: "simple_function_checker:unexpected_param",
      };
    case "wrong_value": {
      const hit = firstArg(calls, typeOf, (t) => PRIMITIVE_TYPES.has(t));
      if (!hit) return undefined;
      const [c, a] = hit;
      const [k, v] = calls[c]!.args[a]!;
      const t = typeOf(calls[c]!.name, k)!.type;
      if (t === "string") return { calls: replaceArg(calls, c, a, "zz definitely wrong value"), errorType: "value_error:string" };
      if (t === "integer") return { calls: replaceArg(calls, c, a, typeof v === "number" ? v + 100_003 : 100_003), errorType: "value_error:others" };
      if (t === "float") return { calls: replaceArg(calls, c, a, new PyFloat((v instanceof PyFloat ? v.value : typeof v === "number" ? v : 0) + 100_003.5)), errorType: "value_error:others" };
      return undefined; // booleans: the flipped value is often allowed too
    }
    case "wrong_type": {
      const hit = firstArg(calls, typeOf, (t, v) => (t === "integer" && typeof v === "number") || (t === "boolean" && typeof v === "boolean"));
      if (!hit) return undefined;
      const [c, a] = hit;
      const v = calls[c]!.args[a]![1];
      return { calls: replaceArg(calls, c, a, `${String(v)}x`), errorType: "type_error:simple" };
    }
    case "wrong_count":
      return { calls: [...calls, calls[0]!], errorType: "wrong_count" };
  }
}

/** Apply a text-level mutation to a rendered output. */
export function mutateText(output: string, m: TextMutation): string {
  switch (m) {
    case "truncated":
      return output.slice(0, Math.max(1, Math.floor(output.length * 0.6)));
    case "prose_around":
      return `Sure! Here is the function call you asked for: ${output} Let me know if you need anything else.`;
    case "fence_with_language":
      return "```python\n" + output + "\n```";
    case "fence_plain":
      return "```\n" + output + "\n```";
  }
}

/**
 * BFCL's verdict on a text mutation of a valid output, by mode: `true` when it still passes,
 * else the error type (single-call categories; `null` = depends on the output).
 */
export function textMutationVerdict(m: TextMutation, mode: OutputMode): true | string | null {
  switch (m) {
    case "prose_around":
      // prompt: the prose is parsed as Python; json: the call list is extracted by regex;
      // hermes: text outside <tool_call> blocks is ignored; openai: a text answer.
      return mode === "prompt" ? "ast_decoder:decoder_failed" : mode === "openai" ? "ast_decoder:decoder_failed" : true;
    case "fence_with_language":
      return mode === "prompt" ? "ast_decoder:decoder_failed" : mode === "openai" ? "ast_decoder:decoder_failed" : true;
    case "fence_plain":
      // BFCL strips backticks and newlines from both ends in prompt and json modes
      return mode === "openai" ? "ast_decoder:decoder_failed" : true;
    case "truncated":
      // usually a syntax error, but a cut right after "f(a=1), " still decodes (to fewer calls)
      return mode === "openai" ? "ast_decoder:decoder_failed" : null;
  }
}
