/**
 * Runs a verl job and watches it from outside (verl has no early-stop hook): tails the file
 * logger, feeds each step's mean reward to core's {@link EarlyStopController}, and when it
 * fires stops the job — `ray job stop <id>` for a Ray job, else SIGTERM to the local process
 * group, then SIGKILL after a grace period. A metrics file an earlier attempt left (a rerun after a
 * crash) is first moved aside to `metrics.attempt-<N>.jsonl`, so only this attempt's steps count.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { EarlyStopController, type EarlyStopDecision, type EarlyStopOptions } from "@advfc/core";
import { MEAN_REWARD_METRIC, MetricsFollower, setAsideMetrics, type VerlMetricsRecord } from "./metrics.js";

/** Options of {@link superviseTraining}. */
export interface SuperviseOptions {
  /** The trainer (or, for Ray, the `ray job submit` that follows the job's logs): argv. */
  command: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `$VERL_FILE_LOGGER_PATH` of the job. */
  metricsFile: string;
  /** Early stop on the mean reward; absent = run to the end. */
  earlyStop?: EarlyStopOptions;
  /** How to stop: signal the local process group, or run this command (`ray job stop …`). @default "signal" */
  stop?: "signal" | { command: readonly string[] };
  /** SIGTERM → SIGKILL grace, ms. @default 30_000 */
  graceMs?: number;
  /** Metrics poll interval, ms. @default 1000 */
  pollMs?: number;
  /** Called per step record. */
  onStep?: (record: VerlMetricsRecord, decision: EarlyStopDecision | undefined) => void;
  /** Called with the trainer's output chunks. @default discarded */
  onOutput?: (chunk: string) => void;
  signal?: AbortSignal;
}

/** How a supervised run ended. */
export interface SuperviseResult {
  /** Exit code, null when killed by a signal. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  exitSignal: NodeJS.Signals | null;
  /** Steps seen (file-logger records). */
  steps: VerlMetricsRecord[];
  /** Set when early stop fired: verl's step number (1-based) and the controller's decision. */
  earlyStop?: { verlStep: number; decision: EarlyStopDecision };
  /** The job was stopped by advfc (early stop or abort), and how. */
  stoppedBy?: "SIGTERM" | "SIGKILL" | "command";
  /** An earlier attempt's metrics file was moved here before the launch (a rerun: see {@link setAsideMetrics}). */
  metricsSetAside?: string;
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    // The trainer is spawned as a process group leader, so its workers get the signal too.
    process.kill(-child.pid!, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      /* already gone */
    }
  }
}

/** Run `command` and supervise it until it exits. */
export async function superviseTraining(o: SuperviseOptions): Promise<SuperviseResult> {
  const [exe, ...args] = o.command;
  if (exe === undefined) throw new Error("Expected a trainer command but received an empty argv");
  mkdirSync(dirname(o.metricsFile), { recursive: true });
  // A rerun (after a crash) would append to the earlier attempt's lines and count them as its own.
  const setAside = setAsideMetrics(o.metricsFile);
  const follower = new MetricsFollower(o.metricsFile);
  const controller = o.earlyStop ? new EarlyStopController(o.earlyStop) : undefined;
  const steps: VerlMetricsRecord[] = [];
  const result: Partial<SuperviseResult> = setAside !== undefined ? { metricsSetAside: setAside } : {};
  const child = spawn(exe, args, { env: o.env ?? process.env, cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout?.on("data", (c: Buffer) => o.onOutput?.(c.toString()));
  child.stderr?.on("data", (c: Buffer) => o.onOutput?.(c.toString()));
  const exited = new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, sig) => resolve({ code, sig }));
  });
  let stopping: Promise<void> | undefined;
  const stopJob = (): Promise<void> =>
    (stopping ??= (async () => {
      if (o.stop !== undefined && o.stop !== "signal") {
        result.stoppedBy = "command";
        const [sx, ...sargs] = o.stop.command;
        await new Promise<void>((resolve) => spawn(sx!, sargs, { stdio: "ignore" }).once("exit", () => resolve()).once("error", () => resolve()));
      }
      if (!isAlive(child)) return;
      result.stoppedBy ??= "SIGTERM";
      killGroup(child, "SIGTERM");
      const grace = o.graceMs ?? 30_000;
      const killed = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), grace).unref())]);
      if (killed && isAlive(child)) {
        result.stoppedBy = "SIGKILL";
        killGroup(child, "SIGKILL");
      }
    })());
  const drain = () => {
    for (const rec of follower.poll()) {
      steps.push(rec);
      let decision: EarlyStopDecision | undefined;
      const mean = rec.data[MEAN_REWARD_METRIC];
      if (controller && !controller.stopped && typeof mean === "number" && Number.isFinite(mean)) {
        decision = controller.update(mean);
        if (decision.stop) {
          result.earlyStop = { verlStep: rec.step, decision };
          void stopJob();
        }
      }
      o.onStep?.(rec, decision);
    }
  };
  const onAbort = () => void stopJob();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setInterval(drain, o.pollMs ?? 1000);
  try {
    const { code, sig } = await exited;
    drain();
    await stopping;
    return { exitCode: code, exitSignal: sig, steps, ...result };
  } finally {
    clearInterval(timer);
    o.signal?.removeEventListener("abort", onAbort);
  }
}
