/**
 * `advfc train query|fc` as a library call, first half: write the datasets and the verl config
 * for iteration K into the output folder and describe the launch (the reward server, the
 * trainer — local or on Ray — its environment, where checkpoints go, how to export and serve
 * the result). {@link formatTrainingPlan} prints it; {@link runTrainingPlan} runs it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AdvfcError, BadCaseSchema, loadRunSeeds, type BadCase, type RunConfig, type Sample } from "@advfc/core";
import { buildPpoOverrides, buildSftOverrides } from "../config/builders.js";
import type { OverrideValue } from "../config/overrides.js";
import { fcPpoRows, fcSftRows, queryPpoRows, writeFcPpoParquet, writeFcSftParquet, writeQueryPpoParquet } from "../datasets/verl-datasets.js";
import { parseVerlSection, type VerlSection } from "./verl-section.js";

/** Where the Python shim verl imports as `custom_reward_function.path` lives (shipped in the package). */
export const REWARD_SHIM_PATH = fileURLToPath(new URL("../../python/advfc_reward.py", import.meta.url));

/** Options of {@link prepareTraining}. */
export interface PrepareTrainingOptions {
  role: "query" | "fc";
  /** The parsed `advfc run` config. */
  config: RunConfig;
  /**
   * The config file (the reward server is started with it; relative paths resolve from its
   * folder). Required unless `baseDir` and `data` are given (`advfc run`'s trainers).
   */
  configFile?: string;
  /** Relative paths of the config resolve from here. @default the config file's folder */
  baseDir?: string;
  /** The training data as given (`advfc run`'s trainers): no seeds or bad cases are read from disk. */
  data?: { badCases: readonly BadCase[]; seeds: readonly Sample[] };
  /** Iteration K of Algorithm 1 (0-based, as the run directory's iter-<K>). */
  iteration: number;
  /** Output folder: datasets, the verl config, metrics, rollouts, checkpoints. */
  outDir: string;
  /** The `advfc run` directory holding iter-<K>/bad-cases.jsonl (role fc). @default config.run_dir */
  runDir?: string;
  /** A verl section that wins over `trainer.verl` of the config. */
  verl?: unknown;
  /** How to invoke the advfc CLI in printed / spawned commands. @default ["advfc"] */
  advfcCommand?: readonly string[];
  /**
   * Train from this model folder (the model an earlier iteration trained and exported) instead of
   * the configured base model; resources and prompt settings still follow the base model's preset.
   */
  startFrom?: string;
}

/** A planned (or printed) verl launch. */
export interface TrainingPlan {
  role: "query" | "fc";
  iteration: number;
  /** ppo (main_ppo), sft or lora (fsdp_sft_trainer). */
  trainer: "ppo" | "sft" | "lora";
  section: VerlSection;
  outDir: string;
  files: { train: string; val: string; overrides: string; yaml: string; plan: string };
  rows: { train: number; val: number; badCases: number; seeds: number };
  /** `advfc serve reward …` (PPO only). */
  rewardServer?: { command: string[]; url: string };
  /** The trainer argv as launched (Ray: `ray job submit … -- <trainer>`). */
  command: string[];
  /** The verl overrides (also in the command). */
  overrides: string[];
  /** Environment the trainer gets on top of the caller's. */
  env: Record<string, string>;
  /** `$VERL_FILE_LOGGER_PATH`. */
  metricsFile: string;
  checkpointDir: string;
  rolloutDir: string;
  /** Ray: the submission id, and the command that stops the job. */
  ray?: { submissionId: string; stopCommand: string[] };
  /** How to export step N's actor to a Hugging Face folder, and serve it (placeholders `<N>`). */
  exportCommand: string[];
  serveCommand: string[];
}

function readBadCases(file: string): BadCase[] {
  if (!existsSync(file)) return [];
  const out: BadCase[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      const r = BadCaseSchema.safeParse(JSON.parse(line));
      if (!r.success) throw new AdvfcError(`${file}:${i + 1}: not a bad case: ${r.error.issues[0]?.message ?? "invalid"}`);
      out.push(r.data);
    });
  return out;
}

function fcTrainerOf(config: RunConfig, section: VerlSection): "ppo" | "sft" | "lora" {
  if (section.fc_trainer) return section.fc_trainer;
  return config.trainer.type === "verl-sft" ? "sft" : config.trainer.type === "verl-lora" ? "lora" : "ppo";
}

