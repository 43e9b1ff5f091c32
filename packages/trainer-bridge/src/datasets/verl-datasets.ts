/**
 * The three datasets advfc hands to verl v0.7, as rows and as parquet files:
 *
 * - query-model PPO (`verl.trainer.main_ppo`, role query): one row per seed; `prompt` is
 *   template(x, ŷ) from core's {@link queryModelPrompt}.
 * - FC-model PPO (role fc): one row per bad case (the rewritten query) and per seed; `prompt` is
 *   the FC prompt-mode system message (tools as JSON, core's {@link fcPromptMessages}) + the
 *   conversation.
 * - FC SFT (`verl.trainer.fsdp_sft_trainer`, multi-turn): `messages` ends with an assistant
 *   message carrying OpenAI `tool_calls`; `tools` is the tool list as a JSON string.
 *
 * PPO rows follow verl's RLHFDataset contract: `data_source` (the reward dispatch key,
 * `data.reward_fn_key`), `prompt` (chat messages, `data.prompt_key`), `ability`,
 * `reward_model {style: "rule", ground_truth}` and `extra_info {split, index, …}` — all of which
 * reach `compute_score(data_sources, solution_strs, ground_truths, extra_infos)`. verl has no
 * per-row tools for PPO, so the tools travel in the prompt text and again (JSON) in extra_info
 * for the reward server.
 */
import { fcPromptMessages, queryModelPrompt, type BadCase, type ExpectedCall, type Message, type Sample, type Tool } from "@advfc/core";
import { pq, writeTypedParquet, type ColumnType, type TypedColumn } from "./parquet.js";

/** `data_source` of the query-model set (the reward server routes on it). */
export const QUERY_DATA_SOURCE = "advfc/query";
/** `data_source` of the FC-model set. */
export const FC_DATA_SOURCE = "advfc/fc";

/** A chat message as stored in a PPO `prompt` column. */
export interface PromptMessage {
  role: string;
  content: string;
}

const MESSAGES = pq.list(pq.struct({ role: pq.string(), content: pq.string() }));
const REWARD_MODEL = pq.struct({ style: pq.string(), ground_truth: pq.string() });

/** One row of the query-model PPO set. */
export interface QueryPpoRow {
  data_source: string;
  prompt: PromptMessage[];
  ability: string;
  reward_model: { style: "rule"; ground_truth: string };
  extra_info: { split: string; index: number; seed_id: string; iteration: number; tools: string; category: string; messages: string };
}

/** One row of the FC-model PPO set. */
export interface FcPpoRow {
  data_source: string;
  prompt: PromptMessage[];
  ability: string;
  reward_model: { style: "rule"; ground_truth: string };
  extra_info: { split: string; index: number; sample_id: string; origin: "bad_case" | "seed"; tools: string; category: string; mode: string };
}

/** An OpenAI tool call as stored in the SFT `messages` column (`arguments` is a JSON string). */
export interface SftToolCall {
  type: "function";
  function: { name: string; arguments: string };
}

/** One message of the SFT set; `tool_calls` is null except on the answer. */
export interface SftMessage {
  role: string;
  content: string;
  tool_calls: SftToolCall[] | null;
}

/** One row of the FC SFT set. */
export interface FcSftRow {
  messages: SftMessage[];
  /** The tools as a JSON string (schemas differ row to row, which a parquet struct cannot hold). */
  tools: string;
  /** Qwen3's chat-template switch (`data.multiturn.enable_thinking_key`). */
  enable_thinking: boolean;
}

/** The parquet types of each dataset, exactly as written. */
export const QUERY_PPO_COLUMNS: Readonly<Record<keyof QueryPpoRow, ColumnType>> = {
  data_source: pq.string(),
  prompt: MESSAGES,
  ability: pq.string(),
  reward_model: REWARD_MODEL,
  extra_info: pq.struct({ split: pq.string(), index: pq.int64(), seed_id: pq.string(), iteration: pq.int64(), tools: pq.string(), category: pq.string(), messages: pq.string() }),
};
export const FC_PPO_COLUMNS: Readonly<Record<keyof FcPpoRow, ColumnType>> = {
  data_source: pq.string(),
  prompt: MESSAGES,
  ability: pq.string(),
  reward_model: REWARD_MODEL,
  extra_info: pq.struct({ split: pq.string(), index: pq.int64(), sample_id: pq.string(), origin: pq.string(), tools: pq.string(), category: pq.string(), mode: pq.string() }),
};
export const FC_SFT_COLUMNS: Readonly<Record<keyof FcSftRow, ColumnType>> = {
  messages: pq.list(
    pq.struct({
      role: pq.string(),
      content: pq.string(),
      tool_calls: pq.list(pq.struct({ type: pq.string(), function: pq.struct({ name: pq.string(), arguments: pq.string() }) })),
    }),
  ),
  tools: pq.string(),
  enable_thinking: pq.bool(),
};

const plain = (messages: readonly Message[]): PromptMessage[] => messages.map((m) => ({ role: m.role, content: m.content }));

/** Options shared by the PPO builders. */
export interface PpoRowOptions {
  /** `extra_info.split`. @default "train" */
  split?: string;
  /** `ability`. @default "rewrite" (query), "function_calling" (fc) */
  ability?: string;
}

