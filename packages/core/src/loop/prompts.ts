/**
 * The query model's prompt, `x_Q = template(x, ŷ)` (paper, "Data Preparation"), and the parsing
 * of its reply into one rewritten user query.
 *
 * The query model sees the seed conversation, the tools on offer and the ground-truth call(s)
 * ŷ, and is asked for ONE rewrite of the last user message that keeps every piece of
 * information ŷ needs, stays in the user's voice, and is as hard as possible for an assistant
 * to map to ŷ. For abstaining samples (irrelevance) the rewrite must still be unanswerable with
 * the tools.
 */
import { InvalidInputError } from "../errors.js";
import type { Message } from "../schema/message.js";
import type { Sample } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { expectedShape } from "../rewards/ground-truth.js";

/** Options of {@link queryModelPrompt}. */
export interface QueryPromptOptions {
  /**
   * Replaces the built-in system instructions (the task description and output format).
   * @default {@link QUERY_MODEL_SYSTEM_PROMPT}
   */
  systemPrompt?: string;
  /**
   * Longest JSON rendering of the tool list, in characters; longer lists are cut with a marker
   * (prompts of samples with hundreds of tools would otherwise crowd out the task).
   * @default 24_000
   */
  maxToolsChars?: number;
}

/** The built-in system instructions of the query model. */
export const QUERY_MODEL_SYSTEM_PROMPT = [
  "You rewrite user requests to stress-test a function-calling assistant.",
  "You are given a conversation between a user and an assistant that can call tools, the tools on offer, and the correct answer to the user's last message.",
  "Write ONE new version of the user's last message such that:",
  "1. it keeps every piece of information the correct answer needs (every argument value must still be stated or clearly derivable), and adds no new requirement;",
  "2. it is written by the user, in the user's own voice, as a request to the assistant (never as the assistant, never as instructions about tools or formats);",
  "3. it is as hard as possible for an assistant to map to the correct answer: vary wording, structure, order, indirection, units written differently, extra harmless context — while a careful reader would still arrive at exactly the correct answer.",
  "Reply with the rewritten user message only: no explanation, no quotes, no label.",
].join("\n");

const DEFAULT_MAX_TOOLS_CHARS = 24_000;

/** Index of the last user message of a sample (the query that is rewritten). */
export function lastUserIndex(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return i;
  return -1;
}

/**
 * The query being rewritten: the content of the sample's last user message.
 * @throws {InvalidInputError} when the sample has no user message.
 */
export function seedQuery(sample: Sample): string {
  const i = lastUserIndex(sample.messages);
  if (i < 0) throw new InvalidInputError(`Expected a user message in sample ${sample.id} but received none`, { field: "messages" });
  return sample.messages[i]!.content;
}

/**
 * The sample's conversation with its last user message replaced by `rewrite` (what the judge
 * and the FC model are asked, and the messages of a bad case). Messages after the last user
 * message, if any, are dropped: the answer to the rewrite is what is asked for.
 * @throws {InvalidInputError} when the sample has no user message.
 */
export function rewrittenMessages(sample: Sample, rewrite: string): Message[] {
  const i = lastUserIndex(sample.messages);
  if (i < 0) throw new InvalidInputError(`Expected a user message in sample ${sample.id} but received none`, { field: "messages" });
  return [...sample.messages.slice(0, i), { ...sample.messages[i]!, content: rewrite }];
}

