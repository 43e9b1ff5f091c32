import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startOpenAIServer, type OpenAIServer, type OpenAIServerOptions, type ScriptedReply } from "../testing/openai-server.js";
import { ModelRequestError } from "./errors.js";
import { OpenAIChatModel, parseRetryAfter, type OpenAIChatModelOptions } from "./openai.js";

const servers: OpenAIServer[] = [];
const models: OpenAIChatModel[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function server(opts: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const s = await startOpenAIServer(opts);
  servers.push(s);
  return s;
}

function client(s: OpenAIServer | OpenAIServer[], opts: Partial<OpenAIChatModelOptions> = {}): OpenAIChatModel {
  const m = new OpenAIChatModel({ baseUrls: (Array.isArray(s) ? s : [s]).map((x) => x.url), model: "test-model", initialBackoffMs: 5, maxBackoffMs: 20, ...opts });
  models.push(m);
  return m;
}

const user = (content: string) => ({ messages: [{ role: "user" as const, content }] });

describe("chat: success", () => {
  it("parses content, tool calls, reasoning, usage and latency", async () => {
    const s = await server({
      respond: () => ({ toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }, { name: "math.factorial", arguments: '{"n": 5}' }], reasoning: "think" }),
    });
    const r = await client(s).chat(user("weather?"));
    expect(r.content).toBe("");
    expect(r.toolCalls).toHaveLength(2);
    expect(r.toolCalls[0]).toMatchObject({ type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    expect(r.toolCalls[0]!.id).toMatch(/^chatcmpl-tool-/);
    expect(r.toolCalls[1]!.function).toEqual({ name: "math.factorial", arguments: '{"n": 5}' });
    expect(r.reasoning).toBe("think");
    expect(r.finishReason).toBe("tool_calls");
    expect(r.model).toBe("test-model");
    expect(r.usage!.totalTokens).toBe(r.usage!.promptTokens + r.usage!.completionTokens);
    expect(r.attempts).toBe(1);
    expect(r.cached).toBe(false);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.totalMs!).toBeGreaterThanOrEqual(r.latencyMs);
  });

  it("plain content, no tool calls; sends model, messages, temperature 0 and max_tokens", async () => {
    const s = await server();
    const r = await client(s, { maxTokens: 64 }).chat(user("hello"));
    expect(r.content).toBe("echo: hello");
    expect(r.toolCalls).toEqual([]);
    expect(r.finishReason).toBe("stop");
    expect(s.requests[0]!.body).toEqual({ model: "test-model", messages: [{ role: "user", content: "hello" }], temperature: 0, max_tokens: 64 });
  });

  it("FC mode sends tools as JSON Schema (BFCL dict/float converted); prompt mode sends none", async () => {
    const s = await server();
    const m = client(s);
    const tools = [{ name: "calc.area", description: "area", parameters: { type: "dict", properties: { r: { type: "float" }, xs: { type: "tuple", items: { type: "integer" } } }, required: ["r"] } }];
    await m.chat({ ...user("a"), tools, toolChoice: "auto" });
    await m.chat(user("b"));
    expect(s.requests[0]!.body.tools).toEqual([
      { type: "function", function: { name: "calc.area", description: "area", parameters: { type: "object", properties: { r: { type: "number" }, xs: { type: "array", items: { type: "integer" } } }, required: ["r"] } } },
    ]);
    expect(s.requests[0]!.body.tool_choice).toBe("auto");
    expect(tools[0]!.parameters.type).toBe("dict");
    expect("tools" in s.requests[1]!.body).toBe(false);
  });

  it("sanitizeToolNames sends safe names and maps the answer's names back", async () => {
    const s = await server({ respond: (r) => ({ toolCalls: [{ name: r.body.tools[0].function.name, arguments: {} }] }) });
    const r = await client(s, { sanitizeToolNames: true }).chat({ ...user("x"), tools: [{ name: "math.factorial", parameters: { type: "dict", properties: {} } }] });
    expect(s.requests[0]!.body.tools[0].function.name).toBe("math_factorial");
    expect(r.toolCalls[0]!.function.name).toBe("math.factorial");
  });
});

