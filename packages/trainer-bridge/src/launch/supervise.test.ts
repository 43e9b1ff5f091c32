// The trainer here is test-fixtures/fake-main-ppo.mjs, a stand-in for verl's main_ppo (which
// needs GPUs): it takes the same overrides and environment, writes the same file-logger
// records and checkpoint folders, and obeys (or, when told, ignores) SIGTERM.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRunConfig } from "@advfc/core";
import { afterAll, describe, expect, it } from "vitest";
import { prepareTraining } from "./plan.js";
import { runTrainingPlan } from "./run.js";
import { superviseTraining } from "./supervise.js";

const FAKE = fileURLToPath(new URL("../../test-fixtures/fake-main-ppo.mjs", import.meta.url));
const VLLM_YAML = fileURLToPath(new URL("../../../../examples/vllm.yaml", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "advfc-verl-launch-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Deltas: .4 .4 .1 .05 .05 … → with ε = 0.2, patience 3 the streak reaches 3 at τ = 5 (0-based),
// which is verl's step 6 (verl counts from 1).
const PLATEAU = [0.1, 0.5, 0.9, 1.0, 1.05, 1.1, 1.12, 1.3, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36, 1.37, 1.38, 1.39, 1.4, 1.41, 1.42];

function minimalArgs(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return [`data.train_files=['${FAKE}']`, "actor_rollout_ref.model.path=m", "custom_reward_function.path=p", `trainer.default_local_dir=${join(dir, "ckpt")}`, "trainer.save_freq=2"];
}

describe("superviseTraining early stop", () => {
  it("stops the trainer at exactly the step where |Δ mean reward| < ε has held for `patience` steps", async () => {
    const dir = join(tmp, "plateau");
    const metricsFile = join(dir, "metrics.jsonl");
    const seen: number[] = [];
    const r = await superviseTraining({
      command: [process.execPath, FAKE, ...minimalArgs(dir)],
      env: { ...process.env, VERL_FILE_LOGGER_PATH: metricsFile, FAKE_VERL_REWARDS: PLATEAU.join(","), FAKE_VERL_PACE_MS: "60" },
      metricsFile,
      earlyStop: { epsilon: 0.2, patience: 3 },
      pollMs: 10,
      graceMs: 5000,
      onStep: (rec) => seen.push(rec.step),
    });
    expect(r.earlyStop?.verlStep).toBe(6);
    expect(r.earlyStop?.decision).toMatchObject({ stop: true, reason: "converged", step: 5, streak: 3 });
    expect(r.stoppedBy).toBe("SIGTERM");
    expect(r.exitCode === 143 || r.exitSignal === "SIGTERM").toBe(true);
    // Stopped long before the scripted 20 steps ran out.
    expect(r.steps.length).toBeLessThan(10);
    expect(seen.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("runs to the end when the reward keeps moving (no early stop)", async () => {
    const dir = join(tmp, "moving");
    const metricsFile = join(dir, "metrics.jsonl");
    const r = await superviseTraining({
      command: [process.execPath, FAKE, ...minimalArgs(dir)],
      env: { ...process.env, VERL_FILE_LOGGER_PATH: metricsFile, FAKE_VERL_REWARDS: "0,1,0,1,0", FAKE_VERL_PACE_MS: "5" },
      metricsFile,
      earlyStop: { epsilon: 0.2, patience: 3 },
      pollMs: 10,
    });
    expect(r.earlyStop).toBeUndefined();
    expect(r.stoppedBy).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(r.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
  });

  it("escalates SIGTERM to SIGKILL after the grace period when the trainer ignores SIGTERM", async () => {
    const dir = join(tmp, "stubborn");
    const metricsFile = join(dir, "metrics.jsonl");
    const t0 = Date.now();
    const r = await superviseTraining({
      command: [process.execPath, FAKE, ...minimalArgs(dir)],
      env: { ...process.env, VERL_FILE_LOGGER_PATH: metricsFile, FAKE_VERL_REWARDS: "0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5", FAKE_VERL_PACE_MS: "20", FAKE_VERL_IGNORE_SIGTERM: "1" },
      metricsFile,
      earlyStop: { epsilon: 0.2, patience: 2 },
      pollMs: 10,
      graceMs: 400,
    });
    expect(r.earlyStop?.verlStep).toBe(3);
    expect(r.stoppedBy).toBe("SIGKILL");
    expect(r.exitSignal).toBe("SIGKILL");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  });
});

describe("superviseTraining on a rerun (the stand-in crashes a job with FAKE_VERL_EXIT_AT_STEP)", () => {
  it("moves the earlier attempt's metrics aside (numbered) so the rerun counts only its own steps", async () => {
    const dir = join(tmp, "rerun");
    const metricsFile = join(dir, "metrics.jsonl");
    const attempt = (env: NodeJS.ProcessEnv) =>
      superviseTraining({
        command: [process.execPath, FAKE, ...minimalArgs(dir)],
        env: { ...process.env, VERL_FILE_LOGGER_PATH: metricsFile, FAKE_VERL_REWARDS: "0.1,0.2,0.3,0.4", FAKE_VERL_PACE_MS: "5", ...env },
        metricsFile,
        pollMs: 10,
      });
    const steps = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { step: number }).step);
    // 1. The job dies after its second step.
    const a = await attempt({ FAKE_VERL_EXIT_AT_STEP: "2" });
    expect(a.exitCode).toBe(1);
    expect(a.steps.map((s) => s.step)).toEqual([1, 2]);
    expect(a.metricsSetAside).toBeUndefined();
    const crashed = readFileSync(metricsFile, "utf8");
    // 2. The rerun (verl's file logger appends to the same path): only its own four steps count.
    const b = await attempt({});
    expect(b.exitCode).toBe(0);
    expect(b.steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(b.metricsSetAside).toBe(join(dir, "metrics.attempt-1.jsonl"));
    expect(readFileSync(b.metricsSetAside!, "utf8")).toBe(crashed);
    expect(steps(metricsFile)).toEqual([1, 2, 3, 4]);
    // 3. Another launch: the finished attempt's file gets the next number; nothing is overwritten.
    const c = await attempt({ FAKE_VERL_EXIT_AT_STEP: "1" });
    expect(c.steps.map((s) => s.step)).toEqual([1]);
    expect(c.metricsSetAside).toBe(join(dir, "metrics.attempt-2.jsonl"));
    expect(steps(join(dir, "metrics.attempt-1.jsonl"))).toEqual([1, 2]);
    expect(steps(join(dir, "metrics.attempt-2.jsonl"))).toEqual([1, 2, 3, 4]);
  });
});

describe("runTrainingPlan on a prepared plan", () => {
  it("runs the planned trainer with its overrides and env, stops it early, and records the checkpoints and export commands", async () => {
    const out = join(tmp, "plan-run");
    const config = await loadRunConfig(VLLM_YAML);
    const plan = await prepareTraining({ role: "query", config, configFile: VLLM_YAML, iteration: 0, outDir: out, verl: { trainer_command: [process.execPath, FAKE], overrides: { "trainer.save_freq": 2 } } });
    const r = await runTrainingPlan(plan, {
      startRewardServer: false,
      earlyStop: { epsilon: 0.2, patience: 3 },
      pollMs: 10,
      graceMs: 5000,
      env: { FAKE_VERL_REWARDS: PLATEAU.join(","), FAKE_VERL_PACE_MS: "60" },
    });
    expect(r.earlyStop?.verlStep).toBe(6);
    expect(r.checkpoints.steps.slice(0, 3)).toEqual([2, 4, 6]);
    expect(r.checkpoints.latest).toBeGreaterThanOrEqual(6);
    const n = r.checkpoints.latest!;
    expect(r.exportCommand).toEqual(["python3", "-m", "verl.model_merger", "merge", "--backend", "fsdp", "--local_dir", join(out, "checkpoints", `global_step_${n}`, "actor"), "--target_dir", join(out, "hf", `global_step_${n}`)]);
    expect(r.serveCommand).toEqual(["vllm", "serve", join(out, "hf", `global_step_${n}`), "--enable-auto-tool-choice", "--tool-call-parser", "hermes"]);
    expect(existsSync(join(out, "metrics.jsonl"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "result.json"), "utf8")).earlyStop.verlStep).toBe(6);
  });
});
