/**
 * The verl FC trainers of `advfc run` (`trainer.type: verl-ppo | verl-sft | verl-lora`): per
 * iteration, write the datasets from the iteration's bad cases + seeds and the verl config
 * ({@link prepareTraining}), start the reward server in-process (PPO: R_F, Eq. 7), run verl with
 * the configured executable and follow its metrics ({@link runTrainingPlan}), export the latest
 * checkpoint with the model merger, serve it ({@link ModelServer}) and hand the next iteration
 * an OpenAI FC role pointed at it. Injected into core's `createBackends` by the CLI, so core
 * does not depend on this package.
 */
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { AdvfcError, OpenAIFcRole, openAIModelFor, RunConfigError, type FcRole, type FcTrainer, type FcTrainerFactory, type OpenAIRoleConfig, type TrainRequest, type TrainResult } from "@advfc/core";
import { prepareTraining, shellQuote } from "../launch/plan.js";
import { runTrainingPlan } from "../launch/run.js";
import { safeParseVerlSection, type VerlSection } from "../launch/verl-section.js";
import { FcScorer } from "../reward-server/scorer.js";
import { RewardServer } from "../reward-server/server.js";
import { modelServerFor, runCommand, type VerlTrainerFactoryOptions, type VerlTrainerOptions } from "./common.js";
import { checkServeSettings, ModelServer, type ServedModel } from "./serve.js";

export type VerlFcTrainerType = "verl-ppo" | "verl-sft" | "verl-lora";

/** What a trained FC role saves, so a resumed run serves the same folder again instead of retraining. */
export interface VerlFcState {
  format: "advfc-verl-fc/1";
  modelDir: string;
  served: { baseUrl: string; model: string; mode: "external" | "spawn" };
}

/** An OpenAI FC role on a served, verl-trained model. */
export class ServedFcRole extends OpenAIFcRole {
  constructor(
    readonly served: ServedModel,
    options: ConstructorParameters<typeof OpenAIFcRole>[0],
  ) {
    super(options);
  }
  saveState(): VerlFcState {
    return { format: "advfc-verl-fc/1", modelDir: this.served.modelDir, served: { baseUrl: this.served.baseUrl, model: this.served.model, mode: this.served.mode } };
  }
}

/** Options of {@link VerlFcTrainer}. */
export interface VerlFcTrainerOptions extends VerlTrainerOptions {
  type: VerlFcTrainerType;
}

/** `trainer.type: verl-ppo | verl-sft | verl-lora` of `advfc run`. */
export class VerlFcTrainer implements FcTrainer {
  readonly name: string;
  private readonly server: ModelServer;
  private readonly fcConfig: OpenAIRoleConfig;
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(private readonly o: VerlFcTrainerOptions) {
    this.name = `${o.type}${o.section.fc_trainer !== undefined ? `(${o.section.fc_trainer})` : ""}`;
    const fc = o.config.roles.fc;
    if (fc.backend !== "openai") throw new RunConfigError([`roles.fc.backend: Expected "openai" (trainer.type "${o.type}" trains and serves a model) but received "${fc.backend}"`]);
    this.fcConfig = fc;
    this.server = modelServerFor(o.section, fc, o);
  }

  /** The FC role on a served model. */
  roleFor(served: ServedModel): FcRole {
    const model = openAIModelFor({ ...this.fcConfig, base_urls: [served.baseUrl], model: served.model });
    this.closers.push(() => model.close());
    return new ServedFcRole(served, { model, mode: this.fcConfig.mode ?? "prompt" });
  }

