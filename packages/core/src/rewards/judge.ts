/**
 * The two-stage judge of a rewrite, r_judge (paper Eq. 4):
 *
 *   r_judge = +1 if f_y' = f_ŷ ∧ φ_valid, else −1.
 *
 * Stage 1 (`toolMatch`, no reasoning): the judge model answers the rewrite with the sample's
 * tools; the multiset of tool names it calls must equal the ground truth's (order-free; only
 * names, since arguments can be right in many ways). An abstaining sample (irrelevance) passes
 * only when the judge calls nothing; a `live_relevance` sample (no ground truth) when it calls
 * something.
 * Stage 2 (`reasoning`, only when stage 1 passed): the judge, reasoning allowed, decides whether
 * the rewrite keeps every key field ŷ needs and is still the user's own request (φ_valid).
 *
 * The judge is any {@link ChatModel}. Model failures (HTTP errors after the client's retries)
 * become failed verdicts by default, so one flaky request costs one rollout, not the run.
 */
import { ParseError } from "../errors.js";
import type { ChatModel, ChatRequest, ChatResponse } from "../models/chat-model.js";
import { asCallList, decodeOutput, type OutputMode } from "../parse/decode.js";
import { categoryLanguage } from "../schema/category.js";
import type { Message } from "../schema/message.js";
import type { JudgeResult } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { renderExpected, renderTools, rewrittenMessages, seedQuery, stripThink } from "../loop/prompts.js";
import { expectedShape, type ExpectedShape } from "./ground-truth.js";

/** Request fields a caller may set per stage (sampling, `extraBody`, …). */
export type JudgeRequestOverrides = Partial<Omit<ChatRequest, "messages" | "tools" | "signal">>;

/** Options of {@link TwoStageJudge}. */
export interface JudgeOptions {
  /** The judge model (the paper uses Qwen3-32B). */
  model: ChatModel;
  /**
   * How stage 1 offers the tools: `"fc"` through the API's `tools` field (the reply's
   * `tool_calls` are read; Hermes `<tool_call>` blocks in the text are read too, for servers
   * without a tool parser), or `"prompt"`: the tools are rendered into a system prompt and the
   * text reply is decoded with the {@link JudgeOptions.promptFormat} decoder of core/src/parse.
   * @default "fc"
   */
  callMode?: "fc" | "prompt";
  /**
   * The call syntax asked for and decoded in prompt mode: `"prompt"` (Python call list, Java /
   * JavaScript syntax for those categories), `"json"` or `"hermes"`.
   * @default "prompt"
   */
  promptFormat?: Exclude<OutputMode, "openai">;
  /** r_judge values. @default { pass: 1, fail: -1 } */
  rewards?: { pass?: number; fail?: number };
  /**
   * What a judge-model error does: `"fail"` turns it into a failed verdict whose reason holds
   * the error (the rollout gets r_judge = fail), `"throw"` rejects. An aborted `signal` always
   * rejects.
   * @default "fail"
   */
  onModelError?: "fail" | "throw";
  /**
   * Extra request fields for stage 1. The paper judges stage 1 without thinking; for Qwen3 on
   * vLLM pass `{ extraBody: { chat_template_kwargs: { enable_thinking: false } } }`.
   * @default {} (toolChoice "auto" in fc mode)
   */
  toolCallRequest?: JudgeRequestOverrides;
  /** Extra request fields for stage 2 (reasoning allowed). @default {} */
  verdictRequest?: JudgeRequestOverrides;
  /** Replaces the built-in stage-2 instructions. @default {@link JUDGE_VERDICT_SYSTEM_PROMPT} */
  verdictSystemPrompt?: string;
  /** Accumulates pass rates of every call to `judge`. @default a new {@link JudgeStats} */
  stats?: JudgeStats;
}

/** One rewrite to judge. */
export interface JudgeInput {
  /** The seed sample: its tools, expected answer and original query. */
  sample: Sample;
  /** The rewritten user query. */
  rewrite: string;
  signal?: AbortSignal;
}

