import { describe, expect, it } from "vitest";
import { startOpenAIServer } from "../testing/openai-server.js";

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const r = await fetch(`${url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

const MSG = { messages: [{ role: "user", content: "hi" }] };

describe("startOpenAIServer (scripted test server)", () => {
  it("answers in vLLM's format, with tool calls, reasoning and usage", async () => {
    const s = await startOpenAIServer({ respond: () => ({ toolCalls: [{ name: "f", arguments: { a: 1 } }], reasoning: "r" }) });
    try {
      const r = await post(s.url, MSG);
      expect(r.status).toBe(200);
      const j = JSON.parse(r.text);
      expect(j.object).toBe("chat.completion");
      expect(j.model).toBe("test-model");
      expect(j.choices[0].finish_reason).toBe("tool_calls");
      expect(j.choices[0].message.content).toBeNull();
      expect(j.choices[0].message.reasoning_content).toBe("r");
      expect(j.choices[0].message.tool_calls[0]).toMatchObject({ type: "function", function: { name: "f", arguments: '{"a":1}' } });
      expect(j.choices[0].message.tool_calls[0].id).toMatch(/^chatcmpl-tool-/);
      expect(j.usage.total_tokens).toBe(j.usage.prompt_tokens + j.usage.completion_tokens);
      expect(s.requests).toHaveLength(1);
      expect(s.requests[0]!.body).toEqual(MSG);
      const m = (await (await fetch(`${s.url}/models`)).json()) as { data: Array<{ id: string }> };
      expect(m.data[0]!.id).toBe("test-model");
    } finally {
      await s.close();
    }
  });

  it("default reply echoes the last user message; faults script by arrival number", async () => {
    const s = await startOpenAIServer({ faults: ["429", undefined, "503", "malformed"], respond: (r) => (r.n === 1 ? { content: "one" } : { content: "x", retryAfterS: 1 }) });
    try {
      const a = await post(s.url, MSG);
      expect(a.status).toBe(429);
      expect(JSON.parse(a.text).error.type).toBe("rate_limit_error");
      expect(JSON.parse((await post(s.url, MSG)).text).choices[0].message.content).toBe("one");
      expect((await post(s.url, MSG)).status).toBe(503);
      const bad = await post(s.url, MSG);
      expect(bad.status).toBe(200);
      expect(() => JSON.parse(bad.text)).toThrow();
      const e = await startOpenAIServer();
      try {
        expect(JSON.parse((await post(e.url, MSG)).text).choices[0].message.content).toBe("echo: hi");
      } finally {
        await e.close();
      }
    } finally {
      await s.close();
    }
  });

  it("Retry-After header, 401 without the key, 400 on a bad body, drop resets the connection", async () => {
    const s = await startOpenAIServer({ requireApiKey: "k", respond: (r) => (r.n === 2 ? { fault: "429", retryAfterS: 3 } : r.n === 3 ? { fault: "drop" } : {}) });
    try {
      const u = await post(s.url, MSG);
      expect(u.status).toBe(401);
      expect(u.text).not.toContain('"k"');
      expect((await post(s.url, { nope: 1 }, { authorization: "Bearer k" })).status).toBe(400);
      const r = await post(s.url, MSG, { authorization: "Bearer k" });
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("3");
      await expect(post(s.url, MSG, { authorization: "Bearer k" })).rejects.toThrow();
      expect(s.inFlight).toBe(0);
    } finally {
      await s.close();
    }
  });

  it("record: false keeps no requests but counts them", async () => {
    const s = await startOpenAIServer({ record: false });
    try {
      await post(s.url, MSG);
      await post(s.url, MSG);
      expect(s.requests).toHaveLength(0);
      expect(s.received).toBe(2);
    } finally {
      await s.close();
    }
  });

  it("tracks requests in flight; close() ends hung requests", async () => {
    const s = await startOpenAIServer({ latencyMs: 30, respond: (r) => (r.n === 0 ? { fault: "hang" } : {}) });
    const hung = post(s.url, MSG).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all(Array.from({ length: 20 }, () => post(s.url, MSG)));
    expect(s.maxInFlight).toBeGreaterThanOrEqual(15);
    expect(s.inFlight).toBe(1);
    await s.close();
    expect(await hung).toBeInstanceOf(Error);
  });
});