  async train(request: TrainRequest): Promise<TrainResult> {
    const { iteration, signal } = request;
    const progress = request.onProgress ?? (() => {});
    const outDir = join(request.workDir, "verl-fc");
    mkdirSync(outDir, { recursive: true });
    const logFile = join(outDir, "trainer.log");
    const plan = await prepareTraining({
      role: "fc",
      config: this.o.config,
      baseDir: this.o.baseDir,
      iteration,
      outDir,
      verl: this.o.section,
      data: { badCases: request.badCases, seeds: request.seeds },
      // πF,k+1 is trained from πF,k: from iteration 1 on, the model the previous iteration exported
      ...(request.fc instanceof ServedFcRole ? { startFrom: request.fc.served.modelDir } : {}),
    });
    // The GPUs go to training: a server advfc spawned for the previous model is stopped first.
    await this.server.stop();
    let reward: RewardServer | undefined;
    try {
      if (plan.rewardServer) {
        reward = new RewardServer({ scorer: new FcScorer(), host: this.o.section.reward_host, port: this.o.section.reward_port, out: join(outDir, "reward") });
        const { url } = await reward.listen();
        plan.env.ADVFC_REWARD_URL = url;
        progress(`iteration ${iteration}: reward server (R_F) at ${url}`);
      }
      progress(`iteration ${iteration}: ${plan.rows.train} training rows (${plan.rows.badCases} bad cases, ${plan.rows.seeds} seeds); launching ${plan.command.slice(0, 3).map(shellQuote).join(" ")} … (log: ${logFile})`);
      const r = await runTrainingPlan(plan, {
        startRewardServer: false,
        ...(this.o.env ? { env: this.o.env } : {}),
        ...(this.o.pollMs !== undefined ? { pollMs: this.o.pollMs } : {}),
        onStep: (rec) => progress(`iteration ${iteration}: verl step ${rec.step}: mean reward ${String(rec.data["critic/score/mean"] ?? "n/a")}`),
        onOutput: (chunk) => appendFileSync(logFile, chunk),
        ...(signal ? { signal } : {}),
      });
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new AdvfcError("aborted");
      if (r.exitCode !== 0 && r.earlyStop === undefined) throw new AdvfcError(`iteration ${iteration}: verl exited with ${r.exitSignal ?? `code ${String(r.exitCode)}`}; see ${logFile}`);
      if (r.exportCommand === undefined || r.checkpoints.latest === undefined) throw new AdvfcError(`iteration ${iteration}: verl left no checkpoint in ${r.checkpoints.dir}; see ${logFile}`);
      const target = r.exportCommand[r.exportCommand.indexOf("--target_dir") + 1]!;
      progress(`iteration ${iteration}: exporting step ${r.checkpoints.latest}: ${r.exportCommand.map(shellQuote).join(" ")}`);
      const code = await runCommand(r.exportCommand, { ...process.env, ...this.o.env }, logFile, signal);
      if (code !== 0 || !existsSync(target)) throw new AdvfcError(`iteration ${iteration}: the model merger ${code !== 0 ? `exited with code ${String(code)}` : `did not create ${target}`}; see ${logFile}`);
      const served = await this.server.serve(target, { logFile: join(outDir, "serve.log"), log: progress, ...(signal ? { signal } : {}) });
      progress(`iteration ${iteration}: the trained FC model answers at ${served.baseUrl} as ${JSON.stringify(served.model)}`);
      return {
        fc: this.roleFor(served),
        summary: {
          trainer: plan.trainer,
          outDir,
          plan: plan.files.plan,
          rows: plan.rows,
          exitCode: r.exitCode,
          exitSignal: r.exitSignal,
          steps: r.steps.length,
          ...(r.earlyStop ? { earlyStop: { verlStep: r.earlyStop.verlStep, reason: r.earlyStop.decision.reason } } : {}),
          checkpoints: { dir: r.checkpoints.dir, steps: r.checkpoints.steps, latest: r.checkpoints.latest, paths: r.checkpoints.steps.map((n) => join(r.checkpoints.dir, `global_step_${n}`)) },
          exportCommand: r.exportCommand,
          modelDir: target,
          served: { mode: served.mode, baseUrl: served.baseUrl, model: served.model, command: served.command },
          ...(reward ? { reward: { steps: reward.status().steps, items: reward.status().items } } : {}),
        },
      };
    } finally {
      await reward?.close();
    }
  }

  /** Resume: serve a saved model folder again. */
  async restore(state: unknown): Promise<FcRole> {
    const s = state as Partial<VerlFcState> | null;
    if (s?.format !== "advfc-verl-fc/1" || typeof s.modelDir !== "string") throw new AdvfcError("the saved FC state is not a verl-trained model's");
    // external mode: the command to restart the user's server with is an action item, so a warning line
    return this.roleFor(await this.server.serve(s.modelDir, this.o.onWarning ? { log: this.o.onWarning } : {}));
  }

  /** Stops a spawned model server and closes the clients. */
  async close(): Promise<void> {
    await this.server.stop();
    await Promise.all(this.closers.map((c) => c()));
  }
}

/**
 * The verl trainers as core's backend factory takes them:
 * `createBackends(config, ctx, { trainers: verlTrainerFactories() })`.
 * Validates `trainer.verl` and the serving settings first (a {@link RunConfigError} names the keys).
 */
export function verlTrainerFactories(options: VerlTrainerFactoryOptions = {}): Record<VerlFcTrainerType, FcTrainerFactory> {
  const make =
    (type: VerlFcTrainerType): FcTrainerFactory =>
    (config, context) => {
      const r = safeParseVerlSection((config.trainer as Record<string, unknown>).verl);
      const issues = r.ok ? checkServeSettings(r.section) : r.issues.map((i) => `trainer.verl.${i}`);
      if (issues.length > 0) throw new RunConfigError(issues);
      const trainer = new VerlFcTrainer({
        type,
        config,
        baseDir: context.baseDir,
        section: (r as { section: VerlSection }).section,
        ...(context.runDir !== undefined ? { runDir: context.runDir } : {}),
        ...(context.onWarning ? { onWarning: context.onWarning } : {}),
        ...options,
      });
      return { trainer, restoreFc: (state) => trainer.restore(state), close: () => trainer.close() };
    };
  return { "verl-ppo": make("verl-ppo"), "verl-sft": make("verl-sft"), "verl-lora": make("verl-lora") };
}
