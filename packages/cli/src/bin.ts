#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { runCheck } from "./commands/check.js";
import { runConvert } from "./commands/convert.js";
import { runBench } from "./commands/bench.js";
import { runDemo } from "./commands/demo.js";
import { runEmbed } from "./commands/embed.js";
import { runEval } from "./commands/eval.js";
import { runRun } from "./commands/run.js";
import { runInit } from "./commands/init.js";
import { runReport } from "./commands/report.js";
import { runServe } from "./commands/serve.js";
import { runBridge } from "./commands/bridge.js";
import { runTrain } from "./commands/train.js";
import type { CommandIo } from "./io.js";

const USAGE = `Usage: advfc <command> [options]

Commands:
  check    score model outputs exactly as BFCL's checker does (JSON Lines in, verdicts out)
  convert  convert BFCL, xLAM and OpenAI chat-log data to advfc samples and back
  bench    benchmarks (advfc bench check | kernels | client | loop | reward-server)
  demo     score the shipped example results and print the BFCL metrics table
  embed    embed texts (JSON Lines or plain lines) into a NumPy .npy matrix (onnx model or hash)
  eval     evaluate a model behind an OpenAI-compatible API on BFCL (prompt or FC mode)
  run      run Algorithm 1: adversarial rewrites, judge, bad cases, FC training (advfc run --config FILE)
  init     write a commented starter run config (advfc init [FILE])
  report   summarise a run directory as a Markdown table (advfc report DIR)
  serve    serve verl's reward function over HTTP (advfc serve reward --role query|fc --config FILE)
  bridge   verl bridge helpers (advfc bridge shim-path)
  train    train the query or FC model of an iteration with verl (advfc train query|fc --config FILE --iteration K)

Run "advfc <command> --help" for a command's options.

Options:
  -h, --help     show this help
  -V, --version  print advfc's version
`;

const COMMANDS: Record<string, (argv: string[], io: CommandIo) => Promise<number>> = {
  check: runCheck,
  convert: runConvert,
  bench: runBench,
  demo: runDemo,
  embed: runEmbed,
  eval: runEval,
  run: runRun,
  init: runInit,
  report: runReport,
  serve: runServe,
  bridge: runBridge,
  train: runTrain,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === "-V" || command === "--version") {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`advfc ${pkg.version} (node ${process.versions.node})\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    process.stderr.write(`advfc: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return run(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}

// `advfc check ... | head` closes stdout early: stop quietly, as Unix tools do.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`advfc: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
