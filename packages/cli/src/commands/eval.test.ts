import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { categoryLanguage, type Category, enumerateChoices, paramTypesFromDocs, renderCalls, type PyValue } from "@advfc/core";
import { bfclDataDir, type RecordedRequest, type ScriptedReply, startOpenAIServer, type OpenAIServer } from "@advfc/core/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type EvalEntry, findQuestionFiles, loadEntries } from "../eval/data.js";
import { FUNCTIONS_PLACEHOLDER, languageAdjustedFunctions, promptModeMessages } from "../eval/prompt.js";
import { formatResultLine, readResults, ResultsFile } from "../eval/results.js";
import { toApiTools } from "../eval/tools.js";
import { runEval } from "./eval.js";
import { runWithIo } from "../test-support/io.js";

const DATA = join(bfclDataDir(), "v4");

const tmpDirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "advfc-eval-"));
  tmpDirs.push(d);
  return d;
}
const servers: OpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function run(args: string[]) {
  return runWithIo(runEval, args);
}

// ---- the scripted model: right answers for some entries, wrong for the others ----

/** Entries of `categories` (first `limit` of each), as the command reads them. */
async function entriesOf(categories: Category[], limit: number): Promise<EvalEntry[]> {
  const files = await findQuestionFiles(DATA);
  const out: EvalEntry[] = [];
  for (const c of categories) out.push(...(await loadEntries(files.get(c)!, { limit })));
  return out;
}

/** The conversation part that identifies an entry in a request (system messages carry the prompt). */
function keyOf(messages: readonly { role: string; content: unknown }[]): string {
  return JSON.stringify(messages.filter((m) => m.role !== "system").map((m) => [m.role, m.content]));
}

/** Entry i of its category is answered right unless i % 3 === 0. */
const wantRight = (index: number) => index % 3 !== 0;

interface Script {
  byKey: Map<string, { entry: EvalEntry; right: boolean }>;
  /** Expected correct count per category. */
  expected: Map<Category, { correct: number; total: number }>;
}

async function script(categories: Category[], limit: number): Promise<Script> {
  const byKey = new Map<string, { entry: EvalEntry; right: boolean }>();
  const expected = new Map<Category, { correct: number; total: number }>();
  const perCat = new Map<Category, number>();
  for (const e of await entriesOf(categories, limit)) {
    const i = perCat.get(e.category) ?? 0;
    perCat.set(e.category, i + 1);
    const key = keyOf(e.messages);
    // the scripted server tells entries apart by their conversation
    expect(byKey.has(key), `two entries share a conversation: ${e.id}`).toBe(false);
    byKey.set(key, { entry: e, right: wantRight(i) });
    const t = expected.get(e.category) ?? { correct: 0, total: 0 };
    t.total++;
    if (wantRight(i)) t.correct++;
    expected.set(e.category, t);
  }
  return { byKey, expected };
}

function firstFunctionName(e: EvalEntry): string {
  return e.functions[0]?.name ?? "f";
}

/** The scripted reply: the rendered ground truth (right) or a call that fails (wrong). */
function reply(s: Script, mode: "prompt" | "fc", req: RecordedRequest): ScriptedReply {
  const hit = s.byKey.get(keyOf(req.body.messages));
  if (hit === undefined) return { content: "no such entry" };
  const { entry, right } = hit;
  const irrelevance = entry.category.includes("irrelevance");
  const relevance = entry.category === "live_relevance";
  let calls: { name: string; args: Array<[string, PyValue]> }[];
  if (irrelevance || relevance) {
    const call = [{ name: firstFunctionName(entry), args: [] }];
    calls = irrelevance === right ? [] : call;
  } else if (right) calls = enumerateChoices(entry.groundTruth as PyValue[], entry.functionsPy)[0]!;
  else calls = [{ name: "no_such_function", args: [["x", 1]] }];
  if (mode === "prompt") return { content: calls.length === 0 ? "[]" : renderCalls(calls, "prompt", categoryLanguage(entry.category), paramTypesFromDocs(entry.functionsPy)) };
  if (calls.length === 0) return { content: "None of the tools fits this request." };
  const rendered = JSON.parse(renderCalls(calls, "openai", categoryLanguage(entry.category), paramTypesFromDocs(entry.functionsPy))) as {
    function: { name: string; arguments: string };
  }[];
  // a real API sends the tool names it was given: "." written as "_"
  return { toolCalls: rendered.map((c) => ({ name: c.function.name.replace(/\./g, "_"), arguments: c.function.arguments })) };
}

