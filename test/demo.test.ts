import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BFCL_V4_CATEGORIES, checkRawLine, OUTPUT_MODES } from "@advfc/core";
import { beforeAll, describe, expect, it } from "vitest";

// The demo's data: hand-written model outputs for real BFCL v4 entries (examples/README.md).
const examples = fileURLToPath(new URL("../examples/bfcl-results.jsonl", import.meta.url));
// The built bin, not the source: `npm test` builds before running the tests.
const bin = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));

type Expected = { valid: boolean; error_type: string | null };
const ok: Expected = { valid: true, error_type: null };
const bad = (error_type: string): Expected => ({ valid: false, error_type });

// The verdicts BFCL gives these outputs, decided by hand from BFCL's rules; the table in
// examples/README.md says why for each one.
const EXPECTED: Record<string, Expected> = {
  "simple_python_3/prompt": ok,
  "simple_python_25/json": ok,
  "simple_python_88/hermes": bad("type_error:simple"),
  "simple_python_130/openai": bad("value_error:others"),
  "simple_python_10/prompt": bad("ast_decoder:decoder_failed"),
  "simple_python_47/json": ok,
  "simple_python_0/prompt": bad("ast_decoder:decoder_failed"),
  "simple_java_32/prompt": bad("value_error:others"),
  "simple_java_26/openai": ok,
  "simple_java_22/hermes": ok,
  "simple_java_34/openai": bad("type_error:simple"),
  "simple_javascript_6/prompt": ok,
  "simple_javascript_18/openai": bad("type_error:js"),
  "simple_javascript_23/hermes": ok,
  "simple_javascript_30/prompt": bad("simple_function_checker:unexpected_param"),
  "multiple_4/prompt": bad("simple_function_checker:wrong_func_name"),
  "multiple_17/hermes": ok,
  "multiple_50/json": bad("value_error:list/tuple"),
  "multiple_120/openai": ok,
  "parallel_0/hermes": bad("parallel_function_checker_no_order:wrong_count"),
  "parallel_5/prompt": ok,
  "parallel_36/json": ok,
  "parallel_101/openai": bad("parallel_function_checker_no_order:cannot_find_match"),
  "parallel_multiple_0/prompt": ok,
  "parallel_multiple_14/hermes": bad("parallel_function_checker_no_order:cannot_find_match"),
  "parallel_multiple_3/json": bad("parallel_function_checker_no_order:cannot_find_match"),
  "parallel_multiple_60/openai": ok,
  "irrelevance_0/prompt": ok,
  "irrelevance_5/hermes": ok,
  "irrelevance_33/openai": bad("irrelevance_error:decoder_success"),
  "irrelevance_100/json": ok,
  "live_simple_6-3-2/prompt": bad("value_error:string"),
  "live_simple_24-5-2/openai": ok,
  "live_simple_66-30-0/hermes": bad("type_error:nested"),
  "live_simple_138-91-0/json": bad("simple_function_checker:missing_optional"),
  "live_simple_96-57-0/prompt": bad("ast_decoder:decoder_failed"),
  "live_simple_54-25-0/hermes": bad("simple_function_checker:wrong_count"),
  "live_multiple_125-47-1/prompt": bad("multiple_function_checker:wrong_count"),
  "live_multiple_600-158-6/hermes": bad("type_error:simple"),
  "live_multiple_625-160-5/openai": bad("simple_function_checker:wrong_func_name"),
  "live_multiple_925-191-13/json": ok,
  "live_multiple_275-127-10/hermes": ok,
  "live_parallel_1-0-1/openai": ok,
  "live_parallel_8-4-0/prompt": bad("parallel_function_checker_no_order:cannot_find_match"),
  "live_parallel_11-7-0/json": ok,
  "live_parallel_multiple_15-13-0/hermes": ok,
  "live_parallel_multiple_5-4-0/openai": bad("parallel_function_checker_no_order:cannot_find_match"),
  "live_parallel_multiple_6-5-0/json": bad("parallel_function_checker_no_order:wrong_count"),
  "live_irrelevance_25-2-13/prompt": ok,
  "live_irrelevance_400-83-0/openai": bad("irrelevance_error:decoder_success"),
  "live_irrelevance_825-318-0/hermes": ok,
  "live_relevance_2-2-0/hermes": ok,
  "live_relevance_3-3-0/prompt": bad("relevance_error:decoder_failed"),
  "live_relevance_8-8-0/openai": ok,
};

const lines = readFileSync(examples, "utf8")
  .split("\n")
  .filter((l) => l !== "");
const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);

describe("examples/bfcl-results.jsonl", () => {
  it("holds exactly the cases of the expected table, each once", () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("covers every BFCL single-turn category and every output mode", () => {
    const rows = lines.map((l) => JSON.parse(l) as { category: string; mode: string });
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set(BFCL_V4_CATEGORIES));
    expect(new Set(rows.map((r) => r.mode))).toEqual(new Set(OUTPUT_MODES));
  });

  it.each(lines.map((text, i) => [ids[i]!, text, i + 1] as const))("%s gets BFCL's verdict", (id, text, line) => {
    const r = checkRawLine(text, { file: examples, line });
    if ("error" in r) throw r.error;
    expect(r.verdict.id).toBe(id);
    expect({ valid: r.verdict.valid, error_type: r.verdict.error_type }).toEqual(EXPECTED[id]);
  });
});

describe("advfc demo", () => {
  beforeAll(() => {
    expect(existsSync(bin), `${bin} is missing; run \`npm run build\` first`).toBe(true);
  });

  it("exits 0, lists every case on stdout and prints the BFCL metrics table on stdout", () => {
    const result = spawnSync(process.execPath, [bin, "demo"], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const listed = result.stdout
      .split("\n")
      .map((l) => l.split(/\s+/)[0])
      .filter((w) => w !== undefined && w !== "");
    for (const id of ids) expect(listed).toContain(id);
    for (const name of ["overall", "non_live", "live", "irrelevance", "relevance"])
      expect(result.stdout).toMatch(new RegExp(`^${name}\\s+\\d+(\\.\\d+)?%$`, "m"));
  });
});