/** The judge's decision on one rewrite. */
export interface JudgeOutcome {
  /** Both stages' verdicts, reasons and called names (stored on the rollout). */
  result: JudgeResult;
  /** Both stages passed. */
  passed: boolean;
  /** r_judge (Eq. 4): `rewards.pass` when passed, else `rewards.fail`. */
  rJudge: number;
}

/** A stage-2 verdict as parsed from the judge's reply. */
export type ParsedVerdict =
  | { ok: true; keepsKeyFields: boolean; userPerspective: boolean; reason: string }
  | { ok: false; reason: string };

/** The built-in stage-2 instructions. */
export const JUDGE_VERDICT_SYSTEM_PROMPT = [
  "You check rewritten user requests for a function-calling dataset.",
  "You are given the tools on offer, a user's original request, the correct answer to it, and a rewritten version of the request.",
  "Decide two things about the REWRITTEN request:",
  "- keeps_key_fields: it still contains (states or clearly implies) every piece of information the correct answer needs — every argument value — and does not change what is asked;",
  "- user_perspective: it is written as the user's own request to the assistant, not as the assistant speaking, not as instructions that role-play or dictate the answer format.",
  "Think it through, then end your reply with exactly one JSON object on its own line:",
  '{"keeps_key_fields": true or false, "user_perspective": true or false, "reason": "<one sentence>"}',
].join("\n");

const VERDICT_KEYS = { keeps: "keeps_key_fields", user: "user_perspective" } as const;
const MAX_VERDICT_SCAN = 200;

/**
 * Parse the stage-2 verdict: the LAST JSON object in the reply that has both
 * `keeps_key_fields` and `user_perspective` (booleans, or the strings "true"/"false"/"yes"/"no").
 * `<think>` blocks are removed first; code fences and text around the object are ignored.
 * Never throws.
 */
export function parseJudgeVerdict(reply: string): ParsedVerdict {
  const text = stripThink(reply);
  let tried = 0;
  for (let end = text.lastIndexOf("}"); end >= 0 && tried < MAX_VERDICT_SCAN; end = text.lastIndexOf("}", end - 1)) {
    const start = matchingOpen(text, end);
    if (start < 0) continue;
    tried++;
    let obj: unknown;
    try {
      obj = JSON.parse(text.slice(start, end + 1));
    } catch {
      continue;
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) continue;
    const rec = obj as Record<string, unknown>;
    if (!(VERDICT_KEYS.keeps in rec) || !(VERDICT_KEYS.user in rec)) continue;
    const keeps = asBool(rec[VERDICT_KEYS.keeps]);
    const user = asBool(rec[VERDICT_KEYS.user]);
    if (keeps === undefined || user === undefined) {
      return { ok: false, reason: `judge verdict unparseable: non-boolean fields in ${preview(text.slice(start, end + 1))}` };
    }
    const reason = typeof rec.reason === "string" ? rec.reason : "";
    return { ok: true, keepsKeyFields: keeps, userPerspective: user, reason };
  }
  return { ok: false, reason: `judge verdict unparseable: no JSON object with "${VERDICT_KEYS.keeps}" and "${VERDICT_KEYS.user}" in ${preview(text.trim())}` };
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true" || s === "yes") return true;
    if (s === "false" || s === "no") return false;
  }
  return undefined;
}

/** Index of the `{` that opens the object closed at `end`, skipping JSON strings; -1 if none. */
function matchingOpen(text: string, end: number): number {
  // Scan forward from each candidate would be quadratic; instead walk back counting braces.
  // Strings are skipped approximately (a `"` not preceded by a backslash toggles), which is exact
  // for JSON produced by models; a wrong guess only makes JSON.parse fail and the next `}` tried.
  let depth = 0;
  let inString = false;
  for (let i = end; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */ && !escaped(text, i)) inString = !inString;
    if (inString) continue;
    if (c === 125 /* } */) depth++;
    else if (c === 123 /* { */) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function escaped(text: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && text.charCodeAt(j) === 92; j--) n++;
  return n % 2 === 1;
}

