import {
  checkCase,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  type CheckCaseOptions,
  parsePyJson,
  type PyValue,
} from "@advfc/core";
import type { EvalEntry } from "./data.js";
import { DEFAULT_SYSTEM_PROMPT, languageAdjustedFunctions, promptModeMessages, renderSystemPrompt } from "./prompt.js";
import { REQUEST_FAILED, type ResultLine } from "./results.js";
import { toApiTools } from "./tools.js";

/**
 * How a model is asked:
 * - `prompt`: the function docs go into a system prompt and the reply's text is decoded with
 *   BFCL's prompt-mode decoder (Python call-list syntax; Java / JavaScript call syntax in those
 *   categories);
 * - `fc`: the docs go into the API's `tools` field and the reply's `tool_calls` are checked
 *   as BFCL's OpenAI FC handler reads them.
 */
export type EvalMode = "prompt" | "fc";

/** Options of {@link evaluateEntries}. */
export interface EvaluateOptions {
  /** The model under evaluation. */
  model: ChatModel;
  /** @default "prompt" */
  mode?: EvalMode;
  /**
   * Prompt mode: the system prompt template; `{functions}` is replaced by the entry's function
   * docs as JSON. @default {@link DEFAULT_SYSTEM_PROMPT}
   */
  systemPrompt?: string;
  /** @default 0 */
  temperature?: number;
  /** @default the client's (none: the server's default) */
  maxTokens?: number;
  /** Extra request body fields, e.g. `{chat_template_kwargs: {enable_thinking: false}}`. */
  extraBody?: Readonly<Record<string, unknown>>;
  /** Requests in flight at most. @default 8 */
  concurrency?: number;
  /** Decode after the last `</think>` (reasoning models that inline their thoughts). @default false */
  stripThink?: boolean;
  /** Stops sending; requests in flight are aborted and not recorded. */
  signal?: AbortSignal;
  /** Called once per finished entry, in completion order; awaited before the slot is reused. */
  onResult?: (entry: EvalEntry, result: ResultLine) => void | Promise<void>;
}

/** What {@link evaluateEntries} did. */
export interface EvaluateSummary {
  /** Entries with a result (scored, or recorded as failed). */
  done: number;
  /** Requests that failed after the client's retries. */
  failed: number;
  /** True when `signal` stopped the run before every entry was done. */
  aborted: boolean;
}

/** The chat request for one entry. */
export function buildRequest(entry: EvalEntry, options: Pick<EvaluateOptions, "mode" | "systemPrompt" | "temperature" | "maxTokens" | "extraBody">): ChatRequest {
  const functions = languageAdjustedFunctions(entry.functions, entry.category);
  const request: ChatRequest =
    (options.mode ?? "prompt") === "fc"
      ? { messages: entry.messages, tools: toApiTools(functions) }
      : { messages: promptModeMessages(entry.messages, renderSystemPrompt(options.systemPrompt ?? DEFAULT_SYSTEM_PROMPT, functions)) };
  request.temperature = options.temperature ?? 0;
  if (options.maxTokens !== undefined) request.maxTokens = options.maxTokens;
  if (options.extraBody !== undefined) request.extraBody = options.extraBody;
  return request;
}

/**
 * Score one response as BFCL would. FC mode checks with `underscoreToDot` (tool names were sent
 * with `.` written as `_`).
 */
export function scoreResponse(entry: EvalEntry, response: ChatResponse, mode: EvalMode, stripThink = false): ResultLine {
  let raw: unknown;
  let modelOutput: PyValue;
  const options: CheckCaseOptions = { stripThink };
  if (mode === "fc") {
    options.underscoreToDot = true;
    if (response.toolCalls.length > 0) {
      raw = response.toolCalls.map((c) => ({ ...(c.id !== undefined ? { id: c.id } : {}), type: "function", function: { name: c.function.name, arguments: c.function.arguments } }));
      modelOutput = parsePyJson(JSON.stringify(raw));
    } else {
      raw = response.content;
      modelOutput = response.content;
    }
  } else {
    raw = response.content;
    modelOutput = response.content;
  }
  const base = { id: entry.id, raw_output: raw, latency_ms: Math.round(response.latencyMs) };
  try {
    const r = checkCase(
      { category: entry.category, functions: entry.functionsPy, possibleAnswer: entry.groundTruth, modelOutput, mode: mode === "fc" ? "openai" : "prompt" },
      options,
    );
    return { ...base, valid: r.valid, error_type: r.errorType, outcome: r.outcome };
  } catch (e) {
    // A bug in the checker must not lose the model's answer: keep it, marked, and go on.
    return { ...base, valid: false, error_type: "checker_error:internal", outcome: null, checker_error: (e as Error).message };
  }
}

function message(e: unknown): string {
  if (e instanceof Error) return e.cause instanceof Error && !e.message.includes(e.cause.message) ? `${e.message}: ${e.cause.message}` : e.message;
  return String(e);
}

/**
 * Ask `model` every entry and score its replies, `concurrency` requests at a time, in entry
 * order of sending. A request that still fails after the client's own retries is recorded as
 * a failed result (see {@link ResultLine}), not thrown.
 */
export async function evaluateEntries(entries: readonly EvalEntry[], options: EvaluateOptions): Promise<EvaluateSummary> {
  const mode = options.mode ?? "prompt";
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const signal = options.signal;
  const summary: EvaluateSummary = { done: 0, failed: 0, aborted: false };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length && !signal?.aborted) {
      const entry = entries[next++]!;
      const request = buildRequest(entry, options);
      if (signal) request.signal = signal;
      const started = performance.now();
      let result: ResultLine;
      try {
        const response = await options.model.chat(request);
        result = scoreResponse(entry, response, mode, options.stripThink);
      } catch (e) {
        if (signal?.aborted) return;
        result = {
          id: entry.id,
          raw_output: null,
          valid: false,
          error_type: REQUEST_FAILED,
          outcome: null,
          latency_ms: Math.round(performance.now() - started),
          error: message(e),
        };
        summary.failed++;
      }
      summary.done++;
      await options.onResult?.(entry, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  summary.aborted = summary.done < entries.length;
  return summary;
}