describe("extraBody", () => {
  it("client defaults merge with the request's (chat_template_kwargs arrives at the server)", async () => {
    const s = await server();
    const m = client(s, { extraBody: { chat_template_kwargs: { enable_thinking: false }, top_k: 20 } });
    await m.chat({ ...user("x"), extraBody: { chat_template_kwargs: { custom: 1 }, top_k: 5 } });
    await m.chat(user("y"));
    expect(s.requests[0]!.body.chat_template_kwargs).toEqual({ enable_thinking: false, custom: 1 });
    expect(s.requests[0]!.body.top_k).toBe(5);
    expect(s.requests[1]!.body.chat_template_kwargs).toEqual({ enable_thinking: false });
  });
});

describe("retries", () => {
  it("429 with Retry-After: waits about that long, then succeeds", async () => {
    const s = await server({ respond: (r) => (r.n === 0 ? { fault: "429", retryAfterS: 1 } : {}) });
    const events: number[] = [];
    const m = client(s, { onRetry: (e) => events.push(e.delayMs) });
    const t0 = performance.now();
    const r = await m.chat(user("x"));
    const ms = performance.now() - t0;
    expect(r.attempts).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(3000);
    expect(events).toEqual([1000]);
    expect(s.requests[1]!.receivedAt - s.requests[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(m.stats().retriesByReason.rate_limit).toBe(1);
  });

  it("Retry-After is capped by maxRetryAfterMs", async () => {
    const s = await server({ respond: (r) => (r.n === 0 ? { fault: "503", retryAfterS: 3600 } : {}) });
    const t0 = performance.now();
    const r = await client(s, { maxRetryAfterMs: 50 }).chat(user("x"));
    expect(r.attempts).toBe(2);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("500 and 503 are retried", async () => {
    const s = await server({ faults: ["500", "503", "500"] });
    const m = client(s);
    const r = await m.chat(user("x"));
    expect(r.attempts).toBe(4);
    expect(r.content).toBe("echo: x");
    expect(m.stats().retriesByReason.server_error).toBe(3);
  });

  it("a dropped connection is retried", async () => {
    const s = await server({ faults: ["drop"] });
    const m = client(s);
    const r = await m.chat(user("x"));
    expect(r.attempts).toBe(2);
    expect(m.stats().retriesByReason.network).toBe(1);
  });

  it("a malformed JSON body is retried", async () => {
    const s = await server({ faults: ["malformed", "malformed"] });
    const m = client(s);
    const r = await m.chat(user("x"));
    expect(r.attempts).toBe(3);
    expect(m.stats().retriesByReason.malformed).toBe(2);
  });

  it("a refused connection is retried, then reported", async () => {
    const s = await server();
    const url = s.url;
    await s.close();
    const m = new OpenAIChatModel({ baseUrls: [url], model: "m", maxRetries: 2, initialBackoffMs: 1 });
    models.push(m);
    const e = await m.chat(user("x")).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelRequestError);
    expect((e as ModelRequestError).attempts).toBe(3);
    expect((e as ModelRequestError).reason).toBe("network");
    expect((e as ModelRequestError).message).toMatch(/ECONNREFUSED/);
  });

  it("timeouts are retried, then reported with attempts and retryable: true", async () => {
    const s = await server({ respond: () => ({ fault: "hang" }) });
    const m = client(s, { timeoutMs: 100, maxRetries: 2 });
    const t0 = performance.now();
    const e = (await m.chat(user("x")).catch((x: unknown) => x)) as ModelRequestError;
    expect(e).toBeInstanceOf(ModelRequestError);
    expect(e.reason).toBe("timeout");
    expect(e.attempts).toBe(3);
    expect(e.retryable).toBe(true);
    expect(e.status).toBeUndefined();
    expect(s.requests).toHaveLength(3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(m.stats()).toMatchObject({ failures: 1, retries: 2, retriesByReason: { timeout: 2 } });
  });

  it("timeout then success", async () => {
    const s = await server({ respond: (r) => (r.n === 0 ? { fault: "hang" } : {}) });
    const r = await client(s, { timeoutMs: 100 }).chat(user("x"));
    expect(r.attempts).toBe(2);
  });

  it("a 400 is not retried; the error carries status and the server's message", async () => {
    const s = await server();
    const m = client(s);
    const e = (await m.chat({ messages: "nope" } as never).catch((x: unknown) => x)) as ModelRequestError;
    expect(e).toBeInstanceOf(ModelRequestError);
    expect(e.status).toBe(400);
    expect(e.retryable).toBe(false);
    expect(e.attempts).toBe(1);
    expect(e.message).toContain("Expected a JSON object with a messages array");
    expect(e.message).toContain("HTTP 400");
    expect(s.requests).toHaveLength(1);
  });

  it("200 requests with random faults: each answered exactly once, matched to its input, nothing counted twice", async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const kinds: ScriptedReply["fault"][] = ["429", "500", "503", "drop", "malformed"];
    const s = await server({
      latencyMs: 2,
      respond: (r) => (rand() < 0.3 ? { fault: kinds[Math.floor(rand() * kinds.length)]!, ...(rand() < 0.3 ? { retryAfterS: 0 } : {}) } : { content: `id:${r.body.messages[0].content}` }),
    });
    const m = client(s, { maxConcurrency: 16, maxRetries: 12, initialBackoffMs: 1, maxBackoffMs: 5 });
    const ids = Array.from({ length: 200 }, (_, i) => `q${i}`);
    const results = await Promise.allSettled(ids.map((id) => m.chat(user(id))));
    expect(results).toHaveLength(200);
    results.forEach((r, i) => {
      expect(r.status).toBe("fulfilled");
      expect((r as PromiseFulfilledResult<{ content: string }>).value.content).toBe(`id:q${i}`);
    });
    const seen = new Map<string, number>();
    for (const q of s.requests) seen.set(q.body.messages[0].content, (seen.get(q.body.messages[0].content) ?? 0) + 1);
    expect(seen.size).toBe(200);
    const st = m.stats();
    expect(st).toMatchObject({ requests: 200, successes: 200, failures: 0, attempts: s.requests.length });
    expect(st.retries).toBe(s.requests.length - 200);
    const attempts = results.reduce((a, r) => a + (r as PromiseFulfilledResult<{ attempts: number }>).value.attempts, 0);
    expect(attempts).toBe(s.requests.length);
    expect(s.requests.length).toBeGreaterThan(230);
  });
});

describe("maxConcurrency", () => {
  it("requests in flight never exceed the limit; the rest queue", async () => {
    const s = await server({ latencyMs: 20 });
    const m = client(s, { maxConcurrency: 4 });
    const all = Promise.all(Array.from({ length: 40 }, (_, i) => m.chat(user(String(i)))));
    await new Promise((r) => setTimeout(r, 5));
    expect(m.stats().queued).toBeGreaterThan(0);
    await all;
    expect(s.maxInFlight).toBe(4);
    expect(s.requests).toHaveLength(40);
  });
});

describe("baseUrls (replicas)", () => {
  it("spreads requests across two replicas", async () => {
    const a = await server({ latencyMs: 10 });
    const b = await server({ latencyMs: 10 });
    const m = client([a, b], { maxConcurrency: 8 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => m.chat(user(String(i)))));
    expect(a.requests.length + b.requests.length).toBe(40);
    expect(a.requests.length).toBeGreaterThanOrEqual(15);
    expect(b.requests.length).toBeGreaterThanOrEqual(15);
  });

  it("a failing replica is retried elsewhere and sits out a cool-down", async () => {
    const bad = await server({ respond: () => ({ fault: "503" }) });
    const good = await server();
    const m = client([bad, good], { replicaFailureThreshold: 2, replicaCooldownMs: 60_000 });
    for (let i = 0; i < 10; i++) expect((await m.chat(user(String(i)))).content).toBe(`echo: ${i}`);
    expect(bad.requests.length).toBeLessThanOrEqual(3);
    expect(good.requests).toHaveLength(10);
    expect(m.stats().replicas.find((r) => r.url === bad.url)!.coolingDown).toBe(true);
  });
});

describe("signal (abort)", () => {
  it("aborts a request waiting in the queue without sending it", async () => {
    const s = await server({ latencyMs: 100 });
    const m = client(s, { maxConcurrency: 1 });
    const first = m.chat(user("first"));
    const ac = new AbortController();
    const second = m.chat({ ...user("second"), signal: ac.signal });
    const third = m.chat(user("third"));
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await expect(second).rejects.toMatchObject({ name: "AbortError" });
    await first;
    await third;
    expect(s.requests.map((q) => q.body.messages[0].content)).toEqual(["first", "third"]);
    expect(m.stats()).toMatchObject({ aborts: 1, failures: 1, successes: 2, inFlight: 0, queued: 0 });
  });

  it("aborts a request in flight (the server sees the connection close)", async () => {
    const s = await server({ respond: () => ({ fault: "hang" }) });
    const m = client(s);
    const ac = new AbortController();
    const p = m.chat({ ...user("x"), signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.inFlight).toBe(1);
    const t0 = performance.now();
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - t0).toBeLessThan(100);
    await new Promise((r) => setTimeout(r, 20));
    expect(s.inFlight).toBe(0);
  });

  it("aborts a backoff sleep", async () => {
    const s = await server({ respond: () => ({ fault: "429", retryAfterS: 30 }) });
    const m = client(s);
    const ac = new AbortController();
    const p = m.chat({ ...user("x"), signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort(new Error("stop now"));
    await expect(p).rejects.toThrow("stop now");
    expect(s.requests).toHaveLength(1);
  });

  it("an already aborted signal sends nothing", async () => {
    const s = await server();
    await expect(client(s).chat({ ...user("x"), signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(s.requests).toHaveLength(0);
  });
});

describe("close", () => {
  it("a call running when the client closes fails instead of retrying; later calls throw", async () => {
    const s = await server({ respond: () => ({ fault: "hang" }) });
    const m = client(s, { timeoutMs: 50 });
    const p = m.chat(user("x")).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await m.close();
    const e = (await p) as ModelRequestError;
    expect(e).toBeInstanceOf(ModelRequestError);
    expect(e.reason).toBe("aborted");
    expect(s.requests.length).toBeLessThanOrEqual(2);
    await expect(m.chat(user("y"))).rejects.toThrow(/after close/);
  });
});

describe("apiKeyEnv", () => {
  it("sends the key from the environment as Bearer, and keeps it out of errors, names, events and cache files", async () => {
    const secret = "sk-test-SECRET-9f8e7d";
    process.env.ADVFC_TEST_OPENAI_KEY = secret;
    const dir = await mkdtemp(join(tmpdir(), "advfc-cache-"));
    dirs.push(dir);
    try {
      const s = await server({ requireApiKey: secret, respond: (r) => (r.body.messages[0].content === "bad" ? { fault: "429" } : {}) });
      const events: string[] = [];
      const m = client(s, { apiKeyEnv: "ADVFC_TEST_OPENAI_KEY", cacheDir: dir, maxRetries: 1, onRetry: (e) => events.push(JSON.stringify(e)) });
      await m.chat(user("x"));
      expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
      const e = await m.chat(user("bad")).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ModelRequestError);
      expect(String((e as Error).message) + JSON.stringify(e) + m.name + JSON.stringify(m.stats()) + events.join("")).not.toContain(secret);
      expect(events).toHaveLength(1);
      // A wrong key: 401 at once, message without the key.
      process.env.ADVFC_TEST_OPENAI_KEY = "sk-wrong-key-123456";
      const w = client(s, { apiKeyEnv: "ADVFC_TEST_OPENAI_KEY" });
      const e401 = (await w.chat(user("x")).catch((x: unknown) => x)) as ModelRequestError;
      expect(e401.status).toBe(401);
      expect(e401.retryable).toBe(false);
      expect(e401.message).not.toContain("sk-wrong-key-123456");
      for (const sub of await readdir(dir)) {
        for (const f of await readdir(join(dir, sub))) expect(await readFile(join(dir, sub, f), "utf8")).not.toContain(secret);
      }
    } finally {
      delete process.env.ADVFC_TEST_OPENAI_KEY;
    }
  });

  it("a missing variable fails at construction, naming the variable only", () => {
    delete process.env.ADVFC_TEST_MISSING_KEY;
    expect(() => new OpenAIChatModel({ baseUrls: ["http://127.0.0.1:1/v1"], model: "m", apiKeyEnv: "ADVFC_TEST_MISSING_KEY" })).toThrow(/ADVFC_TEST_MISSING_KEY/);
  });

  it("no apiKeyEnv: no Authorization header", async () => {
    const s = await server();
    await client(s).chat(user("x"));
    expect(s.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe("cacheDir", () => {
  it("a rerun is served from the cache (no request) and shared across replicas; a corrupt entry is refetched and overwritten", async () => {
    const dir = await mkdtemp(join(tmpdir(), "advfc-cache-"));
    dirs.push(dir);
    const s = await server({ respond: (r) => ({ toolCalls: [{ name: "f", arguments: { q: r.body.messages[0].content } }] }) });
    const m1 = client(s, { cacheDir: dir });
    const a = await m1.chat(user("x"));
    await m1.chat(user("y"));
    expect(s.requests).toHaveLength(2);
    const s2 = await server();
    const m2 = client(s2, { cacheDir: dir });
    const b = await m2.chat(user("x"));
    expect(s2.requests).toHaveLength(0);
    expect(b.cached).toBe(true);
    expect(b.attempts).toBe(0);
    expect(b.toolCalls).toEqual(a.toolCalls);
    expect(m2.stats().cacheHits).toBe(1);
    // Another temperature is another request.
    await m2.chat({ ...user("x"), temperature: 0.7 });
    expect(s2.requests).toHaveLength(1);
    // Corrupt every entry: misses, refetched, rewritten.
    const files: string[] = [];
    for (const sub of await readdir(dir)) for (const f of await readdir(join(dir, sub))) files.push(join(dir, sub, f));
    expect(files.every((f) => f.endsWith(".json"))).toBe(true);
    for (const f of files) await writeFile(f, "{ not json");
    const c = await m2.chat(user("y"));
    expect(c.cached).toBe(false);
    expect(s2.requests).toHaveLength(2);
    const again = await m2.chat(user("y"));
    expect(again.cached).toBe(true);
  });
});

describe("requestsPerMinute", () => {
  it("spaces request starts evenly", async () => {
    const s = await server();
    const m = client(s, { requestsPerMinute: 600, maxConcurrency: 8 });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => m.chat(user(String(i)))));
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(380);
    const gaps = s.requests.slice(1).map((q, i) => q.receivedAt - s.requests[i]!.receivedAt);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(80);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds, HTTP dates and retry-after-ms", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter({ "retry-after": "2" }, now)).toBe(2000);
    expect(parseRetryAfter({ "retry-after": "0.5" }, now)).toBe(500);
    expect(parseRetryAfter({ "retry-after": "Wed, 01 Jan 2025 00:00:10 GMT" }, now)).toBe(10_000);
    expect(parseRetryAfter({ "retry-after": "Tue, 31 Dec 2024 00:00:10 GMT" }, now)).toBe(0);
    expect(parseRetryAfter({ "retry-after-ms": "150", "retry-after": "9" }, now)).toBe(150);
    expect(parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });
});

describe("options validation", () => {
  it("refuses empty baseUrls, bad URLs and bad limits", () => {
    expect(() => new OpenAIChatModel({ baseUrls: [], model: "m" })).toThrow(/base URL/);
    expect(() => new OpenAIChatModel({ baseUrls: ["ftp://x/v1"], model: "m" })).toThrow(/http\(s\) URL/);
    expect(() => new OpenAIChatModel({ baseUrls: ["http://x/v1"], model: "m", maxConcurrency: 0 })).toThrow(/maxConcurrency/);
  });
  it("name strips credentials from the URL", () => {
    const m = new OpenAIChatModel({ baseUrls: ["http://user:pw@h:8000/v1/", "http://h2:8000/v1"], model: "Qwen3-8B" });
    expect(m.name).toBe("openai:Qwen3-8B@http://h:8000/v1+1 more");
  });
});
