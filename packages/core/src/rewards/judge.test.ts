import { describe, expect, it } from "vitest";
import type { ChatModel, ChatRequest, ChatResponse, ChatToolCall } from "../models/chat-model.js";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { JudgeStats, parseJudgeVerdict, TwoStageJudge, type JudgeOptions } from "./judge.js";

/**
 * A test double of a hosted judge model (e.g. Qwen3-32B behind vLLM): it replays scripted
 * replies in order and records the requests, so each stage's prompt and outcome can be pinned.
 */
class ScriptedModel implements ChatModel {
  readonly name = "scripted-judge";
  readonly requests: ChatRequest[] = [];
  constructor(private readonly script: Array<Partial<ChatResponse> | Error>) {}
  async chat(request: ChatRequest): Promise<ChatResponse> {
    this.requests.push(request);
    const next = this.script.shift();
    if (next === undefined) throw new Error("script exhausted");
    if (next instanceof Error) throw next;
    return { content: "", toolCalls: [], finishReason: "stop", latencyMs: 1, attempts: 1, cached: false, ...next };
  }
}

const call = (name: string, args: Record<string, unknown> = {}): ChatToolCall => ({ type: "function", function: { name, arguments: JSON.stringify(args) } });
const verdict = (keeps: boolean, user: boolean, reason = "r"): Partial<ChatResponse> => ({
  content: `Let me check.\n${JSON.stringify({ keeps_key_fields: keeps, user_perspective: user, reason })}`,
});

const tools = [
  { name: "get_weather", parameters: { type: "dict", properties: { city: { type: "string" } }, required: ["city"] } },
  { name: "get_time", parameters: { type: "dict", properties: { city: { type: "string" } }, required: ["city"] } },
  { name: "math.factorial", parameters: { type: "dict", properties: { n: { type: "integer" } }, required: ["n"] } },
];
const base = { messages: [{ role: "user", content: "Weather in Paris?" }], tools, language: "python", source: { format: "advfc" } } as const;
const simple: Sample = SampleSchema.parse({ ...base, id: "s", category: "simple_python", expected: { calls: [{ name: "get_weather", args: { city: ["Paris"] } }] } });
const parallel: Sample = SampleSchema.parse({
  ...base,
  id: "p",
  category: "parallel",
  expected: {
    calls: [
      { name: "get_weather", args: { city: ["Paris"] } },
      { name: "get_weather", args: { city: ["Lyon"] } },
      { name: "get_time", args: { city: ["Paris"] } },
    ],
  },
});
const abstain: Sample = SampleSchema.parse({ ...base, id: "i", category: "irrelevance", expected: { abstain: true } });
const relevance: Sample = SampleSchema.parse({ ...base, id: "r", category: "live_relevance", expected: { calls: [] } });
const dotted: Sample = SampleSchema.parse({ ...base, id: "d", category: "simple_python", expected: { calls: [{ name: "math.factorial", args: { n: [5] } }] } });

function judge(script: Array<Partial<ChatResponse> | Error>, options: Partial<JudgeOptions> = {}) {
  const model = new ScriptedModel(script);
  return { model, judge: new TwoStageJudge({ model, ...options }) };
}

