/**
 * What a verl launch needs beyond an `advfc run` config: the `verl` section. core's run config
 * is strict at the top level but keeps unknown keys under `trainer`, so the section lives at
 * `trainer.verl` of the run config; `advfc train --verl FILE` (JSON) may give it instead (and
 * then wins). Validated here with zod; every key has a default, so an absent section means
 * the paper's presets.
 */
import { z } from "zod";
import { AdvfcError } from "@advfc/core";

const expected = (what: string) => ({ error: what });
const posInt = z.number(expected("a positive integer")).int(expected("a positive integer")).positive(expected("a positive integer"));
const str = z.string(expected("a non-empty string")).min(1, expected("a non-empty string"));
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean()]))], expected("a scalar or a list of scalars"));

export const VerlSectionSchema = z.strictObject({
  /** Query model to train (πQ). @default roles.query.model, else "Qwen/Qwen2.5-7B-Instruct" */
  query_model: str.optional(),
  /** FC model to train (πF). @default roles.fc.model, else "Qwen/Qwen3-0.6B" */
  fc_model: str.optional(),
  /** Critic model. @default the actor's */
  critic_model: str.optional(),
  /** @default the model's preset */
  nnodes: posInt.optional(),
  /** @default the model's preset */
  gpus_per_node: posInt.optional(),
  /** Submit to this Ray cluster (`ray job submit --address …`) instead of running locally. */
  ray_address: str.optional(),
  /** Port of `advfc serve reward` (0: any free port, for the in-process server of `advfc run`). @default 8765 */
  reward_port: z.number(expected("a port number")).int(expected("a port number")).min(0, expected("a port number")).max(65535, expected("a port number")).default(8765),
  /** Host verl's shim reaches the reward server at. @default "127.0.0.1" */
  reward_host: str.default("127.0.0.1"),
  /** The trainer argv. @default ["python3", "-m", "verl.trainer.main_ppo"] */
  trainer_command: z.array(str, expected("an argv list")).min(1, expected("a non-empty argv list")).optional(),
  /** Python used for the printed export command. @default "python3" */
  python: str.default("python3"),
  /**
   * The model merger argv, followed by `merge --backend fsdp --local_dir … --target_dir …`.
   * @default [python, "-m", "verl.model_merger"]
   */
  merge_command: z.array(str, expected("an argv list")).min(1, expected("a non-empty argv list")).optional(),
  /**
   * `advfc run` with a verl FC trainer: how the trained model is served to the next iteration.
   * `external`: you restart the server at `serve_base_url` with the printed `vllm serve` command
   * and advfc polls `GET /v1/models` until it answers; `spawn`: advfc runs `vllm serve` itself.
   * @default "external" when serve_base_url is set
   */
  serve: z.enum(["external", "spawn"], expected('"external" or "spawn"')).optional(),
  /** `serve: external`: the restarted server's base URL (ending in /v1). */
  serve_base_url: str.optional(),
  /** The served model name (`--served-model-name`). @default the exported folder (vLLM's default) */
  served_model_name: str.optional(),
  /** `serve: spawn`: the server argv, followed by the model folder and flags. @default ["vllm", "serve"] */
  serve_command: z.array(str, expected("an argv list")).min(1, expected("a non-empty argv list")).optional(),
  /** `serve: spawn`: host and port of the spawned server. @default 127.0.0.1:8000 */
  serve_host: str.default("127.0.0.1"),
  serve_port: z.number(expected("a port number")).int(expected("a port number")).min(1, expected("a port number")).max(65535, expected("a port number")).default(8000),
  /** `serve: spawn`: extra `vllm serve` arguments (e.g. ["--max-model-len", "8192"]). @default [] */
  serve_args: z.array(z.string(), expected("a list of arguments")).default([]),
  /** How long to wait for the served model to answer `GET /v1/models`, seconds. @default 900 */
  serve_timeout_s: z.number(expected("a positive number of seconds")).positive(expected("a positive number of seconds")).default(900),
  /**
   * `roles.query.train: verl-ppo`: how the trained query model is served to the next iteration.
   * `external`: you restart the query role's endpoint (roles.query.base_urls[0]) with it, served as
   * roles.query.model; `spawn`: advfc runs `vllm serve` itself on `query_serve_port`. @default "external"
   */
  query_serve: z.enum(["external", "spawn"], expected('"external" or "spawn"')).optional(),
  /** `query_serve: spawn`: the port of the spawned query-model server. @default 8001 */
  query_serve_port: z.number(expected("a port number")).int(expected("a port number")).min(1, expected("a port number")).max(65535, expected("a port number")).optional(),
  /** How πF is trained. @default from trainer.type (verl-sft → sft, verl-lora → lora, else ppo) */
  fc_trainer: z.enum(["ppo", "sft", "lora"], expected('"ppo", "sft" or "lora"')).optional(),
  /** LoRA rank when fc_trainer is lora. @default 32 */
  lora_rank: posInt.default(32),
  /** Max PPO steps (`trainer.total_training_steps`); early stop usually ends the query model sooner. @default early_stop.max_steps */
  total_training_steps: posInt.optional(),
  /** @default 1 */
  total_epochs: posInt.default(1),
  /** SIGTERM → SIGKILL grace for a local trainer, seconds. @default 60 */
  stop_grace_s: z.number(expected("a number of seconds ≥ 0")).nonnegative(expected("a number of seconds ≥ 0")).default(60),
  /** Extra verl overrides (checked against verl v0.7's keys). */
  overrides: z.record(z.string(), scalar, expected("a mapping key → value")).default({}),
});
export type VerlSection = z.output<typeof VerlSectionSchema>;

/** The verl section is invalid. */
export class VerlSectionError extends AdvfcError {
  constructor(readonly issues: readonly string[], readonly where: string) {
    super(`${where}: invalid verl section:\n  ${issues.join("\n  ")}`);
    this.name = "VerlSectionError";
  }
}

/** Validate a verl section; a result instead of a throw. */
export function safeParseVerlSection(input: unknown): { ok: true; section: VerlSection } | { ok: false; issues: string[] } {
  const r = VerlSectionSchema.safeParse(input ?? {});
  if (r.success) return { ok: true, section: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => {
      const path = i.path.join(".") || "(root)";
      if (i.code === "unrecognized_keys") return `${i.keys.map((k) => (path === "(root)" ? k : `${path}.${k}`)).join(", ")}: Expected no such key (unknown key)`;
      return `${path}: Expected ${i.message.replace(/^Invalid input:\s*/, "")}`;
    }),
  };
}

/**
 * Validate a verl section.
 * @throws {VerlSectionError} listing every problem with its key path.
 */
export function parseVerlSection(input: unknown, where = "trainer.verl"): VerlSection {
  const r = safeParseVerlSection(input);
  if (!r.ok) throw new VerlSectionError(r.issues, where);
  return r.section;
}
