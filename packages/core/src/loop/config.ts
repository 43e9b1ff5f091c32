/**
 * The run configuration of `advfc run` (Algorithm 1 end to end): a YAML or JSON file, validated
 * with zod. Keys are snake_case as written in the file; the parsed {@link RunConfig} keeps them
 * (it is stored verbatim in the run's manifest). Defaults are the paper's: α = 0.05, ε = 0.2,
 * patience 10, two iterations, the single-call → multi-call curriculum.
 *
 * Every validation error names the key path and what was expected, e.g.
 * `iterations: Expected a positive integer but received -1`.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { AdvfcError } from "../errors.js";
import { BFCL_V4_CATEGORIES, tryV4Category } from "../schema/category.js";
import { DEFAULT_CURRICULUM, type Curriculum } from "./curriculum.js";

/** A run config is invalid. `issues` holds one line per problem, each starting with its key path. */
export class RunConfigError extends AdvfcError {
  constructor(
    readonly issues: readonly string[],
    readonly file?: string,
  ) {
    super(`${file !== undefined ? `${file}: ` : ""}invalid run config:\n  ${issues.join("\n  ")}`);
    this.name = "RunConfigError";
  }
}

const expected = (what: string) => ({ error: what });
const posInt = (what = "a positive integer") => z.number(expected(what)).int(expected(what)).positive(expected(what));
const nonNegInt = (what = "a non-negative integer") => z.number(expected(what)).int(expected(what)).nonnegative(expected(what));
const str = (what = "a non-empty string") => z.string(expected(what)).min(1, expected(what));
const stringList = (what: string) => z.union([str(), z.array(str(), expected(what)).min(1, expected(what))], expected(what)).transform((v) => (typeof v === "string" ? [v] : v));
const category = z.string(expected("a BFCL category name")).refine((c) => tryV4Category(c) !== undefined, expected(`a BFCL category name (${BFCL_V4_CATEGORIES.join(", ")})`));

/** Client options shared by every OpenAI-backed role. */
const OpenAIRoleSchema = z.strictObject({
  backend: z.literal("openai"),
  /** Replica base URLs ending in /v1. */
  base_urls: stringList("a base URL or a list of them (each ending in /v1)"),
  /** The served model name. */
  model: str(),
  /** Environment variable holding the API key. @default none */
  api_key_env: str().optional(),
  /** Requests in flight at most for this role. @default 64 */
  concurrency: posInt().default(64),
  /** Retries on 429 / 5xx / timeouts / dropped connections. @default 5 */
  retries: nonNegInt().default(5),
  /** Time limit of one attempt, seconds. @default 300 */
  timeout_s: z.number(expected("a positive number of seconds")).positive(expected("a positive number of seconds")).default(300),
  /** Initial retry backoff, ms. @default 500 */
  backoff_ms: nonNegInt().default(500),
  /** Extra top-level request fields (Qwen3: {chat_template_kwargs: {enable_thinking: false}}). */
  extra_body: z.record(z.string(), z.unknown(), expected("a mapping of request fields")).optional(),
  /** Sampling temperature. @default 0 (the query role: 1) */
  temperature: z.number(expected("a number ≥ 0")).nonnegative(expected("a number ≥ 0")).optional(),
  /** max_tokens of every request. @default the server's */
  max_tokens: posInt().optional(),
  /**
   * How tools are offered (judge stage 1 and the FC model): `fc` through the API's `tools`
   * field, `prompt` rendered into a system prompt and decoded with BFCL's prompt-mode decoder.
   * @default "fc" (judge), "prompt" (fc: the paper evaluates in prompt mode)
   */
  mode: z.enum(["prompt", "fc"], expected('"prompt" or "fc"')).optional(),
  /**
   * Judge only: extra request fields for stage 1 (tool call, no reasoning), merged over
   * `extra_body` — e.g. Qwen3 {chat_template_kwargs: {enable_thinking: false}} while stage 2 thinks.
   */
  stage1_extra_body: z.record(z.string(), z.unknown(), expected("a mapping of request fields")).optional(),
});
export type OpenAIRoleConfig = z.output<typeof OpenAIRoleSchema>;

