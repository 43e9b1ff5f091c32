import { describe, expect, it } from "vitest";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { parseRewriteReply, queryModelPrompt, rewrittenMessages, seedQuery, stripThink } from "./prompts.js";

const weather: Sample = SampleSchema.parse({
  id: "simple_python_1",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "What's the weather in Paris in celsius?" },
  ],
  tools: [{ name: "get_weather", description: "Weather of a city", parameters: { type: "dict", properties: { city: { type: "string" }, unit: { type: "string" } }, required: ["city"] } }],
  expected: { calls: [{ name: "get_weather", args: { city: ["Paris"], unit: ["celsius", ""] } }] },
  category: "simple_python",
  language: "python",
  source: { format: "bfcl-v4" },
});

const irrelevant: Sample = SampleSchema.parse({
  ...weather,
  id: "irrelevance_1",
  messages: [{ role: "user", content: "Write me a poem about autumn." }],
  expected: { abstain: true },
  category: "irrelevance",
});

describe("queryModelPrompt", () => {
  it("shows the tools, the query, the expected call and the system prompt", () => {
    const msgs = queryModelPrompt(weather);
    expect(msgs.map((m) => m.role)).toEqual(["system", "user"]);
    const user = msgs[1]!.content;
    expect(user).toContain('"name": "get_weather"');
    expect(user).toContain("What's the weather in Paris in celsius?");
    expect(user).toContain('"city": "Paris"');
    expect(user).toContain("(omitted)"); // "" in the allowed values
    expect(user).toContain("Be brief.");
    expect(msgs[0]!.content).toMatch(/user's own voice/);
  });

  it("tells the query model an abstain sample must stay unanswerable", () => {
    const user = queryModelPrompt(irrelevant)[1]!.content;
    expect(user).toMatch(/call no tool/);
    expect(user).toMatch(/must still not be answerable/);
  });

  it("accepts a replacement system prompt and cuts long tool lists", () => {
    const msgs = queryModelPrompt(weather, { systemPrompt: "SYS", maxToolsChars: 20 });
    expect(msgs[0]!.content).toBe("SYS");
    expect(msgs[1]!.content).toMatch(/more characters of tool definitions cut/);
  });
});

describe("rewrittenMessages", () => {
  it("replaces the last user message and keeps earlier ones", () => {
    const m = rewrittenMessages(weather, "Paris weather pls");
    expect(m).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Paris weather pls" },
    ]);
    expect(seedQuery(weather)).toBe("What's the weather in Paris in celsius?");
  });
});

describe("parseRewriteReply", () => {
  const ok = (rewrite: string) => ({ ok: true, rewrite });
  it.each([
    ["plain text", "  How warm is it in Paris right now?  ", "How warm is it in Paris right now?"],
    ["think block", "<think>they want paris</think>\n\nHow warm is Paris?", "How warm is Paris?"],
    ["two think blocks", "<think>a</think>x<THINK>b</THINK> How warm is Paris?", "x How warm is Paris?"],
    ["stray </think> (template opened it)", "reasoning here</think>How warm is Paris?", "How warm is Paris?"],
    ["double quotes", '"How warm is Paris?"', "How warm is Paris?"],
    ["curly quotes", "“How warm is Paris?”", "How warm is Paris?"],
    ["single quotes", "'How warm is Paris?'", "How warm is Paris?"],
    ["code fence", "```\nHow warm is Paris?\n```", "How warm is Paris?"],
    ["code fence with language", "```text\nHow warm is Paris?\n```", "How warm is Paris?"],
    ["Rewritten query: prefix", "Rewritten query: How warm is Paris?", "How warm is Paris?"],
    ["Rewrite: prefix + quotes", 'Rewrite: "How warm is Paris?"', "How warm is Paris?"],
    ["bold prefix", "**Rewritten query:** How warm is Paris?", "How warm is Paris?"],
    ["bold prefix, colon outside", "**Rewritten user message**: How warm is Paris?", "How warm is Paris?"],
    ["full-width colon", "Query：巴黎现在多少度？", "巴黎现在多少度？"],
    ["preamble line", "Here is the rewritten query:\n\nHow warm is Paris?", "How warm is Paris?"],
    ["chatty preamble + quotes", "Sure! Here's a harder version of the request:\n\"How warm is Paris?\"", "How warm is Paris?"],
    ["JSON rewrite", '{"rewrite": "How warm is Paris?"}', "How warm is Paris?"],
    ["JSON query", '{"query": " How warm is Paris? "}', "How warm is Paris?"],
    ["JSON in fence after think", '<think>x</think>```json\n{"rewrite": "How warm is Paris?"}\n```', "How warm is Paris?"],
  ])("%s", (_, reply, rewrite) => {
    expect(parseRewriteReply(reply)).toEqual(ok(rewrite));
  });

  it("keeps inner quotes and words that only look like labels", () => {
    expect(parseRewriteReply('"Paris" or "Lyon" — which is warmer?')).toEqual(ok('"Paris" or "Lyon" — which is warmer?'));
    expect(parseRewriteReply("Query-based search: find Paris weather")).toEqual(ok("Query-based search: find Paris weather"));
  });

  it.each([
    ["empty", "", /empty reply/],
    ["whitespace", "  \n ", /empty reply/],
    ["only thinking, unterminated", "<think>I should rewrite it as", /only reasoning/],
    ["only a closed think", "<think>hmm</think>", /only reasoning/],
    ["empty quotes", '""', /empty rewrite/],
    ["label only", "Rewritten query:", /empty rewrite/],
    ["bad JSON", '{"rewrite": "x"', /does not parse/],
    ["JSON without field", '{"answer": "x"}', /no string field/],
    ["JSON with empty field", '{"rewrite": "  "}', /empty rewrite/],
  ])("fails on %s", (_, reply, reason) => {
    const r = parseRewriteReply(reply);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.reason).toMatch(reason);
  });

  it("enforces the size limits", () => {
    expect(parseRewriteReply("x".repeat(101), { maxReplyChars: 100 })).toMatchObject({ ok: false, reason: expect.stringMatching(/exceeds the limit of 100/) });
    expect(parseRewriteReply("y".repeat(51), { maxRewriteChars: 50 })).toMatchObject({ ok: false, reason: expect.stringMatching(/rewrite of 51 characters/) });
    expect(parseRewriteReply(`<think>${"z".repeat(200)}</think>short`, { maxRewriteChars: 50 })).toEqual(ok("short"));
  });

  it("never throws on non-strings", () => {
    expect(parseRewriteReply(null as unknown as string)).toMatchObject({ ok: false });
  });

  it("stripThink leaves text without think tags alone", () => {
    expect(stripThink("a <b> c")).toBe("a <b> c");
  });
});