interface Scores {
  model: string;
  base_url: string;
  mode: string;
  formula: string;
  categories: Record<string, { correct: number; total: number; accuracy: number; failed_requests: number }>;
  aggregates: Record<string, { accuracy: number; display: number | null }>;
  failed_requests: number;
}

function readScores(dir: string): Scores {
  return JSON.parse(readFileSync(join(dir, "scores.json"), "utf8")) as Scores;
}

function resultLines(dir: string, category: string): Record<string, unknown>[] {
  return readFileSync(join(dir, `${category}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function expectScores(scores: Scores, s: Script): void {
  for (const [c, t] of s.expected) {
    expect(scores.categories[c], c).toEqual({ correct: t.correct, total: t.total, accuracy: t.correct / t.total, failed_requests: 0 });
  }
  expect(Object.keys(scores.categories).sort()).toEqual([...s.expected.keys()].sort());
}

function pct(correct: number, total: number): string {
  return `${((correct / total) * 100).toFixed(2)}%`;
}

const CATS: Category[] = ["simple_python", "simple_java", "multiple", "irrelevance"];
const LIMIT = 9;

describe("advfc eval, prompt mode", () => {
  it("scores right and wrong answers exactly, in scores.json, the results files and the printed table", async () => {
    const s = await script(CATS, LIMIT);
    const server = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(server);
    const out = join(tmp(), "run");
    const r = await run(["--base-url", server.url, "--model", "m1", "--data", DATA, "--categories", "simple,java,multiple,irrelevance", "--limit", String(LIMIT), "--out", out, "-q"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(CATS.length * LIMIT);

    const scores = readScores(out);
    expectScores(scores, s);
    expect(scores).toMatchObject({ model: "m1", mode: "prompt", formula: "v4", failed_requests: 0 });
    // 6 of 9 right in call categories; irrelevance: 6 of 9 abstain
    expect(scores.categories.simple_python!.correct).toBe(6);
    for (const c of CATS) expect(r.out).toMatch(new RegExp(`^${c}\\s+6\\s+9\\s+${pct(6, 9).replace(".", "\\.")}$`, "m"));
    expect(r.out).toMatch(/^BFCL v4 metrics$/m);

    for (const c of CATS) {
      const lines = resultLines(out, c);
      expect(lines.length).toBe(LIMIT);
      expect(new Set(lines.map((l) => l.id)).size).toBe(LIMIT);
      for (const l of lines) {
        expect(Object.keys(l)).toEqual(["id", "raw_output", "valid", "error_type", "outcome", "latency_ms"]);
        expect(typeof l.raw_output).toBe("string");
        expect(l.valid === (l.error_type === null)).toBe(true);
      }
    }
    // a wrong call is BFCL's wrong-name error; an irrelevance entry answered with a call fails as BFCL says
    const py = resultLines(out, "simple_python").find((l) => l.id === "simple_python_0")!;
    expect(py).toMatchObject({ valid: false, outcome: "call" });
    const irr = resultLines(out, "irrelevance");
    expect(irr.find((l) => l.id === "irrelevance_0")).toMatchObject({ valid: false, error_type: "irrelevance_error:decoder_success", outcome: "call" });
    expect(irr.find((l) => l.id === "irrelevance_1")).toMatchObject({ valid: true, raw_output: "[]", outcome: "abstain" });
  });

  it("puts the function docs into the system prompt, with BFCL's Java notes, at temperature 0", async () => {
    const s = await script(["simple_python", "simple_java"], 2);
    const server = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(server);
    const out = join(tmp(), "run");
    const r = await run([
      ...["--base-url", server.url, "--model", "m2", "--data", DATA, "--categories", "simple_python,simple_java", "--limit", "2", "--out", out, "-q"],
      ...["--max-tokens", "300", "--extra-body", '{"chat_template_kwargs": {"enable_thinking": false}}'],
    ]);
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(4);
    for (const req of server.requests) {
      const body = req.body as { model: string; temperature: number; max_tokens?: number; tools?: unknown; messages: { role: string; content: string }[] };
      expect(body.model).toBe("m2");
      expect((req.body as { chat_template_kwargs?: unknown }).chat_template_kwargs).toEqual({ enable_thinking: false });
      expect(body.temperature).toBe(0);
      expect(body.max_tokens ?? (body as { max_completion_tokens?: number }).max_completion_tokens).toBe(300);
      expect(body.tools).toBeUndefined();
      const { entry } = s.byKey.get(keyOf(body.messages))!;
      const system = body.messages[0]!;
      expect(system.role).toBe("system");
      expect(system.content).toContain("[function_name(param1=value1, param2=value2)");
      expect(system.content).not.toContain(FUNCTIONS_PLACEHOLDER);
      const docs = JSON.parse(system.content.slice(system.content.indexOf("Functions:\n") + "Functions:\n".length)) as { name: string; description: string }[];
      expect(docs.map((d) => d.name)).toEqual(entry.functions.map((f) => f.name));
      if (entry.category === "simple_java") {
        expect(docs[0]!.description).toMatch(/Note that the provided function is in Java 8 SDK syntax\.$/);
        expect(JSON.stringify(docs)).toContain("in string representation.");
      } else expect(docs[0]!.description).toBe(`${entry.functions[0]!.description} Note that the provided function is in Python 3 syntax.`);
      expect(body.messages.slice(1)).toEqual(entry.messages);
    }
  });

  it("uses --system-prompt FILE, replacing {functions}", async () => {
    const s = await script(["multiple"], 3);
    const server = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(server);
    const dir = tmp();
    const file = join(dir, "prompt.txt");
    writeFileSync(file, "CUSTOM PROMPT. Tools: {functions} END");
    const r = await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", "multiple", "--limit", "3", "--out", join(dir, "run"), "-q", "--system-prompt", file]);
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(3);
    for (const req of server.requests) {
      const content = (req.body as { messages: { content: string }[] }).messages[0]!.content;
      const { entry } = s.byKey.get(keyOf((req.body as { messages: { role: string; content: string }[] }).messages))!;
      expect(content.startsWith("CUSTOM PROMPT. Tools: [")).toBe(true);
      expect(content.endsWith("] END")).toBe(true);
      const docs = JSON.parse(content.slice("CUSTOM PROMPT. Tools: ".length, -" END".length)) as { name: string }[];
      expect(docs.map((d) => d.name)).toEqual(entry.functions.map((f) => f.name));
    }
    expectScores(readScores(join(dir, "run")), s);
  });
});

describe("advfc eval, fc mode", () => {
  it("sends the docs as JSON Schema tools and checks the tool_calls", async () => {
    const cats: Category[] = ["simple_python", "simple_javascript", "multiple", "live_simple", "irrelevance"];
    const s = await script(cats, 6);
    const server = await startOpenAIServer({ respond: (req) => reply(s, "fc", req) });
    servers.push(server);
    const out = join(tmp(), "run");
    const r = await run(["--base-url", server.url, "--model", "m3", "--data", DATA, "--categories", cats.join(","), "--limit", "6", "--mode", "fc", "--out", out, "-q"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expectScores(readScores(out), s);
    expect(readScores(out).mode).toBe("fc");
    for (const req of server.requests) {
      const body = req.body as { tools: { type: string; function: { name: string; parameters: { type: string; properties: Record<string, { type?: string }> } } }[]; messages: { role: string; content: string }[] };
      const { entry } = s.byKey.get(keyOf(body.messages))!;
      expect(body.messages).toEqual(entry.messages);
      expect(body.tools.map((t) => t.function.name)).toEqual(entry.functions.map((f) => f.name.replace(/\./g, "_")));
      for (const t of body.tools) {
        expect(t.type).toBe("function");
        expect(t.function.parameters.type).toBe("object");
        for (const p of Object.values(t.function.parameters.properties))
          if (p.type !== undefined) expect(["string", "number", "integer", "boolean", "array", "object"]).toContain(p.type);
      }
    }
    const lines = resultLines(out, "simple_python");
    const right = lines.find((l) => l.id === "simple_python_1")!;
    expect(Array.isArray(right.raw_output)).toBe(true);
    expect(right).toMatchObject({ valid: true, outcome: "call" });
    const irr = resultLines(out, "irrelevance").find((l) => l.id === "irrelevance_1")!;
    expect(irr).toMatchObject({ valid: true, outcome: "abstain", raw_output: "None of the tools fits this request." });
  });
});

describe("advfc eval, resume", () => {
  it("asks only for missing entries (deleted lines, a partial last line) and ends with a fresh run's scores", async () => {
    const cats: Category[] = ["simple_python", "parallel", "irrelevance"];
    const s = await script(cats, 8);
    const args = (server: OpenAIServer, out: string) => ["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", cats.join(","), "--limit", "8", "--out", out, "-q"];
    const fresh = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(fresh);
    const dir = tmp();
    const a = join(dir, "a");
    expect((await run(args(fresh, a))).code).toBe(0);
    const b = join(dir, "b");
    cpSync(a, b, { recursive: true });
    rmSync(join(b, "scores.json"));
    // parallel: drop 3 lines; simple_python: cut the last line in half (a crash mid-write)
    const par = readFileSync(join(b, "parallel.jsonl"), "utf8").split("\n").filter((l) => l !== "");
    const dropped = [1, 3, 5].map((i) => (JSON.parse(par[i]!) as { id: string }).id);
    writeFileSync(join(b, "parallel.jsonl"), par.filter((_, i) => ![1, 3, 5].includes(i)).map((l) => l + "\n").join(""));
    const sp = readFileSync(join(b, "simple_python.jsonl"), "utf8");
    const cut = sp.slice(0, -1).lastIndexOf("\n") + 1;
    dropped.push((JSON.parse(sp.slice(cut)) as { id: string }).id);
    writeFileSync(join(b, "simple_python.jsonl"), sp.slice(0, cut + 20));

    const again = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(again);
    const r = await run(args(again, b));
    expect(r.code).toBe(0);
    expect(again.requests.length).toBe(3 + 1);
    const asked = again.requests.map((q) => s.byKey.get(keyOf((q.body as { messages: { role: string; content: string }[] }).messages))!.entry.id).sort();
    expect(asked).toEqual(dropped.sort());
    const sa = readScores(a);
    const sb = readScores(b);
    expect(sb.categories).toEqual(sa.categories);
    expect(sb.aggregates).toEqual(sa.aggregates);
    for (const c of cats) expect(resultLines(b, c).length).toBe(8);

    // nothing left: a third run asks nothing and prints the same table
    const third = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(third);
    const r3 = await run(args(third, b));
    expect(r3.code).toBe(0);
    expect(third.requests.length).toBe(0);
    expect(r3.out).toBe(r.out);
  });

  it("refuses an --out folder of another model or mode", async () => {
    const s = await script(["multiple"], 2);
    const server = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(server);
    const out = join(tmp(), "run");
    expect((await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", "multiple", "--limit", "2", "--out", out, "-q"])).code).toBe(0);
    const r = await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", "multiple", "--limit", "2", "--out", out, "-q", "--mode", "fc"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds results of model "m" in mode prompt/);
  });
});

describe("advfc eval, failures", () => {
  it("retries 429, 500 and dropped connections: every id is scored once", async () => {
    const cats: Category[] = ["simple_python", "multiple"];
    const s = await script(cats, 10);
    const server = await startOpenAIServer({
      respond: (req) => reply(s, "prompt", req),
      faults: ["429", undefined, "500", "drop", undefined, "503", "429", undefined, "drop", "500"],
    });
    servers.push(server);
    const out = join(tmp(), "run");
    const r = await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", cats.join(","), "--limit", "10", "--out", out, "-q", "--concurrency", "4"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(20 + 7);
    for (const c of cats) {
      const lines = resultLines(out, c);
      expect(lines.length).toBe(10);
      expect(new Set(lines.map((l) => l.id)).size).toBe(10);
      expect(lines.every((l) => l.error_type !== "request_failed")).toBe(true);
    }
    expectScores(readScores(out), s);
  });

  it("retries an attempt that hangs past --timeout", async () => {
    const s = await script(["multiple"], 3);
    const server = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req), faults: ["hang"] });
    servers.push(server);
    const out = join(tmp(), "run");
    const r = await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", "multiple", "--limit", "3", "--out", out, "-q", "--timeout", "0.3"]);
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(4);
    expectScores(readScores(out), s);
  });

  it("records requests that fail after the retries, warns, counts them wrong, and retries them on the next run", async () => {
    const s = await script(["multiple"], 6);
    const broken = new Set(["multiple_1", "multiple_4"]);
    const flaky = await startOpenAIServer({
      respond: (req) => {
        const hit = s.byKey.get(keyOf((req.body as { messages: { role: string; content: string }[] }).messages));
        return hit && broken.has(hit.entry.id) ? { fault: "500" } : reply(s, "prompt", req);
      },
    });
    servers.push(flaky);
    const out = join(tmp(), "run");
    const args = (url: string) => ["--base-url", url, "--model", "m", "--data", DATA, "--categories", "multiple", "--limit", "6", "--out", out, "-q", "--max-retries", "1"];
    const r = await run(args(flaky.url));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/warning: 2 requests failed after retries .* counted as wrong; rerun with --out/);
    const failed = resultLines(out, "multiple").filter((l) => l.error_type === "request_failed");
    expect(failed.map((l) => l.id).sort()).toEqual(["multiple_1", "multiple_4"]);
    for (const l of failed) expect(l).toMatchObject({ valid: false, raw_output: null, outcome: null, error: expect.any(String) });
    const first = readScores(out);
    // right answers: entries 1, 2, 4, 5 → 1 and 4 failed → 2 of 6
    expect(first.categories.multiple).toEqual({ correct: 2, total: 6, accuracy: 2 / 6, failed_requests: 2 });
    expect(first.failed_requests).toBe(2);

    const healthy = await startOpenAIServer({ respond: (req) => reply(s, "prompt", req) });
    servers.push(healthy);
    const r2 = await run(args(healthy.url));
    expect(r2.code).toBe(0);
    expect(healthy.requests.length).toBe(2);
    expectScores(readScores(out), s);
    const lines = resultLines(out, "multiple");
    expect(lines.length).toBe(6);
    expect(lines.every((l) => l.error === undefined)).toBe(true);
  });
});

describe("advfc eval, --concurrency", () => {
  it("keeps at most N requests in flight", async () => {
    const s = await script(["simple_python"], 24);
    const server = await startOpenAIServer({ latencyMs: 40, respond: (req) => reply(s, "prompt", req) });
    servers.push(server);
    const out = join(tmp(), "run");
    const r = await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", "simple_python", "--limit", "24", "--out", out, "-q", "--concurrency", "3"]);
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(24);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(2);
  });
});

describe("advfc eval, --api-key-env", () => {
  it("sends the key from the named variable and writes it nowhere", async () => {
    const KEY = "sk-advfc-test-4e1c9b7d";
    process.env.ADVFC_EVAL_TEST_KEY = KEY;
    try {
      const s = await script(["multiple"], 3);
      const server = await startOpenAIServer({ requireApiKey: KEY, respond: (req) => reply(s, "prompt", req) });
      servers.push(server);
      const out = join(tmp(), "run");
      const r = await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", "multiple", "--limit", "3", "--out", out, "--api-key-env", "ADVFC_EVAL_TEST_KEY"]);
      expect(r.code).toBe(0);
      expect(server.requests.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
      expectScores(readScores(out), s);
      expect(r.out + r.err).not.toContain(KEY);
      for (const f of readdirSync(out)) expect(readFileSync(join(out, f), "utf8"), f).not.toContain(KEY);

      // a named variable that is not set is a usage error
      const out2 = join(tmp(), "run");
      const r2 = await run(["--base-url", server.url, "--model", "m", "--data", DATA, "--categories", "multiple", "--limit", "1", "--out", out2, "-q", "--api-key-env", "ADVFC_EVAL_TEST_KEY_UNSET"]);
      expect(r2.code).toBe(2);
      expect(r2.err).toMatch(/ADVFC_EVAL_TEST_KEY_UNSET is not set/);
    } finally {
      delete process.env.ADVFC_EVAL_TEST_KEY;
    }
  });
});

describe("advfc eval, usage and data errors", () => {
  it("exits 2 on usage errors", async () => {
    expect((await run(["--model", "m", "--data", DATA])).code).toBe(2);
    expect((await run(["--base-url", "http://127.0.0.1:9/v1", "--data", DATA])).code).toBe(2);
    const bad = await run(["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--data", DATA, "--categories", "simple,nope"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/"nope"/);
    expect((await run(["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--data", DATA, "--mode", "json"])).code).toBe(2);
    expect((await run(["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--data", DATA, "--concurrency", "0"])).code).toBe(2);
    expect((await run(["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--data", DATA, "--extra-body", "[1]"])).code).toBe(2);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: advfc eval");
  });

  it("exits 1 naming the file and line of malformed data, before sending anything", async () => {
    const server = await startOpenAIServer();
    servers.push(server);
    const dir = tmp();
    mkdirSync(join(dir, "possible_answer"));
    const q = readFileSync(join(DATA, "BFCL_v4_multiple.json"), "utf8").split("\n").slice(0, 3);
    writeFileSync(join(dir, "BFCL_v4_multiple.json"), [q[0], q[1], '{"id": "multiple_2", "question": oops}', ""].join("\n"));
    const a = readFileSync(join(DATA, "possible_answer", "BFCL_v4_multiple.json"), "utf8").split("\n").slice(0, 3);
    writeFileSync(join(dir, "possible_answer", "BFCL_v4_multiple.json"), a.join("\n") + "\n");
    const r = await run(["--base-url", server.url, "--model", "m", "--data", dir, "--out", join(dir, "run"), "-q"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(dir, "BFCL_v4_multiple.json")}, line 3: not valid JSON`);
    expect(server.requests.length).toBe(0);

    // a question without its possible answer
    writeFileSync(join(dir, "BFCL_v4_multiple.json"), [q[0], q[1], q[2], ""].join("\n"));
    writeFileSync(join(dir, "possible_answer", "BFCL_v4_multiple.json"), [a[0], a[2], ""].join("\n"));
    const r2 = await run(["--base-url", server.url, "--model", "m", "--data", dir, "--out", join(dir, "run2"), "-q"]);
    expect(r2.code).toBe(1);
    expect(r2.err).toContain(`${join(dir, "BFCL_v4_multiple.json")}, line 2: no possible answer for "multiple_1"`);
    expect(existsSync(join(dir, "run2", "multiple.jsonl"))).toBe(false);
  });
});

