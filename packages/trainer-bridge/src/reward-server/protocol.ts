/**
 * The wire format of the reward server: verl's batch reward call (`compute_score(data_sources,
 * solution_strs, ground_truths, extra_infos)`, verl v0.7 `BatchRewardManager`) as JSON, and its
 * decoding into advfc samples.
 *
 * Per item, `ground_truth` is the sample's `expected` as a JSON string (`{"calls": [{"name",
 * "args": {param: [allowed values]}}]}` or `{"abstain": true}`) and `extra_info` carries the
 * rest of the sample: `tools` (a list or its JSON string), `category` (BFCL name), and optionally
 * `mode` (role fc: how the FC model was prompted, prompt|json|hermes|openai; default prompt),
 * `seed_id` (or `id`), `messages` / `query` (the seed conversation, role query), `language`,
 * `split` (verl's dataset split; `test`/`val` batches are validation, see server.ts) and `step`.
 */
import { z } from "zod";
import { AdvfcError, categoryLanguage, CategorySchema, ExpectedSchema, MessageSchema, ToolSchema, type Message, type OutputMode, type Sample } from "@advfc/core";

/** A request the server refuses (HTTP 400); the message names the item and field. */
export class RewardRequestError extends AdvfcError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "RewardRequestError";
  }
}

/** The body of `POST /score`. */
export interface ScoreRequest {
  data_sources: unknown[];
  solution_strs: unknown[];
  ground_truths: unknown[];
  extra_infos?: unknown[] | null;
}

/** One result of `POST /score`: verl reads `score`; the other keys go to its reward_extra_info. */
export interface ScoreResult {
  score: number;
  [key: string]: number | string | boolean | null;
}

/** One decoded item. */
export interface ScoreItem {
  index: number;
  dataSource: string;
  solution: string;
  sample: Sample;
  mode: OutputMode;
  /** `extra_info.split` (train / test / val …), if given. */
  split?: string;
  /** `extra_info.step` (verl's global step), if given. */
  step?: number;
}

const OUTPUT_MODES = ["prompt", "json", "hermes", "openai"] as const;

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  if (i === undefined) return "invalid";
  return `${i.path.length > 0 ? i.path.join(".") + ": " : ""}${i.message}`;
}

/** A value that may arrive as its JSON string (verl's parquet columns often hold strings). */
function maybeJson(v: unknown, where: string): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (e) {
    throw new RewardRequestError(`Expected JSON for ${where} but received ${describe(v)} (${(e as Error).message})`, where);
  }
}

/**
 * Validated `tools` and `ground_truth` values by their raw JSON text. verl sends each prompt's
 * tools and ground truth once per rollout (n rollouts per prompt), so most items of a batch repeat
 * one another; the validated objects are shared read-only. Cleared when it grows past its bound.
 */
const VALIDATED = new Map<string, unknown>();
const VALIDATED_MAX = 4096;

function cachedParse<T>(kind: "tools" | "truth", raw: unknown, parse: () => { success: true; data: T } | { success: false; error: z.ZodError }): { success: true; data: T } | { success: false; error: z.ZodError } {
  if (typeof raw !== "string") return parse();
  const key = kind === "tools" ? "t" + raw : "g" + raw;
  const hit = VALIDATED.get(key);
  if (hit !== undefined) return { success: true, data: hit as T };
  const r = parse();
  if (r.success) {
    if (VALIDATED.size >= VALIDATED_MAX) VALIDATED.clear();
    VALIDATED.set(key, r.data);
  }
  return r;
}

/**
 * Decode a `POST /score` body.
 * @throws {RewardRequestError} for lists of different lengths or any bad item (naming its index).
 */