/** A weight-free in-process baseline; every other key is passed to the baseline as its options. */
const BaselineRoleSchema = z.looseObject({ backend: z.literal("baseline") });
export type BaselineRoleConfig = z.output<typeof BaselineRoleSchema>;

const RoleSchema = z.discriminatedUnion("backend", [OpenAIRoleSchema, BaselineRoleSchema], expected('"openai" or "baseline"'));
export type RoleConfig = z.output<typeof RoleSchema>;

/** How the query model is updated (the query role only). */
export const QUERY_TRAIN_MODES = ["none", "verl-ppo"] as const;
export type QueryTrainMode = (typeof QUERY_TRAIN_MODES)[number];

/**
 * The query role: an OpenAI role may also say how the query model is updated — `none` samples
 * it without updates (the paper's "LLM sampling" baseline), `verl-ppo` replaces each
 * iteration's query phase by a verl PPO run of the query model (@advfc/trainer-bridge, which
 * `advfc run` injects). Optional, so configs without it keep their hash.
 */
const QueryRoleSchema = z.discriminatedUnion(
  "backend",
  [OpenAIRoleSchema.extend({ train: z.enum(QUERY_TRAIN_MODES, expected('"none" or "verl-ppo"')).optional() }), BaselineRoleSchema],
  expected('"openai" or "baseline"'),
);
export type QueryRoleConfig = z.output<typeof QueryRoleSchema>;

/** `roles.query.train` of a config. @default "none" */
export function queryTrainMode(config: RunConfig): QueryTrainMode {
  const q = config.roles.query;
  return q.backend === "openai" ? (q.train ?? "none") : "none";
}

const EvalSplitSchema = z.union(
  [
    z.strictObject({
      /** Fraction of the seeds held out for evaluation, chosen by a stable hash of the sample id. */
      fraction: z.number(expected("a fraction in [0, 1)")).min(0, expected("a fraction in [0, 1)")).lt(1, expected("a fraction in [0, 1)")),
    }),
    z.strictObject({
      /** A BFCL data folder (with BFCL_v4_*.json question files and possible_answer/). */
      bfcl_dir: str(),
      /** Categories to evaluate on. @default every single-turn category found */
      categories: z.array(category, expected("a list of BFCL category names")).optional(),
      /** At most this many entries per category (the first ones). @default all */
      limit: posInt().optional(),
    }),
  ],
  expected("{fraction} or {bfcl_dir, categories?, limit?}"),
);

const SeedsSchema = z.strictObject({
  /** Seed files (JSON Lines), relative to the config file. */
  files: stringList("a file or a list of files"),
  /** How the files are written. @default "samples" (advfc's canonical samples) */
  format: z.enum(["samples", "bfcl", "xlam", "openai"], expected('"samples", "bfcl", "xlam" or "openai"')).default("samples"),
  /** Use only the first N seeds (after the eval split). @default all */
  limit: posInt().optional(),
  /** The evaluation split. @default {fraction: 0.2} */
  eval: EvalSplitSchema.default({ fraction: 0.2 }),
});

const StageSchema = z.strictObject({
  name: str(),
  categories: z.array(category, expected("a list of BFCL category names")).min(1, expected("a non-empty list of BFCL category names")),
  weights: z.record(z.string(), z.number(expected("a weight ≥ 0")).nonnegative(expected("a weight ≥ 0")), expected("a mapping category → weight")).optional(),
});

