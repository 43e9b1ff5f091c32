import { categoryLanguage, isRelevanceCategory } from "./check-case.js";
import { BFCL_V4_CATEGORIES } from "../schema/category.js";
import { enumerateChoices, loadCategory, type BfclEntry } from "./bfcl-fixtures.js";
import { CALL_MUTATIONS, mutateCalls, mutateText, TEXT_MUTATIONS } from "./mutate.js";
import { PyDict, type PyValue } from "./pyvalue.js";
import { paramTypesFromDocs, renderCalls, toJsonText, type ConcreteCall } from "./render.js";
import { OUTPUT_MODES, type OutputMode } from "../parse/decode.js";

/** One `advfc check` input line of the benchmark workload. */
export interface WorkloadLine {
  mode: OutputMode;
  /** `correct`, or the mutation that broke it. */
  variant: string;
  /** The JSON line, exactly as `advfc check` reads it. */
  text: string;
}

function line(e: BfclEntry, mode: OutputMode, variant: string, output: string): WorkloadLine {
  const gt = e.groundTruth === null ? "null" : toJsonText(e.groundTruth);
  const text = `{"id": ${JSON.stringify(`${e.id}:${mode}:${variant}`)}, "category": ${JSON.stringify(e.category)}, "functions": ${toJsonText(e.functions)}, "possible_answer": ${gt}, "model_output": ${JSON.stringify(output)}, "mode": "${mode}"}`;
  return { mode, variant, text };
}

function requiredOf(functions: PyValue): (fn: string) => string[] {
  return (fn) => {
    const doc = (Array.isArray(functions) ? functions : []).find((d) => d instanceof PyDict && d.get("name") === fn) as PyDict | undefined;
    const params = doc?.get("parameters");
    const req = params instanceof PyDict ? params.get("required") : undefined;
    return Array.isArray(req) ? req.filter((r): r is string => typeof r === "string") : [];
  };
}

/**
 * The `advfc bench check` workload: every BFCL single-turn entry in `dir` (a v4 data folder),
 * rendered in each output mode as a correct output, a call-level mutation and a text-level
 * mutation (mutations rotate over the kinds). Relevance entries get a no-call and a call output.
 */
export function buildCheckWorkload(dir: string): WorkloadLine[] {
  const out: WorkloadLine[] = [];
  let rot = 0;
  for (const category of BFCL_V4_CATEGORIES) {
    const entries = loadCategory(dir, category, "v4");
    const language = categoryLanguage(category);
    for (const e of entries) {
      if (isRelevanceCategory(category)) {
        const first = Array.isArray(e.functions) ? (e.functions[0] as PyDict | undefined) : undefined;
        const name = typeof first?.get("name") === "string" ? (first!.get("name") as string) : "f";
        for (const mode of OUTPUT_MODES) {
          out.push(line(e, mode, "no_call", mode === "openai" ? "I can't help with that using these tools." : mode === "hermes" ? "No tool applies." : "[]"));
          out.push(line(e, mode, "call", renderCalls([{ name, args: [] }], mode)));
        }
        continue;
      }
      const [calls] = enumerateChoices(e.groundTruth!, e.functions);
      const typeOf = paramTypesFromDocs(e.functions);
      for (const mode of OUTPUT_MODES) {
        out.push(line(e, mode, "correct", renderCalls(calls!, mode, language, typeOf)));
        let mutated: { calls: ConcreteCall[]; kind: string } | undefined;
        for (let k = 0; k < CALL_MUTATIONS.length && !mutated; k++) {
          const kind = CALL_MUTATIONS[(rot + k) % CALL_MUTATIONS.length]!;
          const m = mutateCalls(calls!, kind, typeOf, requiredOf(e.functions));
          if (m) mutated = { calls: m.calls, kind };
        }
        if (mutated) out.push(line(e, mode, mutated.kind, renderCalls(mutated.calls, mode, language, typeOf)));
        const tm = TEXT_MUTATIONS[rot % TEXT_MUTATIONS.length]!;
        out.push(line(e, mode, tm, mutateText(renderCalls(calls!, mode, language, typeOf), tm)));
        rot++;
      }
    }
  }
  return out;
}