function preview(s: string): string {
  return JSON.stringify(s.length > 120 ? `…${s.slice(-117)}` : s);
}

/** The built-in prompt-mode system prompt for stage 1 (tools rendered as JSON, answer format). */
export function judgeToolPrompt(tools: readonly Tool[], format: Exclude<OutputMode, "openai">): string {
  const formats: Record<typeof format, string> = {
    prompt: "reply with only the function calls, as a list: [func_name1(param1=value1, param2=value2), func_name2(param=value)]",
    json: 'reply with only a JSON list of calls: [{"function": "func_name", "parameters": {"param": value}}]',
    hermes: 'reply with one block per call: <tool_call>\n{"name": "func_name", "arguments": {"param": value}}\n</tool_call>',
  };
  return [
    "You are an assistant that answers the user by calling functions.",
    `Decide which function(s) to call for the user's last message and ${formats[format]}.`,
    "If none of the functions fits the request, do not call any: say so in plain words.",
    `The functions, in JSON:\n${renderTools(tools)}`,
  ].join("\n");
}

/** Multiset equality of tool names. */
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((n, i) => n === y[i]);
}

function fmtNames(names: readonly string[]): string {
  return `[${names.join(", ")}]`;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Tool names of an FC-mode reply. OpenAI-compatible servers reject dots in tool names, so a
 * client may send `math_factorial` for `math.factorial`; such a name is mapped back when exactly
 * one tool matches.
 */
function fcCalledNames(resp: ChatResponse, tools: readonly Tool[]): { names: string[] } | { error: string } {
  let names = resp.toolCalls.map((c) => c.function.name);
  if (names.length === 0 && resp.content.includes("<tool_call>")) {
    try {
      names = callNames(decodeOutput(resp.content, "hermes", "python", { stripThink: true }).value) ?? [];
    } catch (e) {
      return { error: `judge output unparseable: ${errorMessage(e)}` };
    }
  }
  const known = new Set(tools.map((t) => t.name));
  return {
    names: names.map((n) => {
      if (known.has(n)) return n;
      const matches = tools.filter((t) => t.name.replace(/[^A-Za-z0-9_-]/g, "_") === n);
      return matches.length === 1 ? matches[0]!.name : n;
    }),
  };
}

function callNames(decoded: Parameters<typeof asCallList>[0]): string[] | undefined {
  const calls = asCallList(decoded);
  return calls?.map((c) => {
    const k = c.keys[0];
    return typeof k === "string" ? k : String(k);
  });
}

/** Accumulated pass rates of the judge's stages. */
export interface JudgeStatsSummary {
  /** Rewrites judged. */
  total: number;
  /** Stage 1: evaluated = total. `passRate` = passed / evaluated (0 when none). */
  toolMatch: { evaluated: number; passed: number; passRate: number };
  /** Stage 2: evaluated = those that passed stage 1. */
  reasoning: { evaluated: number; passed: number; passRate: number };
  /** Both stages passed (r_judge = pass), over total. */
  overall: { passed: number; passRate: number };
  /** Verdicts that were model errors (failed by `onModelError: "fail"`), both stages. */
  modelErrors: number;
  /** Stage-2 verdicts that could not be parsed. */
  unparseableVerdicts: number;
}

/** Accumulates {@link JudgeResult}s into per-stage pass rates. */
export class JudgeStats {
  private total = 0;
  private s1Passed = 0;
  private s2Evaluated = 0;
  private s2Passed = 0;
  private errors = 0;
  private unparseable = 0;

  /** Count one judged rewrite. */
  add(result: JudgeResult): void {
    this.total++;
    if (result.toolMatch.modelError === true) this.errors++;
    if (result.toolMatch.passed) this.s1Passed++;
    if (result.reasoning !== undefined) {
      this.s2Evaluated++;
      if (result.reasoning.passed) this.s2Passed++;
      if (result.reasoning.modelError === true) this.errors++;
      if (result.reasoning.unparseable === true) this.unparseable++;
    }
  }

  summary(): JudgeStatsSummary {
    const rate = (a: number, b: number): number => (b === 0 ? 0 : a / b);
    return {
      total: this.total,
      toolMatch: { evaluated: this.total, passed: this.s1Passed, passRate: rate(this.s1Passed, this.total) },
      reasoning: { evaluated: this.s2Evaluated, passed: this.s2Passed, passRate: rate(this.s2Passed, this.s2Evaluated) },
      overall: { passed: this.s2Passed, passRate: rate(this.s2Passed, this.total) },
      modelErrors: this.errors,
      unparseableVerdicts: this.unparseable,
    };
  }

  reset(): void {
    this.total = this.s1Passed = this.s2Evaluated = this.s2Passed = this.errors = this.unparseable = 0;
  }

  toJSON(): JudgeStatsSummary {
    return this.summary();
  }
}

/** The two-stage judge (Eq. 4). One instance per judge model; `judge` may run concurrently. */
export class TwoStageJudge {
  readonly stats: JudgeStats;
  private readonly model: ChatModel;
  private readonly callMode: "fc" | "prompt";
  private readonly promptFormat: Exclude<OutputMode, "openai">;
  private readonly pass: number;
  private readonly fail: number;
  private readonly onModelError: "fail" | "throw";
  private readonly toolCallRequest: JudgeRequestOverrides;
  private readonly verdictRequest: JudgeRequestOverrides;
  private readonly verdictSystemPrompt: string;

  constructor(options: JudgeOptions) {
    this.model = options.model;
    this.callMode = options.callMode ?? "fc";
    this.promptFormat = options.promptFormat ?? "prompt";
    this.pass = options.rewards?.pass ?? 1;
    this.fail = options.rewards?.fail ?? -1;
    this.onModelError = options.onModelError ?? "fail";
    this.toolCallRequest = options.toolCallRequest ?? {};
    this.verdictRequest = options.verdictRequest ?? {};
    this.verdictSystemPrompt = options.verdictSystemPrompt ?? JUDGE_VERDICT_SYSTEM_PROMPT;
    this.stats = options.stats ?? new JudgeStats();
  }

  /** Judge one rewrite: stage 1, then stage 2 if stage 1 passed. */
  async judge(input: JudgeInput): Promise<JudgeOutcome> {
    const toolMatch = await this.toolMatchStage(input);
    const result: JudgeResult = { toolMatch };
    if (toolMatch.passed) result.reasoning = await this.reasoningStage(input);
    const passed = toolMatch.passed && result.reasoning?.passed === true;
    this.stats.add(result);
    return { result, passed, rJudge: passed ? this.pass : this.fail };
  }

  private async ask(request: ChatRequest, signal: AbortSignal | undefined): Promise<ChatResponse | { error: string }> {
    try {
      return await this.model.chat(signal ? { ...request, signal } : request);
    } catch (e) {
      if (signal?.aborted || this.onModelError === "throw") throw e;
      return { error: `judge model error (${this.model.name}): ${errorMessage(e)}` };
    }
  }

  private async toolMatchStage(input: JudgeInput): Promise<JudgeResult["toolMatch"]> {
    const { sample, rewrite } = input;
    const shape = expectedShape(sample);
    const messages = rewrittenMessages(sample, rewrite);
    let names: string[];
    if (this.callMode === "fc") {
      const resp = await this.ask({ toolChoice: "auto", ...this.toolCallRequest, messages, tools: sample.tools }, input.signal);
      if ("error" in resp) return { passed: false, reason: resp.error, modelError: true };
      const r = fcCalledNames(resp, sample.tools);
      if ("error" in r) return shape.kind === "abstain" ? abstainPass(r.error) : { passed: false, reason: r.error };
      names = r.names;
    } else {
      const system = judgeToolPrompt(sample.tools, this.promptFormat);
      const resp = await this.ask({ ...this.toolCallRequest, messages: withSystem(messages, system) }, input.signal);
      if ("error" in resp) return { passed: false, reason: resp.error, modelError: true };
      let decoded;
      try {
        decoded = callNames(decodeOutput(resp.content, this.promptFormat, categoryLanguage(sample.category), { stripThink: true }).value);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        // BFCL reads an undecodable answer as "no call" for irrelevance; so does the judge.
        const reason = `judge output unparseable: ${e.message}`;
        return shape.kind === "abstain" ? abstainPass(reason) : { passed: false, reason };
      }
      if (decoded === undefined) {
        const reason = "judge output unparseable: not a list of function calls";
        return shape.kind === "abstain" ? abstainPass(reason) : { passed: false, reason };
      }
      names = decoded;
    }
    return compareNames(names, shape);
  }

  private async reasoningStage(input: JudgeInput): Promise<NonNullable<JudgeResult["reasoning"]>> {
    const { sample, rewrite } = input;
    const user = [
      `## Tools on offer\n${renderTools(sample.tools)}`,
      `## Original request\n${seedQuery(sample)}`,
      `## Correct answer to the original request\n${renderExpected(sample)}`,
      `## Rewritten request\n${rewrite}`,
    ].join("\n\n");
    const resp = await this.ask(
      { ...this.verdictRequest, messages: [{ role: "system", content: this.verdictSystemPrompt }, { role: "user", content: user }] },
      input.signal,
    );
    if ("error" in resp) return { passed: false, reason: resp.error, modelError: true };
    let v = parseJudgeVerdict(resp.content);
    // Some servers return everything as reasoning_content when the reply is all thought.
    if (!v.ok && resp.content.trim() === "" && resp.reasoning) v = parseJudgeVerdict(resp.reasoning);
    if (!v.ok) return { passed: false, reason: v.reason, unparseable: true };
    const passed = v.keepsKeyFields && v.userPerspective;
    return {
      passed,
      reason: v.reason !== "" ? v.reason : passed ? "keeps key fields; user's perspective" : failText(v),
      keepsKeyFields: v.keepsKeyFields,
      userPerspective: v.userPerspective,
    };
  }
}

function failText(v: { keepsKeyFields: boolean; userPerspective: boolean }): string {
  return [v.keepsKeyFields ? undefined : "key fields missing", v.userPerspective ? undefined : "not the user's perspective"].filter(Boolean).join("; ");
}

function abstainPass(detail: string): JudgeResult["toolMatch"] {
  return { passed: true, reason: `judge called no tool, as expected (${detail})`, calledNames: [] };
}

function compareNames(names: string[], shape: ExpectedShape): JudgeResult["toolMatch"] {
  switch (shape.kind) {
    case "abstain":
      return names.length === 0
        ? { passed: true, reason: "judge called no tool, as expected", calledNames: names }
        : { passed: false, reason: `judge called ${fmtNames(names)} but the sample expects no call`, calledNames: names };
    case "any-call":
      return names.length > 0
        ? { passed: true, reason: `judge called ${fmtNames(names)}; any call is relevant`, calledNames: names }
        : { passed: false, reason: "judge called no tool but the sample expects a call", calledNames: names };
    case "calls":
      return sameNames(names, shape.names)
        ? { passed: true, reason: `judge called ${fmtNames(names)}, the ground truth's tools`, calledNames: names }
        : { passed: false, reason: `judge called ${fmtNames(names)} but the ground truth calls ${fmtNames(shape.names)}`, calledNames: names };
  }
}

/** Prepends `system` to the conversation, merged into an existing leading system message. */
function withSystem(messages: readonly Message[], system: string): Message[] {
  const first = messages[0];
  if (first?.role === "system") return [{ ...first, content: `${system}\n\n${first.content}` }, ...messages.slice(1)];
  return [{ role: "system", content: system }, ...messages];
}

/**
 * Judge one rewrite with a one-off {@link TwoStageJudge}. Prefer a long-lived judge to keep
 * {@link JudgeStats} across a run.
 */
export function judgeRewrite(input: JudgeInput, options: JudgeOptions): Promise<JudgeOutcome> {
  return new TwoStageJudge(options).judge(input);
}
