import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkCase, isRelevanceCategory } from "./check-case.js";
import { BFCL_V4_CATEGORIES } from "../schema/category.js";
import { enumerateChoices, loadCategory } from "./bfcl-fixtures.js";
import { CALL_MUTATIONS, mutateCalls, mutateText, TEXT_MUTATIONS, textMutationVerdict } from "./mutate.js";
import { paramTypesFromDocs, renderCalls } from "./render.js";
import { PyDict } from "./pyvalue.js";
import { findJsonCallList, OUTPUT_MODES } from "../parse/decode.js";

const DATA = fileURLToPath(new URL("../../../../../shared/data/bfcl/v4", import.meta.url));
const PYTHON_AST = BFCL_V4_CATEGORIES.filter((c) => !isRelevanceCategory(c) && !c.includes("java"));

function requiredOf(functions: unknown): (fn: string) => string[] {
  return (fn) => {
    const doc = (functions as PyDict[]).find((d) => d.get("name") === fn);
    const params = doc?.get("parameters");
    const req = params instanceof PyDict ? params.get("required") : undefined;
    return Array.isArray(req) ? (req as string[]) : [];
  };
}

function expectedFor(category: string, singleCallError: string): string {
  if (category.includes("parallel")) return singleCallError === "wrong_count" ? "parallel_function_checker_no_order:wrong_count" : "parallel_function_checker_no_order:cannot_find_match";
  if (singleCallError === "wrong_count") return category.includes("multiple") ? "multiple_function_checker:wrong_count" : "simple_function_checker:wrong_count";
  return singleCallError;
}

describe("systematic mutations of valid outputs fail with BFCL's error type", () => {
  for (const category of PYTHON_AST) {
    it(category, () => {
      const entries = loadCategory(DATA, category, "v4");
      const failures: string[] = [];
      const applied = new Map<string, number>();
      for (const e of entries) {
        const [calls] = enumerateChoices(e.groundTruth!, e.functions);
        const typeOf = paramTypesFromDocs(e.functions);
        // mutate only outputs that are valid to begin with (skips the few impossible entries)
        if (!checkCase({ category, functions: e.functions, possibleAnswer: e.groundTruth, modelOutput: renderCalls(calls!, "prompt"), mode: "prompt" }).valid) continue;
        for (const m of CALL_MUTATIONS) {
          const mutated = mutateCalls(calls!, m, typeOf, requiredOf(e.functions));
          if (!mutated) continue;
          const expected = expectedFor(category, mutated.errorType);
          for (const mode of OUTPUT_MODES) {
            const out = renderCalls(mutated.calls, mode);
            if (mode === "json" && findJsonCallList(out)?.[1] !== out.length) continue; // BFCL's JSON regex quirk (see ground-truth test)
            const r = checkCase({ category, functions: e.functions, possibleAnswer: e.groundTruth, modelOutput: out, mode });
            applied.set(m, (applied.get(m) ?? 0) + 1);
            if (r.valid || r.errorType !== expected) failures.push(`${e.id} ${m} [${mode}] expected ${expected}, got ${r.valid ? "valid" : r.errorType}\n  ${out.slice(0, 200)}`);
          }
        }
        for (const m of TEXT_MUTATIONS) {
          for (const mode of OUTPUT_MODES) {
            const correct = renderCalls(calls!, mode);
            if (mode === "json" && findJsonCallList(correct)?.[1] !== correct.length) continue;
            const out = mutateText(correct, m);
            const verdict = textMutationVerdict(m, mode);
            const r = checkCase({ category, functions: e.functions, possibleAnswer: e.groundTruth, modelOutput: out, mode });
            applied.set(m, (applied.get(m) ?? 0) + 1);
            if (verdict === true) {
              if (!r.valid) failures.push(`${e.id} ${m} [${mode}] expected valid, got ${r.errorType}`);
            } else if (verdict === null) {
              if (r.valid) failures.push(`${e.id} ${m} [${mode}] expected invalid, got valid`);
            } else if (r.errorType !== verdict) failures.push(`${e.id} ${m} [${mode}] expected ${verdict}, got ${r.valid ? "valid" : r.errorType}`);
          }
        }
      }
      expect(failures.slice(0, 10)).toEqual([]);
      // every mutation kind was exercised in this category
      for (const m of [...CALL_MUTATIONS.filter((x) => x !== "wrong_type" && x !== "missing_required"), ...TEXT_MUTATIONS])
        expect(applied.get(m) ?? 0, `${m} applied`).toBeGreaterThan(0);
    });
  }
});

describe("relevance and irrelevance", () => {
  const fn = [PyDict.fromEntries([["name", "f"], ["parameters", PyDict.fromEntries([["type", "dict"], ["properties", new PyDict()], ["required", []]])]])];
  it.each([
    ["irrelevance", "prompt", "[]", true, "abstain"],
    ["irrelevance", "prompt", "I cannot help with that.", true, "unparseable"],
    ["irrelevance", "prompt", "[f()]", false, "call"],
    ["irrelevance", "hermes", "No tool fits.", true, "abstain"],
    ["irrelevance", "hermes", "<tool_call>\n{bad json}\n</tool_call>", true, "unparseable"],
    ["irrelevance", "openai", "Sorry, no.", true, "abstain"],
    ["irrelevance", "openai", "[]", true, "abstain"],
    ["live_irrelevance", "json", "[]", true, "abstain"],
    ["live_relevance", "prompt", "[f()]", true, "call"],
    ["live_relevance", "prompt", "[]", false, "abstain"],
    ["live_relevance", "prompt", "no", false, "unparseable"],
    ["live_relevance", "openai", '[{"function": {"name": "g", "arguments": "{}"}}]', true, "call"],
  ] as const)("%s %s %j → valid=%s (%s)", (category, mode, output, valid, outcome) => {
    const r = checkCase({ category, functions: fn, possibleAnswer: null, modelOutput: output, mode });
    expect(r.valid).toBe(valid);
    expect(r.outcome).toBe(outcome);
    if (!valid) expect(r.errorType).toBe(category.includes("irrelevance") ? "irrelevance_error:decoder_success" : "relevance_error:decoder_failed");
  });
});
