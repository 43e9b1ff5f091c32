import { parseArgs } from "node:util";
import { AdvfcError, createBackends, formatRunReport, startRun, type LoopEvent, type StepRecord } from "@advfc/core";
import { EmbedError } from "@advfc/native-embed";
import { verlQueryTrainerFactories, verlTrainerFactories } from "@advfc/trainer-bridge";
import type { CommandIo } from "../io.js";

export const RUN_HELP = `Usage: advfc run --config FILE [--out DIR] [--report]
       advfc run --resume DIR [--report]

Runs Algorithm 1 (adversarial data augmentation for FC models): per iteration, the query model
rewrites seeds until early stop, the judge filters the rewrites, the FC model's failures become
bad cases, then the FC model is trained on them and evaluated before and after. Progress goes to
stderr, one line per step. "advfc init" writes a commented config to start from.

The run directory (default: the config's run_dir, else runs/<name>-<time>) holds manifest.json,
iter-<k>/{rollouts,bad-cases,steps}.jsonl, iter-<k>/{eval,train}.json and summary.json; it is
safe against crashes: "advfc run --resume DIR" continues exactly where it stopped.

Ctrl-C once: finish and save the current step, then stop (resumable). Twice: abort at once
(the unfinished step is redone on resume).

Options:
  --config FILE   run config (YAML or JSON)
  --out DIR       run directory (overrides run_dir)
  --resume DIR    continue the run in DIR (its manifest holds the config)
  --report        print the Markdown report on stdout at the end
  --quiet         no per-step progress
  -h, --help      show this help
`;

function fmtPct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** One progress line per step (stderr). */
export function formatStepLine(r: StepRecord, totalRollouts: number, patience: number): string {
  const es = r.earlyStop.stop ? ` → stop (${r.earlyStop.reason})` : "";
  return `iter ${r.iteration} step ${r.step}: ${r.rollouts} rewrites (${totalRollouts} total), judge-valid ${r.judgeValid}, ASR ${fmtPct(r.asr)}, kept ${r.kept}, diversity ${r.diversity.toFixed(3)}, mean reward ${r.meanReward.toFixed(3)} (r_adv ${r.meanRAdv.toFixed(3)}), early-stop streak ${r.earlyStop.streak}/${patience}${es} [${(r.time.wallMs / 1000).toFixed(2)} s]\n`;
}

export async function runRun(argv: string[], io: CommandIo, signals: { process?: NodeJS.Process } = { process }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        out: { type: "string" },
        resume: { type: "string" },
        report: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    io.stderr.write(`advfc run: ${(e as Error).message}\n\n${RUN_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  if (values.config === undefined && values.resume === undefined) {
    io.stderr.write(`advfc run: --config FILE or --resume DIR is required\n\n${RUN_HELP}`);
    return 2;
  }
  if (values.resume !== undefined && values.out !== undefined) {
    io.stderr.write("advfc run: --out and --resume exclude each other (a resumed run stays in its directory)\n");
    return 2;
  }
  const stop = new AbortController();
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write("\nadvfc run: stopping after the current step is saved (Ctrl-C again to abort now)\n");
      stop.abort(new AdvfcError("interrupted"));
    } else {
      io.stderr.write("\nadvfc run: aborting; the unfinished step will be redone on --resume\n");
      abort.abort(new AdvfcError("aborted by a second interrupt"));
    }
  };
  const proc = signals.process;
  proc?.on("SIGINT", onSigint);
  proc?.on("SIGTERM", onSigint);
  const t0 = performance.now();
  let patience = 10;
  const onEvent = (e: LoopEvent) => {
    if (values.quiet && e.type !== "warning") return;
    switch (e.type) {
      case "step":
        io.stderr.write(formatStepLine(e.record, e.totalRollouts, patience));
        break;
      case "phase":
        io.stderr.write(`${e.message}\n`);
        break;
      case "resume":
        io.stderr.write(`resume: iteration ${e.iteration} has ${e.steps} committed steps and ${e.badCases} bad cases${e.droppedRecords + e.droppedBytes > 0 ? `; dropped ${e.droppedRecords} records of an unfinished step (${e.droppedBytes} bytes)` : ""}\n`);
        break;
      case "warning":
        io.stderr.write(`advfc run: warning: ${e.message}\n`);
        break;
    }
  };
  try {
    const r = await startRun({
      ...(values.config !== undefined ? { configFile: values.config } : {}),
      ...(values.out !== undefined ? { out: values.out } : {}),
      ...(values.resume !== undefined ? { resume: values.resume } : {}),
      backends: (config, ctx) => {
        patience = config.early_stop.patience;
        // The verl FC and query-model trainers live in @advfc/trainer-bridge; core takes them injected.
        return createBackends(config, ctx, { trainers: verlTrainerFactories(), queryTrainers: verlQueryTrainerFactories() });
      },
      stopSignal: stop.signal,
      signal: abort.signal,
      onEvent,
      onWarning: (m) => io.stderr.write(`advfc run: warning: ${m}\n`),
    });
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.result.status === "interrupted") {
      io.stderr.write(`advfc run: stopped after ${secs} s; continue with: advfc run --resume ${r.dir}\n`);
      if (values.report) io.stdout.write(formatRunReport(r.summary));
      return 130;
    }
    io.stderr.write(`advfc run: done in ${secs} s: ${r.result.rollouts} rollouts, ${r.result.badCases} bad cases in ${r.dir}\n`);
    if (values.report) io.stdout.write(formatRunReport(r.summary));
    return 0;
  } catch (e) {
    if (abort.signal.aborted) {
      io.stderr.write("advfc run: aborted\n");
      return 130;
    }
    if (AdvfcError.isInstance(e) || e instanceof EmbedError) {
      io.stderr.write(`advfc run: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    proc?.off("SIGINT", onSigint);
    proc?.off("SIGTERM", onSigint);
  }
}