describe("prompt and tools helpers", () => {
  const java = {
    name: "Foo.bar",
    description: "Does foo.",
    parameters: { type: "dict", properties: { n: { type: "long", description: "A count." }, xs: { type: "ArrayList", description: "Items.", items: { type: "integer" } } }, required: ["n"] },
  };

  it("adds BFCL's language notes and turns Java parameters into strings, leaving the input alone", () => {
    const before = JSON.stringify(java);
    const [f] = languageAdjustedFunctions([java], "simple_java");
    expect(JSON.stringify(java)).toBe(before);
    expect(f!.description).toBe("Does foo. Note that the provided function is in Java 8 SDK syntax.");
    expect(f!.parameters).toEqual({
      type: "dict",
      properties: {
        n: { type: "string", description: "A count. This is Java long type parameter in string representation." },
        xs: {
          type: "string",
          description: "Items. This is Java ArrayList type parameter in string representation. The list elements are of type integer; they are not in string representation.",
        },
      },
      required: ["n"],
    });
  });

  it("puts the system prompt before an entry's own system message", () => {
    expect(promptModeMessages([{ role: "user", content: "hi" }], "SYS")).toEqual([
      { role: "system", content: "SYS" },
      { role: "user", content: "hi" },
    ]);
    expect(promptModeMessages([{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }], "SYS")).toEqual([
      { role: "system", content: "SYS\n\nBe brief." },
      { role: "user", content: "hi" },
    ]);
  });

  it("converts BFCL types to JSON Schema and dots in names to underscores", () => {
    const [t] = toApiTools([
      { name: "math.hypot", description: "d", parameters: { type: "dict", properties: { x: { type: "float" }, p: { type: "tuple", items: { type: "integer" } }, o: { type: "dict", properties: { k: { type: "string" } } } } } },
    ]);
    expect(t!.name).toBe("math_hypot");
    expect(t!.parameters).toMatchObject({ type: "object", properties: { x: { type: "number" }, p: { type: "array", items: { type: "integer" } }, o: { type: "object", properties: { k: { type: "string" } } } } });
  });
});

