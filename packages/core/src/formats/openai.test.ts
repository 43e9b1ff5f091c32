import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openaiToSample, readOpenAI } from "./openai.js";
import { collectSamples } from "./result.js";

const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather of a city.",
      parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "number" } }, required: ["city"] },
    },
  },
  { type: "function", function: { name: "ping", description: "No parameters." } },
];

const callLog = {
  id: "chat-1",
  model: "gpt-x",
  tools,
  messages: [
    { role: "developer", content: "Be brief." },
    { role: "user", content: [{ type: "text", text: "Weather in Oslo " }, { type: "text", text: "for 3 days?" }] },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city": "Oslo", "days": 3.0}' } }],
    },
    { role: "tool", tool_call_id: "c1", content: "sunny" },
    { role: "assistant", content: "Sunny." },
  ],
};

describe("openaiToSample", () => {
  it("takes the last assistant turn with tool_calls as the answer and what precedes it as messages", () => {
    const s = openaiToSample(callLog, 1, { file: "chat.jsonl" });
    expect(s.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Oslo for 3 days?" },
    ]);
    expect(s.expected).toEqual({ calls: [{ name: "get_weather", args: { city: ["Oslo"], days: [3] }, pyFloats: ["/days/0"] }] });
    expect(s.tools).toEqual([
      { name: "get_weather", description: "Weather of a city.", parameters: tools[0]!.function.parameters },
      { name: "ping", description: "No parameters.", parameters: { type: "object", properties: {} } },
    ]);
    expect(s.category).toBe("multiple");
    expect(s.meta).toEqual({ model: "gpt-x" });
    expect(s.source).toEqual({ format: "openai", file: "chat.jsonl", line: 1, id: "chat-1" });
  });

  it("keeps earlier tool turns (with their tool_calls) in the messages", () => {
    const log = {
      tools: [tools[0]],
      messages: [
        { role: "user", content: "Oslo, then Rome" },
        { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
        { role: "tool", tool_call_id: "a", content: "sunny" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            { id: "b", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
            { id: "c", type: "function", function: { name: "get_weather", arguments: { city: "Milan" } } },
          ],
        },
      ],
    };
    const s = openaiToSample(log, 4);
    expect(s.messages).toHaveLength(3);
    expect(s.messages[1]).toMatchObject({ role: "assistant", content: "", tool_calls: log.messages[1]!.tool_calls });
    expect(s.messages[2]).toEqual({ role: "tool", content: "sunny", tool_call_id: "a" });
    expect(s.expected).toEqual({
      calls: [
        { name: "get_weather", args: { city: ["Rome"] } },
        { name: "get_weather", args: { city: ["Milan"] } },
      ],
    });
    expect(s.category).toBe("parallel");
    expect(s.id).toBe("openai_4");
  });

  it("makes an assistant turn without tool_calls an abstention", () => {
    const s = openaiToSample({ tools, messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }] }, 2);
    expect(s.expected).toEqual({ abstain: true });
    expect(s.category).toBe("irrelevance");
    expect(s.messages).toEqual([{ role: "user", content: "Hi" }]);
  });

  it("refuses a log without an assistant turn, and bad arguments, naming the place", () => {
    expect(() => openaiToSample({ messages: [{ role: "user", content: "Hi" }] }, 3, { file: "c.jsonl" })).toThrow(
      "c.jsonl, line 3: Expected an assistant message to take the answer from for messages but received none",
    );
    const bad = { messages: [{ role: "user", content: "x" }, { role: "assistant", tool_calls: [{ function: { name: "f", arguments: "{oops" } }] }] };
    expect(() => openaiToSample(bad, 9, { file: "c.jsonl" })).toThrow(
      /^c\.jsonl, line 9: Expected a JSON object \(as a string\) for messages\[1\]\.tool_calls\[0\]\.function\.arguments but received malformed JSON/,
    );
    const notObject = { messages: [{ role: "user", content: "x" }, { role: "assistant", tool_calls: [{ function: { name: "f", arguments: "[1]" } }] }] };
    expect(() => openaiToSample(notObject, 9)).toThrow("Expected an object for messages[1].tool_calls[0].function.arguments but received [1]");
    expect(() => openaiToSample({ messages: [{ role: "narrator", content: "x" }, { role: "assistant", content: "y" }] }, 1)).toThrow(
      'for messages[0].role but received "narrator"',
    );
  });
});

describe("readOpenAI", () => {
  it("converts a file, reporting malformed lines by number and converting the rest", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "advfc-openai-"));
    try {
      const path = join(tmp, "chat.jsonl");
      await writeFile(
        path,
        [
          JSON.stringify(callLog),
          "{not json}",
          JSON.stringify({ messages: [{ role: "user", content: "only a question" }] }),
          JSON.stringify({ tools, messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }] }),
        ].join("\n"),
      );
      const r = await collectSamples(readOpenAI(path));
      expect(r.samples.map((s) => [s.id, s.source.line, s.category])).toEqual([
        ["chat-1", 1, "multiple"],
        ["openai_4", 4, "irrelevance"],
      ]);
      expect(r.errors.map((e) => e.where.line)).toEqual([2, 3]);
      expect(r.errors[0]!.message.startsWith(`${path}, line 2: malformed JSON`)).toBe(true);
      expect(r.errors[1]!.message).toBe(`${path}, line 3: Expected an assistant message to take the answer from for messages but received none`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