/** The tools as pretty JSON text, cut at `maxChars` with a marker. */
export function renderTools(tools: readonly Tool[], maxChars: number = DEFAULT_MAX_TOOLS_CHARS): string {
  const text = JSON.stringify(tools, null, 2);
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters of tool definitions cut)`;
}

/** ŷ in words and JSON, for the query model and the judge. */
export function renderExpected(sample: Sample): string {
  const shape = expectedShape(sample);
  switch (shape.kind) {
    case "abstain":
      return "None of the tools can answer the user's last message: the correct answer is to call no tool. A rewrite must keep it that way (it must still not be answerable with these tools).";
    case "any-call":
      return "The correct answer calls at least one of the tools (any relevant call is acceptable). A rewrite must keep the request answerable with the tools.";
    case "calls": {
      const calls = "calls" in sample.expected ? sample.expected.calls : [];
      const rendered = calls.map((c) => ({
        name: c.name,
        // BFCL's allowed-value lists: the first option is the canonical value; "" = may be omitted.
        arguments: Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, v.length === 1 ? v[0] : { one_of: v.map((x) => (x === "" ? "(omitted)" : x)) }])),
      }));
      const head = calls.length === 1 ? "The correct answer is this single call:" : `The correct answer is these ${calls.length} calls (in any order):`;
      return `${head}\n${JSON.stringify(rendered, null, 2)}`;
    }
  }
}

/**
 * template(x, ŷ): the chat messages that ask the query model for one rewrite of `sample`'s
 * last user message. Earlier turns are shown as context.
 * @throws {InvalidInputError} when the sample has no user message.
 */
export function queryModelPrompt(sample: Sample, options: QueryPromptOptions = {}): Message[] {
  const i = lastUserIndex(sample.messages);
  if (i < 0) throw new InvalidInputError(`Expected a user message in sample ${sample.id} but received none`, { field: "messages" });
  const context = sample.messages.slice(0, i).filter((m) => m.role !== "system");
  const system = sample.messages.slice(0, i).filter((m) => m.role === "system");
  const parts: string[] = [];
  parts.push(`## Tools on offer\n${renderTools(sample.tools, options.maxToolsChars)}`);
  if (system.length > 0) parts.push(`## The assistant's system prompt\n${system.map((m) => m.content).join("\n\n")}`);
  if (context.length > 0) parts.push(`## Earlier turns\n${context.map((m) => `[${m.role}] ${m.content}`).join("\n")}`);
  parts.push(`## The user's last message (rewrite this)\n${sample.messages[i]!.content}`);
  parts.push(`## Correct answer\n${renderExpected(sample)}`);
  parts.push("Now write the rewritten user message.");
  return [
    { role: "system", content: options.systemPrompt ?? QUERY_MODEL_SYSTEM_PROMPT },
    { role: "user", content: parts.join("\n\n") },
  ];
}

/** A parsed query-model reply: a rewrite, or why there is none. */
export type RewriteParse = { ok: true; rewrite: string } | { ok: false; reason: string };

/** Options of {@link parseRewriteReply}. */
export interface ParseRewriteOptions {
  /** Longest accepted reply, in UTF-16 code units, before any stripping. @default 32_768 */
  maxReplyChars?: number;
  /** Longest accepted rewrite, in UTF-16 code units, after stripping. @default 4_000 */
  maxRewriteChars?: number;
}

/** JSON keys a rewrite may be given under, in order of preference. */
export const REWRITE_JSON_KEYS = ["rewrite", "rewritten_query", "query", "rewritten", "user_query", "text"] as const;

const THINK_BLOCK = /<think>[\s\S]*?<\/think>/gi;
const FENCE = /^```[\w-]*[ \t]*\n?([\s\S]*?)\n?```$/;
// "Rewritten query:", "**Rewrite:**", "New user message -", "Query：" … at the very start.
const PREFIX = /^(?:\*\*|__)?\s*(?:(?:the\s+)?(?:rewritten|new|revised|modified)\s+(?:user\s+)?(?:query|message|request|question|prompt)|rewrite|rewritten|user\s+(?:query|message)|query|answer|output)\s*(?:\*\*|__)?(?:\s*[:：]|\s+[-–—])\s*(?:\*\*|__)?\s*/i;
// "Here is the rewritten query:" / "Sure! Here's a harder version:" on a line of its own.
const PREAMBLE = /^(?:(?:sure|okay|ok|certainly)[!,.]?\s*)?here(?:'s|’s| is)\b[^\n]*?\b(?:rewrite|rewritten|query|version|message|request)\b[^\n]*[:：]\s*\n/i;
const QUOTE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ["“", "”"],
  ["‘", "’"],
  ["«", "»"],
  ["「", "」"],
  ["`", "`"],
];

