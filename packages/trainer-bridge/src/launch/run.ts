/**
 * `advfc train` second half: run a {@link TrainingPlan} — start the reward server, run verl
 * (locally or through Ray), stop it on early stop, stop the reward server, and record where
 * the checkpoints are and how to export and serve the last one (`result.json` in the output).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EarlyStopOptions } from "@advfc/core";
import type { VerlMetricsRecord } from "./metrics.js";
import { listCheckpoints, type TrainingPlan } from "./plan.js";
import { superviseTraining, type SuperviseResult } from "./supervise.js";

/** Options of {@link runTrainingPlan}. */
export interface RunTrainingOptions {
  /** Early stop (the query model: the run config's early_stop). Absent = run to the end. */
  earlyStop?: EarlyStopOptions;
  /** Start the plan's reward server as a child process. @default true */
  startRewardServer?: boolean;
  /** How long to wait for the reward server to answer, ms. @default 120_000 */
  rewardServerTimeoutMs?: number;
  /** Metrics poll interval, ms. @default 1000 */
  pollMs?: number;
  /** SIGTERM → SIGKILL grace, ms. @default the verl section's stop_grace_s */
  graceMs?: number;
  onStep?: (record: VerlMetricsRecord, stop: boolean) => void;
  onOutput?: (chunk: string) => void;
  /** Extra environment for the trainer (tests script the stand-in trainer with it). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** What a training run left behind. */
export interface TrainingResult extends SuperviseResult {
  checkpoints: { dir: string; steps: number[]; latest?: number };
  /** Export and serve commands for the latest checkpoint (absent when there is none). */
  exportCommand?: string[];
  serveCommand?: string[];
}

async function waitForServer(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the reward server exited (code ${child.exitCode}) before answering at ${url}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() - t0 > timeoutMs) throw new Error(`the reward server did not answer at ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Run a prepared plan to its end (or early stop) and record the result. */
export async function runTrainingPlan(plan: TrainingPlan, o: RunTrainingOptions = {}): Promise<TrainingResult> {
  let server: ChildProcess | undefined;
  try {
    if (plan.rewardServer && (o.startRewardServer ?? true)) {
      const [exe, ...args] = plan.rewardServer.command;
      server = spawn(exe!, args, { stdio: ["ignore", "inherit", "inherit"] });
      await waitForServer(plan.rewardServer.url, server, o.rewardServerTimeoutMs ?? 120_000);
    }
    const result = await superviseTraining({
      command: plan.command,
      env: { ...process.env, ...o.env, ...plan.env },
      metricsFile: plan.metricsFile,
      ...(o.earlyStop ? { earlyStop: o.earlyStop } : {}),
      stop: plan.ray ? { command: plan.ray.stopCommand } : "signal",
      graceMs: o.graceMs ?? plan.section.stop_grace_s * 1000,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      onStep: (rec, d) => o.onStep?.(rec, d?.stop ?? false),
      ...(o.onOutput ? { onOutput: o.onOutput } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const ck = listCheckpoints(plan.checkpointDir);
    const n = ck.latest !== undefined ? String(ck.latest) : undefined;
    const out: TrainingResult = {
      ...result,
      checkpoints: { dir: plan.checkpointDir, ...ck },
      ...(n !== undefined ? { exportCommand: plan.exportCommand.map((a) => a.replace("<N>", n)), serveCommand: plan.serveCommand.map((a) => a.replace("<N>", n)) } : {}),
    };
    writeFileSync(join(plan.outDir, "result.json"), `${JSON.stringify(out, null, 2)}\n`);
    return out;
  } finally {
    if (server && server.exitCode === null) server.kill("SIGTERM");
  }
}
