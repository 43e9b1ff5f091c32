import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { AdvfcError, type OpenAIRoleConfig, type RunConfig } from "@advfc/core";
import type { VerlSection } from "../launch/verl-section.js";
import { ModelServer } from "./serve.js";

/** What the verl trainers of `advfc run` (FC and query model) are built with. */
export interface VerlTrainerOptions {
  config: RunConfig;
  /** Relative paths of the config resolve from here. */
  baseDir: string;
  /** The validated `trainer.verl` section. */
  section: VerlSection;
  /** Extra environment for verl and the merger. */
  env?: NodeJS.ProcessEnv;
  /** Metrics / server poll interval, ms. @default 1000 */
  pollMs?: number;
  /** The run directory: a spawned model server is recorded there, so a later advfc can stop it if this one is killed hard. */
  runDir?: string;
  /** Prints a warning line (a model server an earlier advfc left running was stopped). */
  onWarning?: (message: string) => void;
}

/** Options shared by the trainer factories (`verlTrainerFactories`, `verlQueryTrainerFactories`). */
export interface VerlTrainerFactoryOptions {
  env?: NodeJS.ProcessEnv;
  pollMs?: number;
}

/** The model server of a trained role: its API key from the role's `api_key_env`, the trainer's poll interval, record folder and warnings. */
export function modelServerFor(section: VerlSection, role: OpenAIRoleConfig, o: VerlTrainerOptions): ModelServer {
  return new ModelServer(section, {
    ...(role.api_key_env !== undefined && process.env[role.api_key_env] ? { apiKey: process.env[role.api_key_env]! } : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    ...(o.runDir !== undefined ? { recordDir: o.runDir } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
}

/** Run `argv` to its end (the model merger), its output appended to `logFile`; resolves with the exit code. */
export function runCommand(argv: readonly string[], env: NodeJS.ProcessEnv, logFile: string, signal?: AbortSignal): Promise<number | null> {
  const [exe, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(exe!, args, { env, stdio: ["ignore", "pipe", "pipe"], ...(signal ? { signal } : {}) });
    const log = (c: Buffer) => appendFileSync(logFile, c);
    child.stdout.on("data", log);
    child.stderr.on("data", log);
    child.once("error", (e) => reject(new AdvfcError(`cannot run ${exe}: ${e.message}`)));
    child.once("exit", (code) => resolve(code));
  });
}