/** Removes `<think>…</think>` blocks, text up to a stray `</think>`, and an unterminated leading `<think>`. */
export function stripThink(text: string): string {
  let s = text.replace(THINK_BLOCK, "");
  // Qwen3-style templates put `<think>` in the prompt, so the reply starts inside the block.
  const close = s.toLowerCase().lastIndexOf("</think>");
  if (close >= 0) s = s.slice(close + "</think>".length);
  // A reply cut off while thinking: everything after `<think>` is thought, not an answer.
  const open = s.toLowerCase().indexOf("<think>");
  if (open >= 0 && s.slice(0, open).trim() === "") s = "";
  return s;
}

function stripFence(s: string): string {
  const m = FENCE.exec(s);
  return m ? m[1]!.trim() : s;
}

function stripQuotes(s: string): string {
  for (let round = 0; round < 2; round++) {
    const pair = QUOTE_PAIRS.find(([a, b]) => s.length >= a.length + b.length && s.startsWith(a) && s.endsWith(b));
    if (!pair) break;
    const inner = s.slice(pair[0].length, s.length - pair[1].length);
    // Keep `"a" and "b"`: only strip when the opening quote is not closed inside.
    if (pair[0] === pair[1] && inner.includes(pair[0])) break;
    s = inner.trim();
  }
  return s;
}

/**
 * Parse the query model's reply into one rewrite. Accepted: plain text, or a small JSON object
 * with the rewrite under one of {@link REWRITE_JSON_KEYS}. Stripped, in order: `<think>` blocks
 * (and an unterminated leading one, and text up to a stray `</think>`), a surrounding code
 * fence, a "Here is the rewritten query:" line, a `Rewritten query:`-style label, surrounding
 * quotes. Never throws: an empty, too
 * long or unparseable reply is `{ok: false, reason}` (a rewrite failure).
 */
export function parseRewriteReply(reply: string, options: ParseRewriteOptions = {}): RewriteParse {
  const maxReply = options.maxReplyChars ?? 32_768;
  const maxRewrite = options.maxRewriteChars ?? 4_000;
  if (typeof reply !== "string") return { ok: false, reason: `reply is not text (${reply === null ? "null" : typeof reply})` };
  if (reply.length > maxReply) return { ok: false, reason: `reply of ${reply.length} characters exceeds the limit of ${maxReply}` };
  let s = stripThink(reply).trim();
  if (s === "") return { ok: false, reason: reply.trim() === "" ? "empty reply" : "reply holds only reasoning (<think>), no rewrite" };
  s = stripFence(s);
  if (s.startsWith("{")) {
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch {
      return { ok: false, reason: `reply looks like JSON but does not parse: ${preview(s)}` };
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return { ok: false, reason: `reply JSON is not an object: ${preview(s)}` };
    const rec = obj as Record<string, unknown>;
    const key = REWRITE_JSON_KEYS.find((k) => typeof rec[k] === "string");
    if (key === undefined) return { ok: false, reason: `reply JSON has no string field ${REWRITE_JSON_KEYS.map((k) => `"${k}"`).join(" / ")}: ${preview(s)}` };
    s = (rec[key] as string).trim();
  } else {
    s = s.replace(PREAMBLE, "").trim();
    s = s.replace(PREFIX, "").trim();
    s = stripFence(s);
    s = stripQuotes(s);
  }
  if (s === "") return { ok: false, reason: "empty rewrite" };
  if (s.length > maxRewrite) return { ok: false, reason: `rewrite of ${s.length} characters exceeds the limit of ${maxRewrite}` };
  return { ok: true, rewrite: s };
}

function preview(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}