describe("stage 1 (toolMatch), fc mode", () => {
  it("passes on the ground truth's name, then asks stage 2: r_judge = +1 when both pass", async () => {
    const { model, judge: j } = judge([{ toolCalls: [call("get_weather", { city: "Paris" })] }, verdict(true, true, "fine")]);
    const out = await j.judge({ sample: simple, rewrite: "How warm is it in Paris?" });
    expect(out).toMatchObject({ passed: true, rJudge: 1 });
    expect(out.result.toolMatch).toMatchObject({ passed: true, calledNames: ["get_weather"] });
    expect(out.result.reasoning).toMatchObject({ passed: true, reason: "fine", keepsKeyFields: true, userPerspective: true });
    expect(model.requests[0]!.tools).toBe(simple.tools);
    expect(model.requests[0]!.messages.at(-1)!.content).toBe("How warm is it in Paris?");
    expect(model.requests[1]!.tools).toBeUndefined();
    expect(model.requests[1]!.messages[1]!.content).toContain("How warm is it in Paris?");
  });

  it("fails on a wrong name and skips stage 2: r_judge = −1", async () => {
    const { model, judge: j } = judge([{ toolCalls: [call("get_time")] }]);
    const out = await j.judge({ sample: simple, rewrite: "x" });
    expect(out).toMatchObject({ passed: false, rJudge: -1 });
    expect(out.result.toolMatch.reason).toBe("judge called [get_time] but the ground truth calls [get_weather]");
    expect(out.result.reasoning).toBeUndefined();
    expect(model.requests).toHaveLength(1);
  });

  it("fails when the judge calls nothing for a call sample", async () => {
    const out = await judge([{ content: "I can't help with that." }]).judge.judge({ sample: simple, rewrite: "x" });
    expect(out.result.toolMatch).toMatchObject({ passed: false, calledNames: [] });
  });

  it("compares parallel calls as a multiset, order-free", async () => {
    const ok = await judge([{ toolCalls: [call("get_time"), call("get_weather"), call("get_weather")] }, verdict(true, true)]).judge.judge({ sample: parallel, rewrite: "x" });
    expect(ok.passed).toBe(true);
    const missing = await judge([{ toolCalls: [call("get_time"), call("get_weather")] }]).judge.judge({ sample: parallel, rewrite: "x" });
    expect(missing.result.toolMatch.passed).toBe(false);
    const wrongCount = await judge([{ toolCalls: [call("get_time"), call("get_time"), call("get_weather")] }]).judge.judge({ sample: parallel, rewrite: "x" });
    expect(wrongCount.result.toolMatch.passed).toBe(false);
  });

  it("abstain samples pass only when the judge calls nothing", async () => {
    const ok = await judge([{ content: "None of these tools can write poems." }, verdict(true, true)]).judge.judge({ sample: abstain, rewrite: "x" });
    expect(ok.result.toolMatch).toMatchObject({ passed: true, calledNames: [] });
    expect(ok.passed).toBe(true);
    const bad = await judge([{ toolCalls: [call("get_weather")] }]).judge.judge({ sample: abstain, rewrite: "x" });
    expect(bad.result.toolMatch).toMatchObject({ passed: false, reason: "judge called [get_weather] but the sample expects no call" });
  });

  it("live_relevance samples pass on any call", async () => {
    expect((await judge([{ toolCalls: [call("get_time")] }, verdict(true, true)]).judge.judge({ sample: relevance, rewrite: "x" })).passed).toBe(true);
    expect((await judge([{ content: "no" }]).judge.judge({ sample: relevance, rewrite: "x" })).result.toolMatch.passed).toBe(false);
  });

  it("reads Hermes <tool_call> blocks from the text when the server returned no tool_calls", async () => {
    const content = '<think>ok</think>\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';
    const out = await judge([{ content }, verdict(true, true)]).judge.judge({ sample: simple, rewrite: "x" });
    expect(out.result.toolMatch).toMatchObject({ passed: true, calledNames: ["get_weather"] });
  });

  it("maps a sanitised name (math_factorial) back to its dotted tool", async () => {
    const out = await judge([{ toolCalls: [call("math_factorial", { n: 5 })] }, verdict(true, true)]).judge.judge({ sample: dotted, rewrite: "x" });
    expect(out.result.toolMatch).toMatchObject({ passed: true, calledNames: ["math.factorial"] });
  });
});

