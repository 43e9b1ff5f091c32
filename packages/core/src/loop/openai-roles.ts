/**
 * The roles of Algorithm 1 over any {@link ChatModel} (an OpenAI-compatible endpoint):
 * - query: {@link queryModelPrompt} → chat → {@link parseRewriteReply};
 * - judge: the two-stage judge of rewards/judge.ts (Eq. 4);
 * - FC: prompt mode (the tools rendered into a system prompt, the reply decoded with BFCL's
 *   prompt-mode decoder — the paper evaluates and trains in prompt mode) or FC mode (the API's
 *   `tools` field, the reply's `tool_calls` checked with BFCL's OpenAI handler).
 *
 * The FC prompt is the one `advfc eval` uses (its system prompt and BFCL's language-specific
 * function-doc processing for Java / JavaScript), so loop accuracy and eval accuracy agree.
 */
import type { ChatModel, ChatRequest } from "../models/chat-model.js";
import { fcOutputFromResponse } from "../rewards/fc.js";
import { TwoStageJudge, type JudgeOptions } from "../rewards/judge.js";
import { categoryLanguage } from "../schema/category.js";
import type { Message } from "../schema/message.js";
import type { FcOutput } from "../schema/rollout.js";
import type { Tool } from "../schema/tool.js";
import { parseRewriteReply, queryModelPrompt, type ParseRewriteOptions, type QueryPromptOptions } from "./prompts.js";
import type { FcRequest, FcRole, JudgeDecision, JudgeRequest, JudgeRole, QueryRole, RewriteRequest, RewriteResult } from "./roles.js";

/** Request fields a role sets on every call (sampling, `extraBody`). */
export type RoleRequestDefaults = Partial<Pick<ChatRequest, "temperature" | "maxTokens" | "topP" | "extraBody" | "stop">>;

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Options of {@link OpenAIQueryRole}. */
export interface OpenAIQueryRoleOptions {
  model: ChatModel;
  /** Sampling: the query model explores, so rewrites are sampled. @default { temperature: 1 } */
  request?: RoleRequestDefaults;
  prompt?: QueryPromptOptions;
  parse?: ParseRewriteOptions;
  /**
   * Send a per-rollout sampling seed derived from (seed, iteration, step, index), so reruns of a
   * step ask for the same samples where the server honours `seed`.
   * @default 0
   */
  seed?: number;
}

/** πQ over a chat model: one request per rewrite; a model error or an unusable reply is a failed rewrite. */
export class OpenAIQueryRole implements QueryRole {
  readonly kind = "openai" as const;
  readonly name: string;
  constructor(private readonly options: OpenAIQueryRoleOptions) {
    this.name = `query:${options.model.name}`;
  }

  async rewrite(request: RewriteRequest): Promise<RewriteResult> {
    const { sample, iteration, step, index, signal } = request;
    const seed = ((this.options.seed ?? 0) * 1_000_003 + iteration * 100_003 + step * 1009 + index) >>> 0;
    let content: string;
    try {
      const r = await this.options.model.chat({
        temperature: 1,
        ...this.options.request,
        seed,
        messages: queryModelPrompt(sample, this.options.prompt),
        ...(signal ? { signal } : {}),
      });
      content = r.content;
    } catch (e) {
      if (signal?.aborted) throw e;
      return { ok: false, reason: `query model error (${this.options.model.name}): ${errorMessage(e)}` };
    }
    const parsed = parseRewriteReply(content, this.options.parse);
    return parsed.ok ? { ok: true, rewrite: parsed.rewrite, raw: content } : { ok: false, reason: parsed.reason, raw: content };
  }
}

/** The judge role over {@link TwoStageJudge}; its `stats` accumulate the stage pass rates. */
export class OpenAIJudgeRole implements JudgeRole {
  readonly kind = "openai" as const;
  readonly name: string;
  readonly judgeImpl: TwoStageJudge;
  constructor(options: JudgeOptions) {
    this.judgeImpl = new TwoStageJudge(options);
    this.name = `judge:${options.model.name}`;
  }
  judge(request: JudgeRequest): Promise<JudgeDecision> {
    return this.judgeImpl.judge({ sample: request.sample, rewrite: request.rewrite, ...(request.signal ? { signal: request.signal } : {}) });
  }
}

/** Placeholder in an FC system prompt template that is replaced by the function docs (JSON). */
export const FUNCTIONS_PLACEHOLDER = "{functions}";

