import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FC_PROMPT_SYSTEM_PROMPT, QUERY_MODEL_SYSTEM_PROMPT, SampleSchema, type BadCase, type Sample } from "@advfc/core";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalCall, fcPpoRows, fcSftRows, queryPpoRows, writeFcPpoParquet, writeFcSftParquet, writeQueryPpoParquet } from "./verl-datasets.js";

const tmp = mkdtempSync(join(tmpdir(), "advfc-verl-data-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const seedsFile = fileURLToPath(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url));
const seeds: Sample[] = readFileSync(seedsFile, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .slice(0, 12)
  .map((l) => SampleSchema.parse(JSON.parse(l)));

function toBuffer(file: string): ArrayBuffer {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

interface Node {
  element: { name: string; type?: string; repetition_type?: string; converted_type?: string };
  children: Node[];
}
/** A parquet schema node as a pyarrow-style type string (3-level lists collapsed to list<…>). */
function typeOf(n: Node): string {
  if (n.element.converted_type === "LIST") return `list<${typeOf(n.children[0]!.children[0]!)}>`;
  if (n.children.length > 0) return `struct<${n.children.map((c) => `${c.element.name}: ${typeOf(c)}`).join(", ")}>`;
  return n.element.converted_type === "UTF8" ? "string" : n.element.type === "INT64" ? "int64" : n.element.type === "BOOLEAN" ? "bool" : String(n.element.type);
}
function columnTypes(file: string): Record<string, string> {
  const tree = parquetSchema(parquetMetadata(toBuffer(file))) as unknown as Node;
  return Object.fromEntries(tree.children.map((c) => [c.element.name, typeOf(c)]));
}

let hasPyarrow = false;
try {
  execFileSync("python3", ["-c", "import pyarrow"], { stdio: "ignore" });
  hasPyarrow = true;
} catch {
  hasPyarrow = false;
}

describe("query-model PPO set", () => {
  const file = join(tmp, "query.parquet");
  const rows = queryPpoRows(seeds, { iteration: 1 });
  writeQueryPpoParquet(file, rows);

  it("has verl's columns with list<struct<role, content>> prompts and struct reward_model / extra_info", () => {
    expect(columnTypes(file)).toEqual({
      data_source: "string",
      prompt: "list<struct<role: string, content: string>>",
      ability: "string",
      reward_model: "struct<style: string, ground_truth: string>",
      extra_info: "struct<split: string, index: int64, seed_id: string, iteration: int64, tools: string, category: string, messages: string>",
    });
  });

  it("reads back row for row: the query-model prompt, the expected answer as ground truth, the tools in extra_info", async () => {
    const back = await parquetReadObjects({ file: toBuffer(file) });
    expect(back).toHaveLength(seeds.length);
    const first = back[0]!;
    const seed = seeds[0]!;
    expect(first.data_source).toBe("advfc/query");
    expect(first.ability).toBe("rewrite");
    expect(first.prompt[0]).toEqual({ role: "system", content: QUERY_MODEL_SYSTEM_PROMPT });
    expect(first.prompt[1].role).toBe("user");
    expect(first.prompt[1].content).toContain(seed.messages[seed.messages.length - 1]!.content);
    expect(first.reward_model).toEqual({ style: "rule", ground_truth: JSON.stringify(seed.expected) });
    expect(first.extra_info).toEqual({ split: "train", index: 0n, seed_id: seed.id, iteration: 1n, tools: JSON.stringify(seed.tools), category: seed.category, messages: JSON.stringify(seed.messages) });
    expect(back[5]!.extra_info.index).toBe(5n);
  });

  it("keeps its schema with zero rows (types are declared, never guessed)", () => {
    const empty = join(tmp, "empty.parquet");
    writeQueryPpoParquet(empty, []);
    expect(columnTypes(empty).prompt).toBe("list<struct<role: string, content: string>>");
  });

  it.runIf(hasPyarrow)("is read by pyarrow with the same nested types", () => {
    const out = execFileSync("python3", ["-c", `import pyarrow.parquet as pq; print(pq.read_schema(${JSON.stringify(file)}).field("prompt").type)`]).toString();
    expect(out.trim()).toBe("list<element: struct<role: string, content: string>>");
  });
});

describe("FC-model PPO set", () => {
  const seed = seeds[0]!;
  const bad = { sample: { ...seed, id: "bad-1", messages: [{ role: "user" as const, content: "a rewritten request" }] } } as unknown as BadCase;
  const rows = fcPpoRows([bad], seeds.slice(0, 2));

  it("puts the bad cases first, then the seeds, with the prompt-mode system prompt carrying the tools", async () => {
    const file = join(tmp, "fc.parquet");
    writeFcPpoParquet(file, rows);
    const back = await parquetReadObjects({ file: toBuffer(file) });
    expect(back.map((r) => r.extra_info.origin)).toEqual(["bad_case", "seed", "seed"]);
    expect(back[0]!.prompt).toHaveLength(2);
    expect(back[0]!.prompt[0].content).toContain(FC_PROMPT_SYSTEM_PROMPT.split("\n")[0]);
    expect(back[0]!.prompt[0].content).toContain(`"name": "${seed.tools[0]!.name}"`);
    expect(back[0]!.prompt[1]).toEqual({ role: "user", content: "a rewritten request" });
    expect(back[0]!.reward_model.ground_truth).toBe(JSON.stringify(seed.expected));
    expect(back[0]!.extra_info).toMatchObject({ sample_id: "bad-1", mode: "prompt", category: seed.category, tools: JSON.stringify(seed.tools) });
    expect(columnTypes(file).extra_info).toBe("struct<split: string, index: int64, sample_id: string, origin: string, tools: string, category: string, mode: string>");
  });

  it("fc mode keeps the conversation without a tools system prompt", () => {
    const [r] = fcPpoRows([], [seed], { mode: "fc" });
    expect(r!.prompt).toEqual(seed.messages.map((m) => ({ role: m.role, content: m.content })));
  });
});

describe("FC SFT set", () => {
  it("ends each conversation with an assistant message carrying OpenAI tool_calls; tools is a JSON string", async () => {
    const file = join(tmp, "sft.parquet");
    const rows = fcSftRows([], seeds.slice(0, 3));
    writeFcSftParquet(file, rows);
    expect(columnTypes(file)).toEqual({
      messages: "list<struct<role: string, content: string, tool_calls: list<struct<type: string, function: struct<name: string, arguments: string>>>>>",
      tools: "string",
      enable_thinking: "bool",
    });
    const back = await parquetReadObjects({ file: toBuffer(file) });
    const seed = seeds[0]!;
    const last = back[0]!.messages[back[0]!.messages.length - 1];
    expect(last.role).toBe("assistant");
    const calls = "calls" in seed.expected ? seed.expected.calls : [];
    expect(last.tool_calls).toEqual(calls.map((c) => ({ type: "function", function: { name: c.name, arguments: JSON.stringify(canonicalCall(c).arguments) } })));
    expect(JSON.parse(back[0]!.tools)).toEqual(seed.tools);
    expect(back[0]!.enable_thinking).toBe(false);
  });

  it("canonicalCall takes the first allowed value and leaves out may-be-omitted arguments", () => {
    expect(canonicalCall({ name: "f", args: { a: ["x", "y"], b: [""], c: ["", 3] } })).toEqual({ name: "f", arguments: { a: "x", c: 3 } });
  });
});
