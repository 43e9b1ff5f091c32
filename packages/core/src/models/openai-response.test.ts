import { describe, expect, it } from "vitest";
import { canonicalJson, ResponseCache } from "./cache.js";
import { parseChatCompletion } from "./openai-response.js";

describe("parseChatCompletion", () => {
  it("null content → '', missing tool_calls → [], reasoning field, object arguments", () => {
    expect(parseChatCompletion({ choices: [{ message: { content: null, reasoning: "r" }, finish_reason: "stop" }] })).toEqual({ content: "", toolCalls: [], reasoning: "r", finishReason: "stop" });
    const p = parseChatCompletion({
      model: "m",
      choices: [{ message: { content: [{ type: "text", text: "a" }, { type: "text", text: "b" }], tool_calls: [{ function: { name: "f", arguments: { x: 1 } } }, { bogus: true }] } }],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    })!;
    expect(p.content).toBe("ab");
    expect(p.toolCalls).toEqual([{ type: "function", function: { name: "f", arguments: '{"x":1}' } }]);
    expect(p.finishReason).toBeNull();
    expect(p.usage).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
    expect(p.model).toBe("m");
  });

  it("reasoning_content wins over reasoning; legacy function_call becomes a tool call", () => {
    const p = parseChatCompletion({ choices: [{ message: { content: "", reasoning_content: "rc", reasoning: "r", function_call: { name: "g", arguments: "{}" } } }] })!;
    expect(p.reasoning).toBe("rc");
    expect(p.toolCalls).toEqual([{ type: "function", function: { name: "g", arguments: "{}" } }]);
  });

  it("not a chat completion → undefined", () => {
    for (const x of [null, {}, { choices: [] }, { choices: [{}] }, { error: { message: "x" } }, "text"]) expect(parseChatCompletion(x)).toBeUndefined();
  });
});

describe("ResponseCache.key", () => {
  it("ignores key order, not values", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    const k = ResponseCache.key({ model: "m", messages: [{ role: "user", content: "x" }], temperature: 0 });
    expect(ResponseCache.key({ temperature: 0, messages: [{ content: "x", role: "user" }], model: "m" })).toBe(k);
    expect(ResponseCache.key({ model: "m2", messages: [{ role: "user", content: "x" }], temperature: 0 })).not.toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });
});
