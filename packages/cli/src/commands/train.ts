import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { AdvfcError, loadRunConfig } from "@advfc/core";
import { formatTrainingPlan, prepareTraining, runTrainingPlan, shellQuote } from "@advfc/trainer-bridge";
import type { CommandIo } from "../io.js";

export const TRAIN_HELP = `Usage: advfc train query|fc --config FILE --iteration K [--dry-run] [--out DIR] [--run DIR] [--verl FILE]

Trains the query model (PPO, stopped by the config's early_stop) or the FC model (PPO, SFT or
LoRA as trainer.type says) of iteration K with verl v0.7: writes the parquet datasets and the
verl config into --out, starts "advfc serve reward", runs verl.trainer.main_ppo (locally, or
with "ray job submit" when the verl section has ray_address), follows its metrics, stops it on
early stop, and prints the commands that export and serve the last checkpoint.

The verl settings (models, GPUs, nodes, Ray address, reward server port, extra overrides) are
read from trainer.verl of the run config, or from --verl FILE (JSON), which wins. Every key has
a default (the paper's presets).

Options:
  --config FILE     advfc run config (YAML or JSON)
  --iteration K     iteration of Algorithm 1 (0-based, as iter-<K> of the run directory)
  --out DIR         output folder (default: runs/<name>-train-<role>-iter<K>)
  --run DIR         the advfc run directory with iter-<K>/bad-cases.jsonl (fc; default: run_dir)
  --verl FILE       the verl section as JSON (instead of trainer.verl)
  --dry-run         write the datasets and config, print the launch, run nothing
  -h, --help        show this help
`;

export async function runTrain(argv: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string" },
        iteration: { type: "string" },
        out: { type: "string" },
        run: { type: "string" },
        verl: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    io.stderr.write(`advfc train: ${(e as Error).message}\n\n${TRAIN_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  const role = positionals[0];
  if ((role !== "query" && role !== "fc") || positionals.length !== 1) {
    io.stderr.write(`advfc train: expected the role "query" or "fc" but received ${JSON.stringify(positionals.join(" "))}\n\n${TRAIN_HELP}`);
    return 2;
  }
  if (values.config === undefined || values.iteration === undefined) {
    io.stderr.write(`advfc train: --config FILE and --iteration K are required\n\n${TRAIN_HELP}`);
    return 2;
  }
  const iteration = Number(values.iteration);
  if (!Number.isInteger(iteration) || iteration < 0) {
    io.stderr.write(`advfc train: expected a non-negative integer for --iteration but received ${JSON.stringify(values.iteration)}\n`);
    return 2;
  }
  try {
    const config = await loadRunConfig(values.config);
    let verl: unknown;
    if (values.verl !== undefined) {
      try {
        verl = JSON.parse(readFileSync(values.verl, "utf8"));
      } catch (e) {
        throw new AdvfcError(`--verl ${values.verl}: expected a JSON file but ${(e as Error).message}`);
      }
    }
    const outDir = resolve(values.out ?? `runs/${config.name}-train-${role}-iter${iteration}`);
    const dry = values["dry-run"];
    const self = process.argv[1];
    const plan = await prepareTraining({
      role,
      config,
      configFile: values.config,
      iteration,
      outDir,
      ...(values.run !== undefined ? { runDir: values.run } : {}),
      ...(verl !== undefined ? { verl } : {}),
      advfcCommand: dry || self === undefined ? ["advfc"] : [process.execPath, self],
    });
    if (dry) {
      io.stdout.write(formatTrainingPlan(plan));
      return 0;
    }
    io.stderr.write(`advfc train: ${plan.rows.train} training rows in ${plan.files.train}; launching ${plan.command.slice(0, 3).map(shellQuote).join(" ")} …\n`);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    try {
      const r = await runTrainingPlan(plan, {
        ...(role === "query" ? { earlyStop: { epsilon: config.early_stop.epsilon, patience: config.early_stop.patience, ...(config.early_stop.max_steps !== null ? { maxSteps: config.early_stop.max_steps } : {}) } } : {}),
        onStep: (rec, stopNow) => io.stderr.write(`step ${rec.step}: mean reward ${String(rec.data["critic/score/mean"] ?? "n/a")}${stopNow ? " → early stop" : ""}\n`),
        onOutput: (chunk) => io.stderr.write(chunk),
        signal: stop.signal,
      });
      io.stdout.write(`trainer exited (${r.exitSignal ?? `code ${String(r.exitCode)}`})${r.earlyStop ? `, early-stopped at step ${r.earlyStop.verlStep}` : ""}; checkpoints: ${r.checkpoints.steps.join(", ") || "none"} in ${r.checkpoints.dir}\n`);
      if (r.exportCommand && r.serveCommand) io.stdout.write(`export: ${r.exportCommand.map(shellQuote).join(" ")}\nserve:  ${r.serveCommand.map(shellQuote).join(" ")}\n`);
      return r.exitCode === 0 || r.earlyStop !== undefined ? 0 : 1;
    } finally {
      process.off("SIGINT", onSignal);
    }
  } catch (e) {
    if (AdvfcError.isInstance(e)) {
      io.stderr.write(`advfc train: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