/** The query-model PPO rows for iteration `iteration`: one per seed, in order. */
export function queryPpoRows(seeds: readonly Sample[], options: PpoRowOptions & { iteration: number }): QueryPpoRow[] {
  return seeds.map((s, index) => ({
    data_source: QUERY_DATA_SOURCE,
    prompt: plain(queryModelPrompt(s)),
    ability: options.ability ?? "rewrite",
    reward_model: { style: "rule", ground_truth: JSON.stringify(s.expected) },
    // The seed conversation (JSON): the reward server's judge compares the rewrite with it.
    extra_info: { split: options.split ?? "train", index, seed_id: s.id, iteration: options.iteration, tools: JSON.stringify(s.tools), category: s.category, messages: JSON.stringify(s.messages) },
  }));
}

/** Options of {@link fcPpoRows}. */
export interface FcPpoRowOptions extends PpoRowOptions {
  /** How the FC model is offered the tools; `prompt` renders them into the system message (the paper). @default "prompt" */
  mode?: "prompt" | "fc";
}

/**
 * The FC-model PPO rows: the bad cases (their rewritten conversations) first, then the seeds.
 * In `prompt` mode the system message carries the tools (BFCL prompt-mode template); in `fc`
 * mode the conversation is kept as is (the tools are still in `extra_info.tools`).
 */
export function fcPpoRows(badCases: readonly BadCase[], seeds: readonly Sample[], options: FcPpoRowOptions = {}): FcPpoRow[] {
  const mode = options.mode ?? "prompt";
  const items: Array<{ sample: Sample; origin: "bad_case" | "seed" }> = [...badCases.map((b) => ({ sample: b.sample, origin: "bad_case" as const })), ...seeds.map((s) => ({ sample: s, origin: "seed" as const }))];
  return items.map(({ sample, origin }, index) => ({
    data_source: FC_DATA_SOURCE,
    prompt: plain(mode === "prompt" ? fcPromptMessages(sample.messages, sample.tools, sample.category) : sample.messages),
    ability: options.ability ?? "function_calling",
    reward_model: { style: "rule", ground_truth: JSON.stringify(sample.expected) },
    extra_info: { split: options.split ?? "train", index, sample_id: sample.id, origin, tools: JSON.stringify(sample.tools), category: sample.category, mode },
  }));
}

/**
 * One concrete call from an expected call: each argument takes its first allowed value, and
 * arguments whose allowed values include "" (may be omitted) and nothing else are left out.
 */
export function canonicalCall(call: ExpectedCall): { name: string; arguments: Record<string, unknown> } {
  const args: Record<string, unknown> = {};
  for (const [k, allowed] of Object.entries(call.args)) {
    const v = allowed.find((x) => x !== "");
    if (v !== undefined) args[k] = v;
  }
  return { name: call.name, arguments: args };
}

/** Options of {@link fcSftRows}. */
export interface FcSftRowOptions {
  /** `enable_thinking` of every row. @default false (the paper's non-thinking FC models) */
  enableThinking?: boolean;
}

/**
 * The FC SFT rows (bad cases, then seeds): the conversation (role + content; earlier
 * assistant tool calls are kept) and the target assistant message — the expected calls as
 * OpenAI `tool_calls`, or an empty answer with no calls for abstaining samples.
 */
export function fcSftRows(badCases: readonly BadCase[], seeds: readonly Sample[], options: FcSftRowOptions = {}): FcSftRow[] {
  const samples = [...badCases.map((b) => b.sample), ...seeds];
  return samples.map((s) => {
    const calls = "calls" in s.expected ? s.expected.calls.map(canonicalCall) : [];
    const history: SftMessage[] = s.messages.map((m) => ({ role: m.role, content: m.content, tool_calls: Array.isArray(m.tool_calls) ? (m.tool_calls as SftToolCall[]) : null }));
    const answer: SftMessage = {
      role: "assistant",
      content: "",
      tool_calls: calls.length > 0 ? calls.map((c) => ({ type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) : null,
    };
    return { messages: [...history, answer], tools: JSON.stringify(s.tools satisfies readonly Tool[]), enable_thinking: options.enableThinking ?? false };
  });
}

function columnsOf<R extends object>(types: Readonly<Record<keyof R, ColumnType>>, rows: readonly R[]): TypedColumn[] {
  return (Object.keys(types) as Array<keyof R & string>).map((name) => ({ name, type: types[name], data: rows.map((r) => r[name]) }));
}

/** Write query-model PPO rows as parquet. */
export function writeQueryPpoParquet(file: string, rows: readonly QueryPpoRow[]): void {
  writeTypedParquet(file, columnsOf(QUERY_PPO_COLUMNS, rows));
}
/** Write FC-model PPO rows as parquet. */
export function writeFcPpoParquet(file: string, rows: readonly FcPpoRow[]): void {
  writeTypedParquet(file, columnsOf(FC_PPO_COLUMNS, rows));
}
/** Write FC SFT rows as parquet. */
export function writeFcSftParquet(file: string, rows: readonly FcSftRow[]): void {
  writeTypedParquet(file, columnsOf(FC_SFT_COLUMNS, rows));
}