describe("stage 1 (toolMatch), prompt mode", () => {
  it("renders the tools into a system prompt and decodes the Python call list", async () => {
    const { model, judge: j } = judge([{ content: "[get_weather(city='Paris')]" }, verdict(true, true)], { callMode: "prompt" });
    const out = await j.judge({ sample: simple, rewrite: "x" });
    expect(out.passed).toBe(true);
    expect(model.requests[0]!.tools).toBeUndefined();
    expect(model.requests[0]!.messages[0]!.role).toBe("system");
    expect(model.requests[0]!.messages[0]!.content).toContain("get_weather");
  });

  it("decodes dotted names and parallel lists, after a think block", async () => {
    const out = await judge([{ content: "<think>hmm</think>\n[math.factorial(n=5)]" }, verdict(true, true)], { callMode: "prompt" }).judge.judge({ sample: dotted, rewrite: "x" });
    expect(out.result.toolMatch.calledNames).toEqual(["math.factorial"]);
    const par = await judge([{ content: "[get_weather(city='Lyon'), get_time(city='Paris'), get_weather(city='Paris')]" }, verdict(true, true)], { callMode: "prompt" }).judge.judge({ sample: parallel, rewrite: "x" });
    expect(par.passed).toBe(true);
  });

  it("an undecodable answer fails a call sample and counts as no call for an abstain sample (as BFCL)", async () => {
    const bad = await judge([{ content: "Sorry, none of these fit." }], { callMode: "prompt" }).judge.judge({ sample: simple, rewrite: "x" });
    expect(bad.result.toolMatch).toMatchObject({ passed: false, reason: expect.stringMatching(/^judge output unparseable/) });
    const ok = await judge([{ content: "Sorry, none of these fit." }, verdict(true, true)], { callMode: "prompt" }).judge.judge({ sample: abstain, rewrite: "x" });
    expect(ok.result.toolMatch.passed).toBe(true);
  });

  it("supports the json and hermes formats", async () => {
    const json = await judge([{ content: '[{"function": "get_weather", "parameters": {"city": "Paris"}}]' }, verdict(true, true)], { callMode: "prompt", promptFormat: "json" }).judge.judge({ sample: simple, rewrite: "x" });
    expect(json.passed).toBe(true);
    const hermes = await judge([{ content: '<tool_call>\n{"name": "get_time", "arguments": {}}\n</tool_call>' }], { callMode: "prompt", promptFormat: "hermes" }).judge.judge({ sample: simple, rewrite: "x" });
    expect(hermes.result.toolMatch).toMatchObject({ passed: false, calledNames: ["get_time"] });
  });
});

describe("stage 2 (reasoning) verdicts", () => {
  it.each([
    [true, false, "not the user's perspective"],
    [false, true, "key fields missing"],
    [false, false, "key fields missing; not the user's perspective"],
  ])("keeps_key_fields=%s user_perspective=%s → fail", async (keeps, user, reason) => {
    const out = await judge([{ toolCalls: [call("get_weather")] }, verdict(keeps, user, "")]).judge.judge({ sample: simple, rewrite: "x" });
    expect(out).toMatchObject({ passed: false, rJudge: -1 });
    expect(out.result.reasoning).toMatchObject({ passed: false, reason });
  });

  it("an unparseable verdict fails with its reason", async () => {
    const out = await judge([{ toolCalls: [call("get_weather")] }, { content: "Looks good to me!" }]).judge.judge({ sample: simple, rewrite: "x" });
    expect(out.passed).toBe(false);
    expect(out.result.reasoning).toMatchObject({ passed: false, reason: expect.stringMatching(/^judge verdict unparseable: /), unparseable: true });
  });

  it("reads the verdict from reasoning_content when the content is empty", async () => {
    const out = await judge([{ toolCalls: [call("get_weather")] }, { content: "", reasoning: 'x {"keeps_key_fields": true, "user_perspective": true}' }]).judge.judge({ sample: simple, rewrite: "x" });
    expect(out.passed).toBe(true);
  });

  it("uses configured reward values", async () => {
    const pass = await judge([{ toolCalls: [call("get_weather")] }, verdict(true, true)], { rewards: { pass: 2, fail: 0 } }).judge.judge({ sample: simple, rewrite: "x" });
    expect(pass.rJudge).toBe(2);
    const fail = await judge([{ toolCalls: [] }], { rewards: { pass: 2, fail: 0 } }).judge.judge({ sample: simple, rewrite: "x" });
    expect(fail.rJudge).toBe(0);
  });
});