/** A held-out slice for verl's val_files: every 10th row, at least one, at most 64. */
function valSlice<T>(rows: readonly T[]): T[] {
  const picked = rows.filter((_, i) => i % 10 === 0).slice(0, 64);
  return picked.length > 0 ? picked : rows.slice(0, 1);
}

/**
 * Write the datasets and the verl config for one training job and return its plan.
 * @throws {AdvfcError} when there is nothing to train on, or the verl section is invalid.
 */
export async function prepareTraining(o: PrepareTrainingOptions): Promise<TrainingPlan> {
  if (o.configFile === undefined && (o.baseDir === undefined || o.data === undefined)) throw new AdvfcError("prepareTraining: a config file, or a base folder and the training data, is needed");
  const baseDir = o.baseDir ?? resolve(o.configFile!, "..");
  const section = parseVerlSection(o.verl ?? (o.config.trainer as Record<string, unknown>).verl, o.verl !== undefined ? "--verl" : "trainer.verl");
  const outDir = resolve(o.outDir);
  const dataDir = join(outDir, "data");
  mkdirSync(dataDir, { recursive: true });
  // The BFCL eval split is not training data; only the training seeds are read.
  const split = o.config.seeds.eval;
  const seedConfig: RunConfig = { ...o.config, seeds: { ...o.config.seeds, eval: "fraction" in split ? split : { fraction: 0 } } };
  const seeds: readonly Sample[] = o.data !== undefined ? o.data.seeds : (await loadRunSeeds(seedConfig, baseDir)).train;
  const trainer = o.role === "query" ? "ppo" : fcTrainerOf(o.config, section);
  const files = { train: join(dataDir, "train.parquet"), val: join(dataDir, "val.parquet"), overrides: join(outDir, "verl-overrides.txt"), yaml: join(outDir, "verl-config.yaml"), plan: join(outDir, "plan.json") };

  let badCases: BadCase[] = [];
  let rows = { train: 0, val: 0, badCases: 0, seeds: 0 };
  if (o.role === "query") {
    const train = queryPpoRows(seeds, { iteration: o.iteration });
    const val = queryPpoRows(valSlice(seeds), { iteration: o.iteration, split: "val" });
    writeQueryPpoParquet(files.train, train);
    writeQueryPpoParquet(files.val, val);
    rows = { train: train.length, val: val.length, badCases: 0, seeds: seeds.length };
  } else {
    const runDirRaw = o.runDir ?? o.config.run_dir;
    const runDir = runDirRaw === undefined ? undefined : isAbsolute(runDirRaw) || o.runDir !== undefined ? resolve(runDirRaw) : resolve(baseDir, runDirRaw);
    if (o.data !== undefined) badCases = [...o.data.badCases];
    else if (runDir !== undefined) {
      const ks = o.config.trainer.cumulative ? Array.from({ length: o.iteration + 1 }, (_, k) => k) : [o.iteration];
      for (const k of ks) badCases.push(...readBadCases(join(runDir, `iter-${k}`, "bad-cases.jsonl")));
    }
    // Data given by the loop already honours trainer.with_seeds.
    const withSeeds = o.data !== undefined || o.config.trainer.with_seeds ? seeds : [];
    if (badCases.length + withSeeds.length === 0) throw new AdvfcError(`no FC training data for iteration ${o.iteration}: no bad cases${o.data !== undefined ? "" : runDir ? ` under ${runDir}` : " (no run directory: pass --run DIR)"} and trainer.with_seeds is false`);
    const mode = o.config.roles.fc.backend === "openai" ? (o.config.roles.fc.mode ?? "prompt") : "prompt";
    if (trainer === "ppo") {
      const train = fcPpoRows(badCases, withSeeds, { mode });
      writeFcPpoParquet(files.train, train);
      writeFcPpoParquet(files.val, valSlice(fcPpoRows(badCases, withSeeds, { mode, split: "val" })));
      rows = { train: train.length, val: valSlice(train).length, badCases: badCases.length, seeds: withSeeds.length };
    } else {
      const train = fcSftRows(badCases, withSeeds);
      writeFcSftParquet(files.train, train);
      writeFcSftParquet(files.val, valSlice(train));
      rows = { train: train.length, val: valSlice(train).length, badCases: badCases.length, seeds: withSeeds.length };
    }
  }

  const roleModel = (r: RunConfig["roles"]["query"]) => (r.backend === "openai" ? r.model : undefined);
  const baseModel = o.role === "query" ? (section.query_model ?? roleModel(o.config.roles.query) ?? "Qwen/Qwen2.5-7B-Instruct") : (section.fc_model ?? roleModel(o.config.roles.fc) ?? "Qwen/Qwen3-0.6B");
  const model = o.startFrom ?? baseModel;
  const checkpointDir = join(outDir, "checkpoints");
  const rolloutDir = join(outDir, "rollouts");
  const metricsFile = join(outDir, "metrics.jsonl");
  const experimentName = `${o.config.name}-${o.role}-iter${o.iteration}`;
  const extra = section.overrides as Record<string, OverrideValue>;
  const rewardUrl = `http://${section.reward_host}:${section.reward_port}`;
  const env: Record<string, string> = { VERL_FILE_LOGGER_PATH: metricsFile };
  const ov =
    trainer === "ppo"
      ? buildPpoOverrides({
          role: o.role,
          modelPath: model,
          presetModel: baseModel,
          ...(section.critic_model ? { criticModelPath: section.critic_model } : {}),
          trainFiles: [files.train],
          valFiles: [files.val],
          rewardFunctionPath: REWARD_SHIM_PATH,
          checkpointDir,
          rolloutDataDir: rolloutDir,
          experimentName,
          ...(section.nnodes ? { nnodes: section.nnodes } : {}),
          ...(section.gpus_per_node ? { gpusPerNode: section.gpus_per_node } : {}),
          totalEpochs: section.total_epochs,
          ...((section.total_training_steps ?? (o.role === "query" ? o.config.early_stop.max_steps : null)) != null ? { totalTrainingSteps: (section.total_training_steps ?? o.config.early_stop.max_steps)! } : {}),
          extra,
        })
      : buildSftOverrides({
          modelPath: model,
          presetModel: baseModel,
          trainFiles: [files.train],
          valFiles: [files.val],
          checkpointDir,
          loraRank: trainer === "lora" ? section.lora_rank : 0,
          experimentName,
          ...(section.nnodes ? { nnodes: section.nnodes } : {}),
          ...(section.gpus_per_node ? { gpusPerNode: section.gpus_per_node } : {}),
          totalEpochs: section.total_epochs,
          extra,
        });
  if (trainer === "ppo") {
    env.ADVFC_REWARD_URL = rewardUrl;
    if (o.role === "query") {
      // Algorithm 1's step: B = seeds_per_step prompts, rewrites_per_seed responses each.
      ov.set("data.train_batch_size", o.config.seeds_per_step).set("actor_rollout_ref.rollout.n", o.config.rewrites_per_seed);
    }
    // verl drops the last partial batch: a batch larger than the data would give zero steps.
    const batch = Math.min(Number(ov.get("data.train_batch_size")), rows.train);
    ov.set("data.train_batch_size", batch).set("actor_rollout_ref.actor.ppo_mini_batch_size", Math.min(Number(ov.get("actor_rollout_ref.actor.ppo_mini_batch_size")), batch));
    // verl stops at total_epochs even when total_training_steps is larger: give it enough epochs
    // for the step cap (early stop ends the query model sooner).
    const cap = ov.get("trainer.total_training_steps");
    if (typeof cap === "number") ov.set("trainer.total_epochs", Math.max(section.total_epochs, Math.ceil(cap / Math.max(1, Math.floor(rows.train / batch)))));
  }
  const overrides = ov.toArgs();
  const nnodes = Number(ov.get("trainer.nnodes"));
  const gpus = Number(ov.get("trainer.n_gpus_per_node"));
  const trainerArgv =
    trainer === "ppo"
      ? [...(section.trainer_command ?? ["python3", "-m", "verl.trainer.main_ppo"]), ...overrides]
      : [...(section.trainer_command ?? ["torchrun", "--standalone", `--nnodes=${nnodes}`, `--nproc_per_node=${gpus}`, "-m", "verl.trainer.fsdp_sft_trainer"]), ...overrides];
  let command = trainerArgv;
  let ray: TrainingPlan["ray"];
  if (section.ray_address !== undefined) {
    const submissionId = `advfc-${experimentName}-${Date.now().toString(36)}`;
    command = ["ray", "job", "submit", "--address", section.ray_address, "--submission-id", submissionId, "--runtime-env-json", JSON.stringify({ env_vars: env }), "--", ...trainerArgv];
    ray = { submissionId, stopCommand: ["ray", "job", "stop", "--address", section.ray_address, submissionId] };
  }
  const advfc = o.advfcCommand ?? ["advfc"];
  const hfDir = join(outDir, "hf", "global_step_<N>");
  const plan: TrainingPlan = {
    role: o.role,
    iteration: o.iteration,
    trainer,
    section,
    outDir,
    files,
    rows,
    ...(trainer === "ppo" ? { rewardServer: { command: [...advfc, "serve", "reward", "--role", o.role, ...(o.configFile !== undefined ? ["--config", resolve(o.configFile)] : []), "--port", String(section.reward_port)], url: rewardUrl } } : {}),
    command,
    overrides,
    env,
    metricsFile,
    checkpointDir,
    rolloutDir,
    ...(ray ? { ray } : {}),
    exportCommand: [...(section.merge_command ?? [section.python, "-m", "verl.model_merger"]), "merge", "--backend", "fsdp", "--local_dir", trainer === "ppo" ? join(checkpointDir, "global_step_<N>", "actor") : join(checkpointDir, "global_step_<N>"), "--target_dir", hfDir],
    serveCommand: [...(section.serve_command ?? ["vllm", "serve"]), hfDir, "--enable-auto-tool-choice", "--tool-call-parser", "hermes"],
  };
  writeFileSync(files.overrides, `${overrides.join("\n")}\n`);
  writeFileSync(files.yaml, `# verl v0.7 ${trainer === "ppo" ? "verl.trainer.main_ppo" : "verl.trainer.fsdp_sft_trainer"} settings of this job (the same as verl-overrides.txt)\n${ov.toYaml()}`);
  writeFileSync(files.plan, `${JSON.stringify(plan, null, 2)}\n`);
  return plan;
}