const TrainerSchema = z.looseObject({
  /**
   * How πF is updated between iterations: `none` keeps it, `baseline` refits the lexical
   * function caller; `verl-ppo`, `verl-sft`, `verl-lora` train it with verl through
   * @advfc/trainer-bridge (its `trainer.verl` section; `advfc run` injects those trainers).
   */
  type: z.enum(["none", "baseline", "verl-ppo", "verl-sft", "verl-lora"], expected('"none", "baseline", "verl-ppo", "verl-sft" or "verl-lora"')),
  /** Train on every iteration's bad cases so far (true) or this iteration's only. @default false */
  cumulative: z.boolean(expected("true or false")).default(false),
  /** Add the training seeds to the bad cases (the paper does). @default true */
  with_seeds: z.boolean(expected("true or false")).default(true),
});

export const RunConfigSchema = z.strictObject({
  /** Run name, the prefix of every rollout and bad-case id. @default "run" */
  name: z.string(expected("a name of letters, digits, '.', '_' or '-'")).regex(/^[A-Za-z0-9._-]+$/, expected("a name of letters, digits, '.', '_' or '-'")).default("run"),
  seeds: SeedsSchema,
  roles: z.strictObject({ query: QueryRoleSchema, judge: RoleSchema, fc: RoleSchema }),
  /** Sentence embedder of the diversity term and near-duplicate checks ("hash", "onnx:<folder>"). @default "hash" */
  embedder: str().default("hash"),
  /** α of Eq. 6. @default 0.05 */
  alpha: z.number(expected("a number ≥ 0")).nonnegative(expected("a number ≥ 0")).default(0.05),
  early_stop: z
    .strictObject({
      epsilon: z.number(expected("a number > 0")).positive(expected("a number > 0")).default(0.2),
      patience: posInt().default(10),
      /** Hard cap on query-model steps per iteration (the paper has none; null = no cap). @default 200 */
      max_steps: posInt().nullable().default(200),
    })
    .default({ epsilon: 0.2, patience: 10, max_steps: 200 }),
  /** Curriculum stages; iteration k uses stage min(k, last). @default single-call, then everything */
  curriculum: z.strictObject({ stages: z.array(StageSchema, expected("a list of stages")).min(1, expected("a non-empty list of stages")) }).optional(),
  /** Iterations of Algorithm 1 (the paper ran two). @default 2 */
  iterations: posInt().default(2),
  /** B: seeds per query-model step. @default 32 */
  seeds_per_step: posInt().default(32),
  /** Rewrites per seed per step. @default 4 */
  rewrites_per_seed: posInt().default(4),
  /** Role calls in flight at most, across roles. @default 256 */
  concurrency: posInt().default(256),
  /** Near-duplicate threshold of the bad-case collector (cosine). @default 0.95 */
  dedup_threshold: z.number(expected("a number")).default(0.95),
  trainer: TrainerSchema.default({ type: "none", cumulative: false, with_seeds: true }),
  /** RNG seed of the curriculum sampler and the baseline roles. @default 0 */
  seed: nonNegInt().default(0),
  /** The run directory (relative to the config file); `advfc run --out` overrides it. @default "runs/<name>-<time>" */
  run_dir: str().optional(),
});
export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** `roles.query.base_urls[0]`, or `(root)`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out === "" ? String(k) : `.${String(k)}`;
  return out === "" ? "(root)" : out;
}