export function decodeScoreRequest(body: unknown): ScoreItem[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new RewardRequestError(`Expected a JSON object {data_sources, solution_strs, ground_truths, extra_infos} for the request body but received ${describe(body)}`, "(body)");
  const b = body as Record<string, unknown>;
  const list = (key: string, optional = false): unknown[] | undefined => {
    const v = b[key];
    if ((v === undefined || v === null) && optional) return undefined;
    if (!Array.isArray(v)) throw new RewardRequestError(`Expected a list for ${key} but received ${describe(v)}`, key);
    return v;
  };
  const sources = list("data_sources")!;
  const solutions = list("solution_strs")!;
  const truths = list("ground_truths")!;
  const extras = list("extra_infos", true);
  const n = solutions.length;
  for (const [key, l] of [["data_sources", sources], ["ground_truths", truths], ["extra_infos", extras]] as const) {
    if (l !== undefined && l.length !== n) throw new RewardRequestError(`Expected ${key} to have ${n} items (as solution_strs) but received ${l.length}`, key);
  }
  return solutions.map((solution, i) => decodeItem(i, sources[i], solution, truths[i], extras?.[i]));
}

function decodeItem(i: number, source: unknown, solution: unknown, truth: unknown, extra: unknown): ScoreItem {
  if (typeof solution !== "string") throw new RewardRequestError(`Expected a string for solution_strs[${i}] but received ${describe(solution)}`, `solution_strs[${i}]`);
  const expected = cachedParse("truth", truth, () => ExpectedSchema.safeParse(maybeJson(truth, `ground_truths[${i}]`)));
  if (!expected.success) throw new RewardRequestError(`Expected {"calls": [{"name", "args"}]} or {"abstain": true} for ground_truths[${i}] but received ${describe(truth)} (${firstIssue(expected.error)})`, `ground_truths[${i}]`);
  const info = maybeJson(extra ?? {}, `extra_infos[${i}]`);
  if (typeof info !== "object" || info === null || Array.isArray(info)) throw new RewardRequestError(`Expected an object for extra_infos[${i}] but received ${describe(extra)}`, `extra_infos[${i}]`);
  const x = info as Record<string, unknown>;
  const tools = cachedParse("tools", x.tools, () => z.array(ToolSchema).safeParse(maybeJson(x.tools, `extra_infos[${i}].tools`)));
  if (!tools.success) throw new RewardRequestError(`Expected a list of tools (or its JSON string) for extra_infos[${i}].tools but received ${describe(x.tools)} (${firstIssue(tools.error)})`, `extra_infos[${i}].tools`);
  const category = CategorySchema.safeParse(x.category);
  if (!category.success) throw new RewardRequestError(`Expected a BFCL category name for extra_infos[${i}].category but received ${describe(x.category)}`, `extra_infos[${i}].category`);
  const mode = x.mode ?? "prompt";
  if (typeof mode !== "string" || !(OUTPUT_MODES as readonly string[]).includes(mode)) throw new RewardRequestError(`Expected one of ${OUTPUT_MODES.join("|")} for extra_infos[${i}].mode but received ${describe(mode)}`, `extra_infos[${i}].mode`);
  let messages: Message[] | undefined;
  if (x.messages !== undefined && x.messages !== null) {
    const m = z.array(MessageSchema).min(1).safeParse(maybeJson(x.messages, `extra_infos[${i}].messages`));
    if (!m.success) throw new RewardRequestError(`Expected a list of chat messages for extra_infos[${i}].messages but received ${describe(x.messages)} (${firstIssue(m.error)})`, `extra_infos[${i}].messages`);
    messages = m.data;
  }
  // The seed conversation: given in full, or as its last user query; else (role fc) a placeholder
  // the checker never reads.
  messages ??= [{ role: "user", content: typeof x.query === "string" ? x.query : "" } as Message];
  const idRaw = x.seed_id ?? x.id ?? x.index;
  const id = typeof idRaw === "string" || typeof idRaw === "number" ? String(idRaw) : `item-${i}`;
  const cat = category.data;
  const language = typeof x.language === "string" ? x.language : /python|java/.test(cat) ? categoryLanguage(cat) : "python";
  const sample = { id, messages, tools: tools.data, expected: expected.data, category: cat, language, source: { format: "advfc", id } } as Sample;
  const item: ScoreItem = { index: i, dataSource: typeof source === "string" ? source : String(source ?? ""), solution, sample, mode: mode as OutputMode };
  if (typeof x.split === "string") item.split = x.split;
  if (typeof x.step === "number" && Number.isInteger(x.step) && x.step >= 0) item.step = x.step;
  return item;
}
