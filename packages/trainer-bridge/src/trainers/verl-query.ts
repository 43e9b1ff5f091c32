/**
 * The query-model trainer of `advfc run` (`roles.query.train: verl-ppo`): per iteration, instead
 * of sampling the query model without updates (the paper's "LLM sampling" baseline), write the
 * query PPO dataset for the iteration's curriculum stage ({@link prepareTraining}), start the
 * role-query reward server in-process with the run's judge, FC role (πF,k), embedder and α —
 * its run store is iter-<k> of the run directory, so the rollouts, bad cases and step lines are
 * the loop's own files — run verl ({@link runTrainingPlan}), stop it when the reward server's
 * early stop fires, export the latest checkpoint, serve it ({@link ModelServer}) and hand the
 * next iteration a query role on it (whose PPO run starts from those weights). The loop then
 * trains πF on the bad cases the reward server committed. Injected into core's
 * `createBackends` by the CLI (`queryTrainers`), so core does not depend on this package.
 */
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  AdvfcError,
  earlyStopOptions,
  IterationLog,
  OpenAIQueryRole,
  openAIModelFor,
  readJsonIfExists,
  RunConfigError,
  type BadCase,
  type OpenAIRoleConfig,
  type QueryPhaseContext,
  type QueryPhaseFactory,
  type QueryPhaseResult,
} from "@advfc/core";
import { prepareTraining, shellQuote } from "../launch/plan.js";
import { runTrainingPlan } from "../launch/run.js";
import { safeParseVerlSection, type VerlSection } from "../launch/verl-section.js";
import { QueryScorer } from "../reward-server/scorer.js";
import { RewardServer } from "../reward-server/server.js";
import { modelServerFor, runCommand, type VerlTrainerFactoryOptions, type VerlTrainerOptions } from "./common.js";
import { ModelServer, serveMode } from "./serve.js";

/** Options of {@link VerlQueryTrainer}. */
export type VerlQueryTrainerOptions = VerlTrainerOptions;

/** The serving settings of the trained query model: the query role's endpoint (external) or a spawned server. */
export function querySection(section: VerlSection, query: OpenAIRoleConfig): VerlSection {
  const mode = section.query_serve ?? "external";
  return mode === "external"
    ? { ...section, serve: "external", serve_base_url: query.base_urls[0]!, served_model_name: query.model }
    : { ...section, serve: "spawn", serve_base_url: undefined, serve_port: section.query_serve_port ?? 8001, served_model_name: query.model };
}

/** `roles.query.train: verl-ppo` of `advfc run`. */
export class VerlQueryTrainer {
  private readonly server: ModelServer;
  private readonly queryConfig: OpenAIRoleConfig;
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(private readonly o: VerlQueryTrainerOptions) {
    const q = o.config.roles.query;
    if (q.backend !== "openai") throw new RunConfigError([`roles.query.backend: Expected "openai" (roles.query.train "verl-ppo" trains and serves a model) but received "${q.backend}"`]);
    this.queryConfig = q;
    this.server = modelServerFor(querySection(o.section, q), q, o);
  }

