import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCheck } from "./check.js";
import { runWithIo } from "../test-support/io.js";

const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

const FN = [
  {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "dict", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] },
  },
];
const GT = [{ get_weather: { city: ["Paris"], days: [3, ""] } }];

function line(id: string, output: unknown, mode = "prompt", category = "simple_python", extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, category, functions: FN, possible_answer: category.includes("relevance") ? null : GT, model_output: output, mode, ...extra });
}

function run(args: string[], stdin = "") {
  return runWithIo(runCheck, args, { stdin });
}

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function tmpFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "advfc-check-"));
  tmpDirs.push(dir);
  const f = join(dir, "in.jsonl");
  writeFileSync(f, content);
  return f;
}

describe("advfc check output", () => {
  it("scores every line in input order with BFCL's verdict and advfc's outcome", async () => {
    const input = [
      line("a", "[get_weather(city='paris')]"),
      line("b", "[get_weather(city='Paris', days=4)]"),
      line("c", "Sure: [get_weather(city='Paris')]"),
      line("d", '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}\n</tool_call>', "hermes"),
      line("e", [{ id: "1", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris"}' } }], "openai"),
      line("f", "I don't know.", "openai", "irrelevance"),
      line("g", "[]", "json", "simple"),
    ].join("\n");
    const { code, out } = await run([tmpFile(input + "\n")]);
    expect(code).toBe(0);
    const rows = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toEqual([
      { id: "a", valid: true, error_type: null, outcome: "call" },
      { id: "b", valid: false, error_type: "value_error:others", outcome: "call" },
      { id: "c", valid: false, error_type: "ast_decoder:decoder_failed", outcome: "unparseable" },
      { id: "d", valid: true, error_type: null, outcome: "call" },
      { id: "e", valid: true, error_type: null, outcome: "call" },
      { id: "f", valid: true, error_type: null, outcome: "abstain" },
      { id: "g", valid: false, error_type: "simple_function_checker:wrong_count", outcome: "abstain" },
    ]);
  });

  it("reads standard input when the file is -", async () => {
    const { code, out } = await run(["-"], line("s", "[get_weather(city='Paris')]") + "\n");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ id: "s", valid: true });
  });
});

describe("advfc check on malformed input", () => {
  it("names the line and field, scores the other lines, exits 1", async () => {
    const input = [
      line("ok1", "[get_weather(city='Paris')]"),
      "{not json",
      line("bad-mode", "[x()]", "yaml"),
      "",
      JSON.stringify({ id: "no-output", category: "simple_python", functions: FN, possible_answer: GT, mode: "prompt" }),
      line("bad-cat", "[x()]", "prompt", "multi_turn_base"),
      line("ok2", "[get_weather(city='Rome')]"),
    ].join("\n");
    const f = tmpFile(input);
    const { code, out, err } = await run([f]);
    expect(code).toBe(1);
    expect(out.trim().split("\n").map((l) => JSON.parse(l).id)).toEqual(["ok1", "ok2"]);
    expect(err).toContain(`${f}, line 2: not valid JSON`);
    expect(err).toContain(`${f}, line 3, mode: Expected one of prompt|json|hermes|openai for field 'mode' but received 'yaml'`);
    expect(err).toContain(`${f}, line 5, model_output:`);
    expect(err).toContain(`${f}, line 6, category:`);
    expect(err).toContain("4 malformed lines");
  });

  it("reports a missing file with exit code 2", async () => {
    const { code, err } = await run(["/nonexistent/file.jsonl"]);
    expect(code).toBe(2);
    expect(err).toContain("cannot read /nonexistent/file.jsonl");
  });

  it("rejects unknown options and bad option values with usage, exit 2", async () => {
    expect((await run(["--nope"])).code).toBe(2);
    expect((await run(["--format", "xml"])).code).toBe(2);
    expect((await run(["--formula", "v5"])).err).toContain("--formula must be v3 or v4");
  });
});

describe("advfc check --summary", () => {
  const input = [
    line("a", "[get_weather(city='Paris')]"),
    line("b", "[get_weather(city='Lyon')]"),
    line("c", "[]", "prompt", "irrelevance"),
    line("d", "[get_weather(city='Paris')]", "prompt", "live_relevance"),
  ].join("\n");

  it("prints the per-category table and aggregates as text", async () => {
    const { code, err } = await run([tmpFile(input), "--summary"]);
    expect(code).toBe(0);
    expect(err).toMatch(/simple_python\s+1\s+2\s+50\.00%/);
    expect(err).toMatch(/irrelevance\s+1\s+1\s+100\.00%/);
    expect(err).toMatch(/relevance\s+100\.00%/);
    expect(err).toMatch(/non_live\s+/);
  });

  it("prints JSON with --format json, using the chosen formula", async () => {
    const { err } = await run([tmpFile(input), "--summary", "--format", "json", "--formula", "v3"]);
    const m = JSON.parse(err.trim());
    expect(m.formula).toBe("v3");
    expect(m.categories.simple_python).toEqual({ correct: 1, total: 2, accuracy: 0.5 });
    expect(m.aggregates.relevance.accuracy).toBe(1);
    // v4 live_irrelevance is missing: BFCL shows N/A for the irrelevance aggregate
    expect(m.aggregates.irrelevance.display).toBeNull();
  });
});

describe("advfc check (built binary)", () => {
  it("streams with bounded memory: 150k lines through a 48 MB heap", async () => {
    const child = spawn(process.execPath, ["--max-old-space-size=48", bin, "check", "-"], { stdio: ["pipe", "pipe", "pipe"] });
    let outLines = 0;
    let tail = "";
    child.stdout.on("data", (c: Buffer) => {
      const s = tail + c.toString();
      const parts = s.split("\n");
      tail = parts.pop()!;
      outLines += parts.length;
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const one = line("x", "[get_weather(city='Paris', days=3)]") + "\n";
    const block = one.repeat(1000);
    for (let i = 0; i < 150; i++) {
      if (!child.stdin.write(block)) await new Promise((r) => child.stdin.once("drain", r));
    }
    child.stdin.end();
    const code = await new Promise<number>((r) => child.on("close", (c) => r(c ?? -1)));
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(outLines).toBe(150_000);
  }, 120_000);

  it("--help describes the input and output", () => {
    const r = spawnSync(process.execPath, [bin, "check", "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"possible_answer"');
    expect(r.stdout).toContain('"outcome": "call"|"abstain"|"unparseable"');
  });
});
