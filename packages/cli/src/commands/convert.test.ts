import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConvert } from "./convert.js";

// The shared BFCL copy beside the checkout (src/commands → src → cli → packages → repo → ..).
const bfclV4 = process.env.ADVFC_BFCL_DATA
  ? join(process.env.ADVFC_BFCL_DATA, "v4")
  : fileURLToPath(new URL("../../../../../shared/data/bfcl/v4/", import.meta.url));

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join("") };
}

async function run(argv: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await runConvert(argv, {
    stdout: out.stream,
    stderr: err.stream,
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "advfc-convert-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("advfc convert --help and usage errors", () => {
  it("prints help and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: advfc convert --from FORMAT --to FORMAT/);
    expect(r.stdout).toContain("--answers FILE");
  });
  it("exits 2 and says what is wrong", async () => {
    expect((await run(["--to", "samples", "x"])).stderr).toContain("--from must be one of bfcl, xlam, openai, samples");
    const bad = await run(["--from", "csv", "--to", "samples"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('got "csv"');
    expect((await run(["--from", "xlam", "--to", "bfcl", "x"])).stderr).toContain("--to bfcl needs --out DIR");
    expect((await run(["--from", "xlam", "--to", "samples", "--answers", "a", "x"])).stderr).toContain("--answers is for --from bfcl");
    expect((await run(["--from", "xlam", "--to", "samples", "--bogus"])).code).toBe(2);
    expect((await run(["--from", "xlam", "--to", "samples", "--category", "nope"])).stderr).toContain("--category must be");
  });
  it("exits 1 naming a missing input file", async () => {
    const r = await run(["--from", "xlam", "--to", "samples", join(tmp, "missing.jsonl")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read ${join(tmp, "missing.jsonl")}`);
  });
});

describe("--from bfcl", () => {
  it("converts a question file with its possible answers to samples", async () => {
    const out = join(tmp, "js.jsonl");
    const r = await run(["--from", "bfcl", "--to", "samples", "--out", out, join(bfclV4, "BFCL_v4_simple_javascript.json")]);
    expect(r.stderr).toBe("advfc convert: 50 samples converted\n");
    expect(r.code).toBe(0);
    const samples = jsonLines(await readFile(out, "utf8"));
    expect(samples).toHaveLength(50);
    expect(samples[0]).toMatchObject({ id: "simple_javascript_0", category: "simple_javascript", language: "javascript", source: { format: "bfcl-v4", line: 1 } });
  });

  it("reads a question file from stdin with --answers and --category", async () => {
    const q = (await readFile(join(bfclV4, "BFCL_v4_simple_java.json"), "utf8")).split("\n").slice(0, 3).join("\n");
    const a = join(tmp, "java-answers.json");
    await writeFile(a, (await readFile(join(bfclV4, "possible_answer", "BFCL_v4_simple_java.json"), "utf8")).split("\n").slice(0, 3).join("\n"));
    const r = await run(["--from", "bfcl", "--to", "samples", "--answers", a, "-"], q);
    expect(r.code).toBe(0);
    const samples = jsonLines(r.stdout);
    expect(samples.map((s) => s.id)).toEqual(["simple_java_0", "simple_java_1", "simple_java_2"]);
    expect(samples[0]!.source).toEqual({ format: "bfcl-v4", file: "<stdin>", line: 1, id: "simple_java_0" });
  });

  it("converts a folder to BFCL v3 files and back", async () => {
    const src = join(tmp, "bfcl-in");
    await mkdir(join(src, "possible_answer"), { recursive: true });
    for (const name of ["BFCL_v4_parallel.json", "BFCL_v4_live_irrelevance.json"]) await copyFile(join(bfclV4, name), join(src, name));
    await copyFile(join(bfclV4, "possible_answer", "BFCL_v4_parallel.json"), join(src, "possible_answer", "BFCL_v4_parallel.json"));
    const dest = join(tmp, "bfcl-v3-out");
    const r = await run(["--from", "bfcl", "--to", "bfcl", "--bfcl-version", "v3", "--out", dest, src]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("wrote 200 entries to BFCL_v3_parallel.json");
    expect(r.stderr).toContain("wrote 884 entries to BFCL_v3_live_irrelevance.json");
    expect((await readdir(dest)).sort()).toEqual(["BFCL_v3_live_irrelevance.json", "BFCL_v3_parallel.json", "possible_answer"]);
    expect(await readdir(join(dest, "possible_answer"))).toEqual(["BFCL_v3_parallel.json"]);
    // The answers come back as BFCL wrote them.
    const original = (await readFile(join(bfclV4, "possible_answer", "BFCL_v4_parallel.json"), "utf8")).split("\n").filter(Boolean);
    const written = (await readFile(join(dest, "possible_answer", "BFCL_v3_parallel.json"), "utf8")).split("\n").filter(Boolean);
    expect(written).toEqual(original);
    const back = await run(["--from", "bfcl", "--to", "samples", dest]);
    expect(back.code).toBe(0);
    expect(jsonLines(back.stdout)).toHaveLength(1084);
    expect((await run(["--from", "bfcl", "--to", "samples", "--category", "parallel", dest])).code).toBe(2);
  });
});

describe("--from xlam / openai / samples", () => {
  it("reports malformed lines with file and line, converts the rest, exits 1", async () => {
    const path = join(tmp, "xlam.jsonl");
    await writeFile(
      path,
      [
        JSON.stringify({ id: 1, query: "Weather in Oslo?", tools: '[{"name": "w", "parameters": {"city": {"type": "str"}}}]', answers: '[{"name": "w", "arguments": {"city": "Oslo"}}]' }),
        '{"query": "cut off',
        JSON.stringify({ id: 3, query: "Hi", tools: "[]", answers: "[]" }),
      ].join("\n"),
    );
    const r = await run(["--from", "xlam", "--to", "samples", path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^advfc convert: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, line 2: malformed JSON`));
    expect(r.stderr).toContain("advfc convert: 2 samples converted, 1 input skipped\n");
    expect(jsonLines(r.stdout).map((s) => [s.id, s.category])).toEqual([
      ["1", "simple_python"],
      ["3", "irrelevance"],
    ]);
  });

  it("converts OpenAI logs from stdin", async () => {
    const log = {
      messages: [
        { role: "user", content: "Ping the server" },
        { role: "assistant", content: null, tool_calls: [{ id: "1", type: "function", function: { name: "ping", arguments: "{}" } }] },
      ],
      tools: [{ type: "function", function: { name: "ping", parameters: { type: "object", properties: {} } } }],
    };
    const r = await run(["--from", "openai", "--to", "samples"], JSON.stringify(log) + "\n");
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ id: "openai_1", expected: { calls: [{ name: "ping", args: {} }] }, source: { format: "openai", file: "<stdin>" } });
  });

  it("writes samples as BFCL, reporting samples BFCL cannot express", async () => {
    const ok = {
      id: "s1",
      messages: [{ role: "user", content: "Area?" }],
      tools: [{ name: "area", parameters: { type: "dict", properties: { r: { type: "float" } }, required: ["r"] } }],
      expected: { calls: [{ name: "area", args: { r: [2] }, pyFloats: ["/r/0"] }] },
      category: "simple",
      language: "python",
      source: { format: "advfc" },
    };
    const abstainInSimple = { ...ok, id: "s2", expected: { abstain: true } };
    const samples = join(tmp, "seeds.jsonl");
    await writeFile(samples, [JSON.stringify(ok), JSON.stringify(abstainInSimple)].join("\n") + "\n");
    const dest = join(tmp, "seeds-bfcl");
    const r = await run(["--from", "samples", "--to", "bfcl", "--out", dest, samples]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${samples}, line 2: sample s2: category simple_python needs expected calls, but the sample expects no call`);
    expect(await readFile(join(dest, "possible_answer", "BFCL_v4_simple_python.json"), "utf8")).toBe('{"id": "s1", "ground_truth": [{"area": {"r": [2.0]}}]}\n');
  });
});