  /** One iteration's query phase (core's `QueryPhase`). */
  async run(ctx: QueryPhaseContext): Promise<QueryPhaseResult> {
    const { iteration, signal, config } = ctx;
    const progress = ctx.onProgress;
    const outDir = join(ctx.workDir, "query-train");
    mkdirSync(outDir, { recursive: true });
    const logFile = join(outDir, "trainer.log");
    // Iteration k > 0 continues from the query model trained in iteration k − 1.
    const previous = iteration > 0 ? readJsonIfExists<{ summary?: { modelDir?: unknown } }>(join(ctx.workDir, "..", `iter-${iteration - 1}`, "query-phase.json"))?.summary?.modelDir : undefined;
    const plan = await prepareTraining({
      role: "query",
      config,
      baseDir: this.o.baseDir,
      iteration,
      outDir,
      verl: this.o.section,
      data: { badCases: [], seeds: ctx.stage.seeds },
      ...(typeof previous === "string" ? { startFrom: previous } : {}),
    });
    // The GPUs go to training: a query-model server advfc spawned is stopped first.
    await this.server.stop();
    const stopVerl = new AbortController();
    const onAbort = () => stopVerl.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let early: { reason: string | null; step: number } | undefined;
    const reward = new RewardServer({
      scorer: new QueryScorer({ judge: ctx.roles.judge, fc: ctx.roles.fc, embedder: ctx.embedder, alpha: config.alpha, name: `${config.name}-i${iteration}` }),
      host: this.o.section.reward_host,
      port: this.o.section.reward_port,
      out: join(outDir, "reward"),
      storeDir: ctx.workDir,
      iteration,
      stepFields: { stage: ctx.stage.name, fc: ctx.roles.fc.name, seeds: config.seeds_per_step },
      earlyStop: earlyStopOptions(config),
      onEarlyStop: (d) => {
        early = { reason: d.reason ?? null, step: d.step };
        progress(`iteration ${iteration}: early stop (${d.reason ?? ""}) at reward step ${d.step}; stopping verl`);
        stopVerl.abort(new AdvfcError("early stop"));
      },
    });
    let result: QueryPhaseResult;
    try {
      const { url } = await reward.listen();
      plan.env.ADVFC_REWARD_URL = url;
      progress(`iteration ${iteration}: reward server (role query) at ${url}; ${plan.rows.train} query prompts; launching ${plan.command.slice(0, 3).map(shellQuote).join(" ")} … (log: ${logFile})`);
      const r = await runTrainingPlan(plan, {
        startRewardServer: false,
        ...(this.o.env ? { env: this.o.env } : {}),
        ...(this.o.pollMs !== undefined ? { pollMs: this.o.pollMs } : {}),
        onStep: (rec) => progress(`iteration ${iteration}: verl step ${rec.step}: mean reward ${String(rec.data["critic/score/mean"] ?? "n/a")}`),
        onOutput: (chunk) => appendFileSync(logFile, chunk),
        signal: stopVerl.signal,
      });
      await reward.close();
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new AdvfcError("aborted");
      if (r.exitCode !== 0 && early === undefined) throw new AdvfcError(`iteration ${iteration}: verl (query model) exited with ${r.exitSignal ?? `code ${String(r.exitCode)}`}; see ${logFile}`);
      if (r.exportCommand === undefined || r.checkpoints.latest === undefined) throw new AdvfcError(`iteration ${iteration}: verl left no query-model checkpoint in ${r.checkpoints.dir}; see ${logFile}`);
      const target = r.exportCommand[r.exportCommand.indexOf("--target_dir") + 1]!;
      progress(`iteration ${iteration}: exporting query-model step ${r.checkpoints.latest}: ${r.exportCommand.map(shellQuote).join(" ")}`);
      const code = await runCommand(r.exportCommand, { ...process.env, ...this.o.env }, logFile, signal);
      if (code !== 0 || !existsSync(target)) throw new AdvfcError(`iteration ${iteration}: the model merger ${code !== 0 ? `exited with code ${String(code)}` : `did not create ${target}`}; see ${logFile}`);
      const served = await this.server.serve(target, { logFile: join(outDir, "serve.log"), ...(progress ? { log: progress } : {}), ...(signal ? { signal } : {}) });
      progress(`iteration ${iteration}: the trained query model answers at ${served.baseUrl} as ${JSON.stringify(served.model)}`);
      const model = openAIModelFor({ ...this.queryConfig, base_urls: [served.baseUrl], model: served.model });
      this.closers.push(() => model.close());
      // What the reward server committed to iter-<k> (read back: the run store is the record).
      const log = new IterationLog(ctx.workDir);
      const rec = log.recover();
      log.close();
      const status = reward.status();
      result = {
        badCases: rec.badCases as BadCase[],
        rollouts: rec.rollouts.length,
        steps: rec.steps.length,
        query: new OpenAIQueryRole({ model, request: { temperature: this.queryConfig.temperature ?? 1 }, seed: config.seed }),
        summary: {
          trainer: "verl-ppo",
          outDir,
          plan: plan.files.plan,
          rows: plan.rows,
          exitCode: r.exitCode,
          exitSignal: r.exitSignal,
          stoppedBy: r.stoppedBy ?? null,
          verlSteps: r.steps.length,
          earlyStop: early ?? null,
          reward: { steps: status.steps, items: status.items, badCases: status.badCases },
          checkpoints: { dir: r.checkpoints.dir, steps: r.checkpoints.steps, latest: r.checkpoints.latest, paths: r.checkpoints.steps.map((n) => join(r.checkpoints.dir, `global_step_${n}`)) },
          exportCommand: r.exportCommand,
          modelDir: target,
          served: { mode: served.mode, baseUrl: served.baseUrl, model: served.model, command: served.command },
        },
      };
    } finally {
      signal?.removeEventListener("abort", onAbort);
      await reward.close();
    }
    return result;
  }

  /** Stops a spawned query-model server and closes the clients. */
  async close(): Promise<void> {
    await this.server.stop();
    await Promise.all(this.closers.map((c) => c()));
  }
}

/** Options of {@link verlQueryTrainerFactories}. */
export type VerlQueryTrainerFactoryOptions = VerlTrainerFactoryOptions;

/**
 * The query-model trainer as core's backend factory takes it:
 * `createBackends(config, ctx, { queryTrainers: verlQueryTrainerFactories() })`.
 * Validates `trainer.verl` first (a {@link RunConfigError} names the keys).
 */
export function verlQueryTrainerFactories(options: VerlQueryTrainerFactoryOptions = {}): { "verl-ppo": QueryPhaseFactory } {
  return {
    "verl-ppo": (config, context) => {
      const r = safeParseVerlSection((config.trainer as Record<string, unknown>).verl);
      if (!r.ok) throw new RunConfigError(r.issues.map((i) => `trainer.verl.${i}`));
      const q = config.roles.query;
      if (q.backend === "openai" && (r.section.query_serve ?? "external") === "external" && !/^https?:\/\/.+\/v1\/?$/.test(q.base_urls[0] ?? "")) {
        throw new RunConfigError([`roles.query.base_urls[0]: Expected an http(s) URL ending in /v1 (the trained query model is served there: trainer.verl.query_serve external) but received ${JSON.stringify(q.base_urls[0])}`]);
      }
      // Both models spawned on one port: the second `vllm serve` could never start.
      const fcSpawns = config.trainer.type.startsWith("verl-") && serveMode(r.section) === "spawn";
      if (r.section.query_serve === "spawn" && fcSpawns && (r.section.query_serve_port ?? 8001) === r.section.serve_port) {
        throw new RunConfigError([
          `trainer.verl.query_serve_port: Expected a port other than trainer.verl.serve_port (${r.section.serve_port}: the trained FC model is served there) for the spawned query-model server but received ${r.section.query_serve_port ?? 8001}`,
        ]);
      }
      const trainer = new VerlQueryTrainer({
        config,
        baseDir: context.baseDir,
        section: r.section,
        ...(context.runDir !== undefined ? { runDir: context.runDir } : {}),
        ...(context.onWarning ? { onWarning: context.onWarning } : {}),
        ...options,
      });
      return { queryPhase: (ctx) => trainer.run(ctx), close: () => trainer.close() };
    },
  };
}
