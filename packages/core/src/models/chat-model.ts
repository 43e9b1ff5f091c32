/**
 * The one interface every model the loop talks to implements: the FC model under attack, the
 * query model (rewriter), the judge. Implementations: `OpenAIChatModel` (any OpenAI-compatible
 * endpoint: vLLM, SGLang, llama.cpp server, Ollama, hosted APIs) and, later, weight-free
 * baselines that run in-process.
 */
import type { Message } from "../schema/message.js";
import type { Tool } from "../schema/tool.js";

/** One tool call as the OpenAI chat API returns it (`arguments` is the raw JSON text). */
export interface ChatToolCall {
  id?: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatRequest {
  messages: readonly Message[];
  /**
   * Tools offered through the API's `tools` field (FC mode). Leave out for prompt mode, where
   * the caller renders the tools into the messages itself.
   */
  tools?: readonly Tool[];
  /** `tool_choice` as the API takes it ("auto", "none", "required", or a named function). */
  toolChoice?: "auto" | "none" | "required" | { type: "function"; function: { name: string } };
  /** @default the client's configured temperature (0 unless set) */
  temperature?: number;
  /** @default the client's configured value (none: the server's default) */
  maxTokens?: number;
  topP?: number;
  /** Sampling seed, when the server supports it. */
  seed?: number;
  stop?: readonly string[];
  /**
   * Extra top-level request body fields, merged last (e.g. `{chat_template_kwargs:
   * {enable_thinking: false}}` for Qwen3 on vLLM).
   */
  extraBody?: Readonly<Record<string, unknown>>;
  signal?: AbortSignal;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatResponse {
  /** The assistant message's text ("" when it only called tools). */
  content: string;
  /** The assistant's tool calls (empty when none). */
  toolCalls: ChatToolCall[];
  /** Reasoning text when the server returns it separately (`reasoning_content`). */
  reasoning?: string;
  finishReason: string | null;
  usage?: ChatUsage;
  /** Model name the server reported. */
  model?: string;
  /** Wall-clock time of the successful attempt, ms. */
  latencyMs: number;
  /** Attempts made (1 = no retry). */
  attempts: number;
  /** Served from the on-disk response cache. */
  cached: boolean;
  /**
   * Wall-clock time of the whole `chat()` call (queue wait, backoff and retries included), ms.
   * Optional: not every implementation measures it.
   */
  totalMs?: number;
}

export interface ChatModel {
  /** Human-readable identity for logs and run records, e.g. "openai:Qwen3-8B@http://h:8000/v1". */
  readonly name: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
  /** Releases sockets / files. Safe to call twice. */
  close?(): Promise<void>;
}
