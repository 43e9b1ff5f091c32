/**
 * The built-in backend factory of `advfc run`: each role of the config becomes an OpenAI-backed
 * role (openai-roles.ts over `OpenAIChatModel`) or a weight-free in-process baseline
 * (core/src/baselines: the bandit rewriter, the rule-based judge, the lexical function caller
 * and its trainer). Baseline options are passed through from the config (snake_case keys are
 * turned into the baselines' camelCase options).
 */
import { AdvfcError } from "../errors.js";
import { OpenAIChatModel } from "../models/openai.js";
import type { Sample } from "../schema/sample.js";
import { BanditRewriter } from "../baselines/rewriter.js";
import { LexicalFunctionCaller } from "../baselines/lexical-fc.js";
import { BaselineJudge, type BaselineJudgeOptions } from "../baselines/judge.js";
import { BaselineFcTrainer, NoneTrainer } from "../baselines/trainer.js";
import { queryTrainMode, type OpenAIRoleConfig, type QueryTrainMode, type RoleConfig, type RunConfig } from "./config.js";
import type { QueryPhase } from "./iteration.js";
import { OpenAIFcRole, OpenAIJudgeRole, OpenAIQueryRole } from "./openai-roles.js";
import type { RunBackends } from "./run.js";
import type { FcRole, FcTrainer, JudgeRole, QueryRole } from "./roles.js";

/** `{base_urls, max_tokens}` → `{baseUrls, maxTokens}`; `backend` dropped. */
function camelOptions(role: RoleConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(role)) if (k !== "backend") out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

/** The `OpenAIChatModel` of an openai role config. */
export function openAIModelFor(role: OpenAIRoleConfig): OpenAIChatModel {
  return new OpenAIChatModel({
    baseUrls: role.base_urls,
    model: role.model,
    ...(role.api_key_env !== undefined ? { apiKeyEnv: role.api_key_env } : {}),
    maxConcurrency: role.concurrency,
    maxRetries: role.retries,
    timeoutMs: role.timeout_s * 1000,
    initialBackoffMs: role.backoff_ms,
    ...(role.temperature !== undefined ? { temperature: role.temperature } : {}),
    ...(role.max_tokens !== undefined ? { maxTokens: role.max_tokens } : {}),
    ...(role.extra_body !== undefined ? { extraBody: role.extra_body } : {}),
  });
}

/** What the trainer factories get: the seeds, the config's folder and, in `advfc run`, the run directory and a warning line printer. */
export interface TrainerFactoryContext {
  seeds: readonly Sample[];
  allSeeds: readonly Sample[];
  baseDir: string;
  runDir?: string;
  onWarning?: (message: string) => void;
}

/**
 * Builds an FC trainer that lives outside core (the verl trainers of @advfc/trainer-bridge, which
 * the CLI injects: core does not depend on that package). `restoreFc` rebuilds its trained FC
 * role on resume; `close` releases what it started (e.g. a model server).
 */
export type FcTrainerFactory = (
  config: RunConfig,
  context: TrainerFactoryContext,
) => { trainer: FcTrainer; restoreFc?: (state: unknown, iteration: number) => FcRole | Promise<FcRole>; close?(): Promise<void> };

/**
 * Builds the query phase of `roles.query.train` (verl-ppo: @advfc/trainer-bridge, injected by the
 * CLI); `close` releases what it started (a reward server, a model server).
 */
export type QueryPhaseFactory = (
  config: RunConfig,
  context: TrainerFactoryContext,
) => { queryPhase: QueryPhase; close?(): Promise<void> };

/** What {@link createBackends} takes beyond the config. */
export interface BackendExtras {
  /** Trainers by `trainer.type` (verl-ppo / verl-sft / verl-lora), injected by the CLI. */
  trainers?: Partial<Record<RunConfig["trainer"]["type"], FcTrainerFactory>>;
  /** Query-model trainers by `roles.query.train` (verl-ppo), injected by the CLI. */
  queryTrainers?: Partial<Record<Exclude<QueryTrainMode, "none">, QueryPhaseFactory>>;
}