/** The prompt-mode system prompt of `advfc eval` (Python call-list answers, or `[]`). */
export const FC_PROMPT_SYSTEM_PROMPT = `You can call functions to fulfil the user's request. The functions available to you are listed at the end, as JSON: each has a name, a description and its parameters as a JSON Schema.

Answer with the function calls only, as one list in Python call syntax, and nothing else:
[function_name(param1=value1, param2=value2), other_function(param=value)]

Rules:
- Use keyword arguments only, spelled exactly as in the parameter schema.
- Fill every required parameter. Leave out optional parameters the request gives no value for.
- Write values as literals: strings in quotes, numbers, True/False, lists [...] and dicts {...}.
- When the request needs several calls, put them all in the one list.
- When a function's description says it is in Java or JavaScript syntax, write each value as a string holding that language's source text, e.g. "new int[]{1, 2}", "true", "[1, 2]".
- When no function fits the request, or the request lacks a value a required parameter needs, answer [] and nothing else.
- No explanations, no code fences, no text before or after the list.

Functions:
${FUNCTIONS_PLACEHOLDER}`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * BFCL's `func_doc_language_specific_pre_processing`: a language note on every description; for
 * Java / JavaScript every parameter becomes a `string` holding source text, with the original
 * type in the description. The input is not modified.
 */
export function languageAdjustedTools(tools: readonly Tool[], category: string): Tool[] {
  const language = categoryLanguage(category);
  const name = language === "java" ? "Java" : "JavaScript";
  const hint = language === "java" ? " Note that the provided function is in Java 8 SDK syntax." : language === "javascript" ? " Note that the provided function is in JavaScript syntax." : " Note that the provided function is in Python 3 syntax.";
  return tools.map((f) => {
    const item = JSON.parse(JSON.stringify(f)) as Tool & { description?: string; parameters: { properties?: Record<string, Record<string, Json>> } };
    item.description = (item.description ?? "") + hint;
    if (language === "python") return item;
    for (const value of Object.values(item.parameters.properties ?? {})) {
      const type = typeof value.type === "string" ? value.type : "any";
      let desc = typeof value.description === "string" ? value.description : "";
      desc += type === "any" ? ` This parameter can be of any type of ${name} object in string representation.` : ` This is ${name} ${type} type parameter in string representation.`;
      const items = value.items;
      const isList = language === "java" ? type === "ArrayList" || type === "Array" : type === "array";
      if (isList && items !== undefined) {
        const itemType = typeof items === "object" && items !== null && !Array.isArray(items) ? items.type : undefined;
        desc += ` The list elements are of type ${typeof itemType === "string" ? itemType : "any"}; they are not in string representation.`;
        delete value.items;
      }
      if (language === "javascript" && type === "dict" && value.properties !== undefined) {
        desc += ` The dictionary entries have the following schema; they are not in string representation. ${JSON.stringify(value.properties)}`;
        delete value.properties;
      }
      value.description = desc;
      value.type = "string";
    }
    return item;
  });
}

/** The prompt-mode system prompt for `tools`: `template` with {@link FUNCTIONS_PLACEHOLDER} replaced by the docs as JSON. */
export function fcSystemPrompt(tools: readonly Tool[], category: string, template: string = FC_PROMPT_SYSTEM_PROMPT): string {
  return template.split(FUNCTIONS_PLACEHOLDER).join(JSON.stringify(languageAdjustedTools(tools, category), null, 2));
}

/** The prompt-mode messages for a sample: the system prompt (tools as JSON) first, merged with the sample's own system message (as BFCL does). */
export function fcPromptMessages(messages: readonly Message[], tools: readonly Tool[], category: string, template: string = FC_PROMPT_SYSTEM_PROMPT): Message[] {
  const system = fcSystemPrompt(tools, category, template);
  const out = messages.map((m) => ({ ...m }));
  const first = out[0];
  if (first !== undefined && first.role === "system") first.content = `${system}\n\n${first.content}`;
  else out.unshift({ role: "system", content: system });
  return out;
}

/** Options of {@link OpenAIFcRole}. */
export interface OpenAIFcRoleOptions {
  model: ChatModel;
  /** `prompt` (BFCL prompt mode) or `fc` (the API's tools). @default "prompt" */
  mode?: "prompt" | "fc";
  /** @default { temperature: 0 } (the client's) */
  request?: RoleRequestDefaults;
  /** Replaces the prompt-mode system prompt; must contain {@link FUNCTIONS_PLACEHOLDER}. */
  systemPrompt?: string;
}

/**
 * πF over a chat model. Model errors (after the client's retries) reject: the loop records the
 * rollout as an FC failure, never as a bad case.
 */
export class OpenAIFcRole implements FcRole {
  readonly kind = "openai" as const;
  readonly name: string;
  readonly mode: "prompt" | "fc";
  constructor(private readonly options: OpenAIFcRoleOptions) {
    this.mode = options.mode ?? "prompt";
    this.name = `fc:${options.model.name}(${this.mode})`;
  }

  async answer(request: FcRequest): Promise<FcOutput> {
    const { sample, signal } = request;
    const base = { ...this.options.request, ...(signal ? { signal } : {}) };
    if (this.mode === "fc") {
      const r = await this.options.model.chat({ ...base, messages: sample.messages, tools: sample.tools, toolChoice: "auto" });
      return fcOutputFromResponse(r, "openai");
    }
    const r = await this.options.model.chat({ ...base, messages: fcPromptMessages(sample.messages, sample.tools, sample.category, this.options.systemPrompt) });
    return { ...fcOutputFromResponse(r, "prompt"), stripThink: true };
  }
}