describe("results files", () => {
  it("drops a partial last line, failed requests and repeats when reopened, and appends after them", async () => {
    const path = join(tmp(), "x.jsonl");
    const ok = (id: string, valid = true) => formatResultLine({ id, raw_output: "[]", valid, error_type: valid ? null : "e", outcome: "abstain", latency_ms: 1 });
    const bad = formatResultLine({ id: "c", raw_output: null, valid: false, error_type: "request_failed", outcome: null, latency_ms: 5, error: "boom" });
    writeFileSync(path, ok("a") + bad + ok("b", false) + ok("b") + ok("d").slice(0, 15));
    const { file, resume } = await ResultsFile.open(path);
    expect([...resume.kept.keys()]).toEqual(["a", "b"]);
    expect(resume).toMatchObject({ failed: 1, malformed: 1, truncated: true });
    await file.append({ id: "c", raw_output: "[]", valid: true, error_type: null, outcome: "abstain", latency_ms: 2 });
    await file.close();
    expect(readFileSync(path, "utf8")).toBe(ok("a") + ok("b") + formatResultLine({ id: "c", raw_output: "[]", valid: true, error_type: null, outcome: "abstain", latency_ms: 2 }));
    expect([...(await readResults(path)).keys()]).toEqual(["a", "b", "c"]);
  });
});