/**
 * Builds the roles and trainer of `config`. A baseline FC model is first fitted on the training
 * seeds (πF,0 is a model that knows the seeds; `fit_on_seeds: false` starts it empty).
 * @throws {AdvfcError} for a trainer the FC backend cannot use.
 */
export const createBackends = (config: RunConfig, context: Omit<TrainerFactoryContext, "baseDir"> & { baseDir?: string }, extras: BackendExtras = {}): RunBackends => {
  const models: OpenAIChatModel[] = [];
  const model = (r: OpenAIRoleConfig) => {
    const m = openAIModelFor(r);
    models.push(m);
    return m;
  };
  const { query: q, judge: j, fc: f } = config.roles;

  let query: QueryRole;
  if (q.backend === "openai") query = new OpenAIQueryRole({ model: model(q), request: { temperature: q.temperature ?? 1 }, seed: config.seed });
  else query = new BanditRewriter({ seed: config.seed, ...camelOptions(q) });

  let judge: JudgeRole;
  if (j.backend === "openai") {
    judge = new OpenAIJudgeRole({ model: model(j), callMode: j.mode ?? "fc", ...(j.stage1_extra_body ? { toolCallRequest: { extraBody: j.stage1_extra_body } } : {}) });
  }
  else judge = new BaselineJudge({ seeds: context.allSeeds, ...camelOptions(j) } as BaselineJudgeOptions);

  let fc: FcRole;
  if (f.backend === "openai") fc = new OpenAIFcRole({ model: model(f), mode: f.mode ?? "prompt" });
  else {
    const { fitOnSeeds, ...options } = camelOptions(f);
    const lexical = new LexicalFunctionCaller({ seed: config.seed, ...options });
    if (fitOnSeeds !== false) lexical.fit(context.seeds);
    fc = lexical;
  }

  let trainer: FcTrainer;
  let external: ReturnType<FcTrainerFactory> | undefined;
  switch (config.trainer.type) {
    case "none":
      trainer = new NoneTrainer();
      break;
    case "baseline":
      if (f.backend !== "baseline") throw new AdvfcError(`trainer.type: "baseline" refits the baseline FC model; roles.fc.backend is "${f.backend}" — use trainer.type "none" (or a verl trainer, with @advfc/trainer-bridge)`);
      trainer = new BaselineFcTrainer(typeof config.trainer.bad_case_weight === "number" ? { badCaseWeight: config.trainer.bad_case_weight } : {});
      break;
    default: {
      const factory = extras.trainers?.[config.trainer.type];
      if (factory === undefined) throw new AdvfcError(`trainer.type: "${config.trainer.type}" needs the verl trainers of @advfc/trainer-bridge (advfc run injects them); use "baseline" or "none" without it`);
      external = factory(config, { ...context, baseDir: context.baseDir ?? "." });
      trainer = external.trainer;
    }
  }
  let queryTrainer: ReturnType<QueryPhaseFactory> | undefined;
  const queryTrain = queryTrainMode(config);
  if (queryTrain !== "none") {
    const factory = extras.queryTrainers?.[queryTrain];
    if (factory === undefined) throw new AdvfcError(`roles.query.train: "${queryTrain}" needs the verl query trainer of @advfc/trainer-bridge (advfc run injects it); use "none" without it`);
    queryTrainer = factory(config, { ...context, baseDir: context.baseDir ?? "." });
  }
  const restoreExternal = external?.restoreFc;
  return {
    roles: { query, judge, fc },
    trainer,
    restoreFc: restoreExternal ?? ((state) => LexicalFunctionCaller.fromState(state)),
    ...(queryTrainer ? { queryPhase: queryTrainer.queryPhase } : {}),
    async close() {
      await queryTrainer?.close?.();
      await external?.close?.();
      await Promise.all(models.map((m) => m.close()));
    },
  };
};
