import type { Category } from "../schema/category.js";
import type { Expected } from "../schema/expected.js";
import type { Language } from "../schema/language.js";

/**
 * The BFCL category a sample from a category-less format (xLAM, OpenAI logs) belongs to, by
 * what BFCL's names mean:
 *
 * | expected answer                          | tools on offer | category             |
 * | ---------------------------------------- | -------------- | -------------------- |
 * | no call (`{abstain: true}` or no calls)  | any            | `irrelevance`        |
 * | one call                                 | one            | `simple_<language>`  |
 * | one call                                 | several        | `multiple`           |
 * | several calls, all one function name     | any            | `parallel`           |
 * | several calls, several function names    | any            | `parallel_multiple`  |
 *
 * (BFCL's `multiple` means "pick the right one of several functions, call it once", which is
 * why a single call among several tools is `multiple`, not `simple`.)
 */
export function inferCategory(expected: Expected, toolCount: number, language: Language = "python"): Category {
  if ("abstain" in expected || expected.calls.length === 0) return "irrelevance";
  const calls = expected.calls;
  if (calls.length === 1) return toolCount > 1 ? "multiple" : (`simple_${language}` as Category);
  return new Set(calls.map((c) => c.name)).size === 1 ? "parallel" : "parallel_multiple";
}