describe("parseJudgeVerdict", () => {
  it.each([
    ["bare JSON", '{"keeps_key_fields": true, "user_perspective": true, "reason": "ok"}', true, true],
    ["after reasoning", 'The user asks {weird braces}. So:\n{"keeps_key_fields": false, "user_perspective": true, "reason": "city dropped"}', false, true],
    ["in a fence", '```json\n{"keeps_key_fields": true, "user_perspective": false}\n```', true, false],
    ["the last of two", '{"keeps_key_fields": false, "user_perspective": false} on second thought {"keeps_key_fields": true, "user_perspective": true}', true, true],
    ["think block ignored", '<think>{"keeps_key_fields": false, "user_perspective": false}</think>{"keeps_key_fields": true, "user_perspective": true}', true, true],
    ["string booleans", '{"keeps_key_fields": "yes", "user_perspective": "True"}', true, true],
    ["braces inside the reason", '{"keeps_key_fields": true, "user_perspective": true, "reason": "has a } and { inside"}', true, true],
  ])("%s", (_, reply, keeps, user) => {
    expect(parseJudgeVerdict(reply)).toMatchObject({ ok: true, keepsKeyFields: keeps, userPerspective: user });
  });

  it.each([
    ["no JSON", "yes it is fine"],
    ["missing key", '{"keeps_key_fields": true}'],
    ["non-boolean", '{"keeps_key_fields": 1, "user_perspective": true}'],
    ["only inside an unterminated think", '<think>{"keeps_key_fields": true, "user_perspective": true}'],
  ])("fails on %s", (_, reply) => {
    const v = parseJudgeVerdict(reply);
    expect(v.ok).toBe(false);
    expect(v.ok ? "" : v.reason).toMatch(/^judge verdict unparseable: /);
  });
});

describe("model errors", () => {
  it("onModelError 'fail' (default): a failed verdict with the error as reason, in either stage", async () => {
    const s1 = await judge([new Error("HTTP 503 after 3 attempts")]).judge.judge({ sample: simple, rewrite: "x" });
    expect(s1).toMatchObject({ passed: false, rJudge: -1 });
    expect(s1.result.toolMatch).toMatchObject({ passed: false, modelError: true, reason: expect.stringContaining("HTTP 503 after 3 attempts") });
    const s2 = await judge([{ toolCalls: [call("get_weather")] }, new Error("timeout")]).judge.judge({ sample: simple, rewrite: "x" });
    expect(s2.result.reasoning).toMatchObject({ passed: false, modelError: true, reason: expect.stringContaining("timeout") });
  });

  it("onModelError 'throw' rejects", async () => {
    await expect(judge([new Error("boom")], { onModelError: "throw" }).judge.judge({ sample: simple, rewrite: "x" })).rejects.toThrow("boom");
  });

  it("an aborted signal always rejects", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(judge([new Error("aborted")]).judge.judge({ sample: simple, rewrite: "x", signal: ac.signal })).rejects.toThrow("aborted");
  });
});

describe("JudgeStats", () => {
  it("reports each stage's pass rate", async () => {
    const stats = new JudgeStats();
    const model = new ScriptedModel([
      { toolCalls: [call("get_weather")] },
      verdict(true, true),
      { toolCalls: [call("get_weather")] },
      verdict(false, true),
      { toolCalls: [call("get_time")] },
      new Error("down"),
    ]);
    const j = new TwoStageJudge({ model, stats });
    for (let i = 0; i < 4; i++) await j.judge({ sample: simple, rewrite: "x" });
    expect(stats.summary()).toEqual({
      total: 4,
      toolMatch: { evaluated: 4, passed: 2, passRate: 0.5 },
      reasoning: { evaluated: 2, passed: 1, passRate: 0.5 },
      overall: { passed: 1, passRate: 0.25 },
      modelErrors: 1,
      unparseableVerdicts: 0,
    });
    expect(j.stats).toBe(stats);
    stats.reset();
    expect(stats.summary().total).toBe(0);
    expect(stats.summary().toolMatch.passRate).toBe(0);
  });
});