/** Quote an argv element for a POSIX shell. */
export function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  // Hydra values hold single quotes ('a b', ['x','y']): double quotes read better when nothing in them expands.
  if (!/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** The plan as a shell script a person can read and run (what `--dry-run` prints). */
export function formatTrainingPlan(plan: TrainingPlan): string {
  const q = (argv: readonly string[]) => argv.map(shellQuote).join(" ");
  const lines: string[] = [];
  lines.push(`# advfc train ${plan.role} — iteration ${plan.iteration}, verl ${plan.trainer === "ppo" ? "PPO (main_ppo)" : plan.trainer === "lora" ? "LoRA SFT (fsdp_sft_trainer)" : "SFT (fsdp_sft_trainer)"}`);
  lines.push(`# data: ${plan.files.train} (${plan.rows.train} rows: ${plan.rows.badCases} bad cases, ${plan.rows.seeds} seeds), ${plan.files.val} (${plan.rows.val} rows)`);
  lines.push(`# config: ${plan.files.overrides}, ${plan.files.yaml}`);
  if (plan.rewardServer) {
    lines.push("", "# 1. the reward server (verl's custom_reward_function POSTs each batch to it)");
    lines.push(`${q(plan.rewardServer.command)} &`);
  }
  lines.push("", `# ${plan.rewardServer ? "2" : "1"}. the trainer${plan.ray ? ` on Ray (stop: ${q(plan.ray.stopCommand)})` : ""}`);
  const envPrefix = plan.ray ? "" : `${Object.entries(plan.env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ")} \\\n  `;
  const [head, ...rest] = plan.command;
  // The overrides are always the argv's tail: one per line after the launcher and entry point.
  const cut = plan.command.length - plan.overrides.length;
  lines.push(`${envPrefix}${q([head!, ...rest.slice(0, cut - 1)])} \\\n    ${plan.command.slice(cut).map(shellQuote).join(" \\\n    ")}`);
  lines.push("", `# metrics: ${plan.metricsFile} (critic/score/mean feeds early stop); rollouts: ${plan.rolloutDir}; checkpoints: ${plan.checkpointDir}`);
  lines.push("", "# export step N to Hugging Face format, then serve it");
  lines.push(q(plan.exportCommand));
  lines.push(q(plan.serveCommand));
  return `${lines.join("\n")}\n`;
}

/** The checkpoint steps under a verl `default_local_dir`, ascending, and verl's latest marker. */
export function listCheckpoints(dir: string): { steps: number[]; latest?: number } {
  if (!existsSync(dir)) return { steps: [] };
  const steps = readdirSync(dir)
    .map((n) => /^global_step_(\d+)$/.exec(n)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const marker = join(dir, "latest_checkpointed_iteration.txt");
  const latest = existsSync(marker) ? Number(readFileSync(marker, "utf8").trim()) : steps[steps.length - 1];
  return latest !== undefined && Number.isFinite(latest) ? { steps, latest } : { steps };
}