function received(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** One line per zod issue: `<key path>: Expected <what> but received <value>`. */
function describeIssues(error: z.ZodError, input: unknown): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${formatKeyPath([...issue.path, key])}: Expected no such key (unknown key) but received ${received(valueAt(input, [...issue.path, key]))}`);
      continue;
    }
    const v = valueAt(input, issue.path);
    // zod's built-in wording ("Invalid input: expected object, received undefined") for keys whose
    // schema has no message of its own: turn it into the same sentence shape.
    const what = issue.message.startsWith("Invalid input") ? (v === undefined ? "a value (required key)" : issue.message.replace(/^Invalid input:\s*/, "")) : issue.message;
    lines.push(`${formatKeyPath(issue.path)}: Expected ${what} but received ${received(v)}`);
  }
  return lines;
}

/** Validate a parsed config object; a result instead of a throw. */
export function safeParseRunConfig(input: unknown): { ok: true; config: RunConfig } | { ok: false; issues: string[] } {
  const r = RunConfigSchema.safeParse(input);
  if (!r.success) return { ok: false, issues: describeIssues(r.error, input) };
  const issues: string[] = [];
  const q = r.data.roles.query;
  if (q.backend === "baseline" && q.train !== undefined && q.train !== "none") {
    issues.push(`roles.query.train: Expected "none" (verl-ppo trains a served query model: roles.query.backend "openai") but received ${received(q.train)}`);
  }
  r.data.curriculum?.stages.forEach((s, i) => {
    for (const c of Object.keys(s.weights ?? {})) {
      if (!s.categories.includes(c)) issues.push(`curriculum.stages[${i}].weights.${c}: Expected a category of the stage (${s.categories.join(", ")}) but received ${JSON.stringify(c)}`);
    }
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: r.data };
}

/**
 * Validate a parsed config object.
 * @throws {RunConfigError} listing every problem with its key path.
 */
export function parseRunConfig(input: unknown, file?: string): RunConfig {
  const r = safeParseRunConfig(input);
  if (!r.ok) throw new RunConfigError(r.issues, file);
  return r.config;
}

/**
 * Parse config text: JSON when it starts with `{`, else YAML (a superset of JSON).
 * @throws {RunConfigError} on a syntax error (with line) or invalid keys.
 */
export function parseRunConfigText(text: string, file?: string): RunConfig {
  let value: unknown;
  try {
    value = text.trimStart().startsWith("{") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new RunConfigError([`(syntax): ${(e as Error).message.split("\n")[0]}`], file);
  }
  return parseRunConfig(value ?? {}, file);
}

/** Read and validate a config file. */
export async function loadRunConfig(file: string): Promise<RunConfig> {
  return parseRunConfigText(await readFile(file, "utf8"), file);
}

/** The curriculum a config asks for (the default when absent). */
export function configCurriculum(config: RunConfig): Curriculum {
  if (config.curriculum === undefined) return DEFAULT_CURRICULUM;
  return { stages: config.curriculum.stages.map((s) => ({ name: s.name, categories: s.categories.map((c) => tryV4Category(c)!), ...(s.weights ? { weights: s.weights } : {}) })) };
}

/** Canonical JSON (sorted keys) — what the config hash covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * sha256 of the config's canonical JSON, less the keys that do not change results (`run_dir`,
 * `concurrency`, client concurrency / timeouts): a resumed run must have the same hash.
 */
export function configHash(config: RunConfig): string {
  const { run_dir: _dir, concurrency: _c, ...rest } = config;
  const roles = Object.fromEntries(
    Object.entries(rest.roles).map(([k, r]) => {
      if (r.backend !== "openai") return [k, r];
      const { concurrency: _rc, timeout_s: _t, retries: _r, backoff_ms: _b, ...kept } = r as OpenAIRoleConfig;
      return [k, kept];
    }),
  );
  return createHash("sha256").update(canonicalJson({ ...rest, roles })).digest("hex");
}

/** The commented starter config `advfc init` writes. */
export const STARTER_CONFIG = `# advfc run configuration (Algorithm 1 of "adversarial data augmentation for FC models").
# Run it with:  advfc run --config advfc.yaml        Summarise:  advfc report <run dir>
# Paths are relative to this file. Every key but seeds and roles has a default (the paper's).

# Prefix of every rollout and bad-case id (<name>-i<iteration>-s<step>-<seed id>-<slot>).
name: run

seeds:
  # Seed files, JSON Lines. One file or a list.
  files: [seeds.jsonl]
  # samples (advfc's own, see "advfc convert"), bfcl (BFCL question files; answers are read from
  # possible_answer/ next to them), xlam (xLAM-60k), openai (chat logs with tool_calls).
  format: samples
  # Held-out evaluation split: a fraction of the seeds chosen by a stable hash of each id ...
  eval: { fraction: 0.2 }
  # ... or a BFCL data folder:  eval: { bfcl_dir: ../shared/data/bfcl/v4, categories: [simple_python], limit: 100 }
  # limit: 500            # use only the first N training seeds

# The three models of the loop. backend: baseline = weight-free in-process models (honest smoke-test
# baselines, not LLMs); backend: openai = any OpenAI-compatible endpoint (vLLM, SGLang, ...).
roles:
  query:            # pi_Q, rewrites seed queries (the paper: Qwen2.5-7B-Instruct)
    backend: baseline
  judge:            # two-stage judge, Eq. 4 (the paper: Qwen3-32B)
    backend: baseline
  fc:               # pi_F, the function-calling model under attack (the paper: Qwen3-0.6B ... 8B)
    backend: baseline
  # An OpenAI-compatible role takes:
  #   backend: openai
  #   base_urls: [http://localhost:8000/v1]     # one or more replicas
  #   model: Qwen/Qwen3-0.6B                     # the served model name
  #   api_key_env: OPENAI_API_KEY                # optional: env variable holding the key
  #   concurrency: 64                            # requests in flight for this role
  #   retries: 5                                 # on 429 / 5xx / timeouts / dropped connections
  #   timeout_s: 300                             # per attempt
  #   temperature: 0                             # the query role defaults to 1
  #   max_tokens: 512
  #   extra_body: { chat_template_kwargs: { enable_thinking: false } }   # Qwen3 without thinking
  #   mode: prompt                               # fc role: prompt (BFCL prompt mode) or fc (tools API)
  #                                              # judge: fc (default) or prompt, for stage 1
  #   train: none                                # query role only: none = sample it without updates (the
  #                                              # paper's "LLM sampling" baseline); verl-ppo = each iteration's
  #                                              # query phase is a verl PPO run of the query model (GPUs; the
  #                                              # trainer.verl section; the trained model is served at base_urls[0])

# Sentence embedder for the diversity term (Eq. 6) and near-duplicate dropping:
# hash (character n-grams, surface form), or onnx:<folder> (e.g. text2vec-base-multilingual, the paper's).
embedder: hash

alpha: 0.05                 # weight of the diversity term (Eq. 6)

early_stop:                 # the query phase stops when |E[R_t] - E[R_t-1]| < epsilon for patience steps
  epsilon: 0.2
  patience: 10
  max_steps: 200            # hard cap per iteration (null = none, as in the paper)

# curriculum:               # default: single-call categories first, then parallel / multiple calls too
#   stages:
#     - { name: single-call, categories: [simple_python, multiple, irrelevance, live_simple] }
#     - { name: multi-call, categories: [simple_python, multiple, parallel, parallel_multiple] }

iterations: 2               # alternations of query-model training and FC training
seeds_per_step: 32          # B: seeds per query-model step
rewrites_per_seed: 4        # rewrites of each seed per step
concurrency: 256            # role calls in flight at most, across roles
dedup_threshold: 0.95       # cosine similarity at which a bad case is a near-duplicate

trainer:
  # none (keep pi_F), baseline (refit the lexical function caller), verl-ppo | verl-sft | verl-lora
  # (verl on GPUs through @advfc/trainer-bridge: needs an openai FC role and a trainer.verl
  # section with models, GPUs and serving; see examples/vllm.yaml).
  type: baseline
  cumulative: false         # train on this iteration's bad cases only (true: all so far)
  with_seeds: true          # add the training seeds, as the paper does

seed: 0                     # RNG seed (curriculum sampling, baseline roles)
# run_dir: runs/my-run      # default runs/<name>-<time>; advfc run --out overrides it
`;
