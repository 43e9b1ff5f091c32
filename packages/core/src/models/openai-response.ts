/**
 * Tolerant reading of an OpenAI-style chat completion (vLLM, SGLang, llama.cpp, Ollama, hosted):
 * `content: null` → "", missing `tool_calls` → [], object `arguments` → JSON text, text-part
 * arrays → their text, `reasoning_content` or `reasoning` → reasoning, legacy `function_call` →
 * one tool call.
 */
import type { ChatToolCall, ChatUsage } from "./chat-model.js";

/** The parts of a completion a `ChatResponse` carries (what the response cache stores). */
export interface ParsedCompletion {
  content: string;
  toolCalls: ChatToolCall[];
  reasoning?: string;
  finishReason: string | null;
  usage?: ChatUsage;
  model?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    let s = "";
    for (const p of v) if (isObj(p) && typeof p.text === "string") s += p.text;
    return s;
  }
  return "";
}

function toolCall(v: unknown): ChatToolCall | undefined {
  if (!isObj(v)) return undefined;
  const fn = isObj(v.function) ? v.function : v;
  if (typeof fn.name !== "string") return undefined;
  const args = fn.arguments;
  const call: ChatToolCall = {
    type: "function",
    function: { name: fn.name, arguments: typeof args === "string" ? args : args === undefined || args === null ? "{}" : JSON.stringify(args) },
  };
  if (typeof v.id === "string") call.id = v.id;
  return call;
}

/**
 * Reads the first choice of a parsed completion body; `undefined` when the body is not a chat
 * completion (no `choices[0].message`), which the client treats as a malformed answer.
 */
export function parseChatCompletion(json: unknown): ParsedCompletion | undefined {
  if (!isObj(json) || !Array.isArray(json.choices)) return undefined;
  const choice: unknown = json.choices[0];
  if (!isObj(choice) || !isObj(choice.message)) return undefined;
  const msg = choice.message;
  const toolCalls: ChatToolCall[] = [];
  if (Array.isArray(msg.tool_calls)) {
    for (const tc of msg.tool_calls) {
      const c = toolCall(tc);
      if (c) toolCalls.push(c);
    }
  } else if (isObj(msg.function_call)) {
    const c = toolCall(msg.function_call);
    if (c) toolCalls.push(c);
  }
  const out: ParsedCompletion = {
    content: text(msg.content),
    toolCalls,
    finishReason: typeof choice.finish_reason === "string" ? choice.finish_reason : null,
  };
  const reasoning = typeof msg.reasoning_content === "string" ? msg.reasoning_content : typeof msg.reasoning === "string" ? msg.reasoning : undefined;
  if (reasoning !== undefined) out.reasoning = reasoning;
  const u = json.usage;
  if (isObj(u)) {
    const p = typeof u.prompt_tokens === "number" ? u.prompt_tokens : 0;
    const c = typeof u.completion_tokens === "number" ? u.completion_tokens : 0;
    out.usage = { promptTokens: p, completionTokens: c, totalTokens: typeof u.total_tokens === "number" ? u.total_tokens : p + c };
  }
  if (typeof json.model === "string") out.model = json.model;
  return out;
}
