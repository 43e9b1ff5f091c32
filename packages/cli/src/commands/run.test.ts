import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { parseRunConfigText } from "@advfc/core";
import { afterAll, describe, expect, it } from "vitest";
import { runInit } from "./init.js";
import { runReport } from "./report.js";
import { runRun } from "./run.js";

const tmp = mkdtempSync(join(tmpdir(), "advfc-cli-run-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function io() {
  const out = { stdout: "", stderr: "" };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => (out.stdout += c.toString()));
  stderr.on("data", (c: Buffer) => (out.stderr += c.toString()));
  return { io: { stdin: new PassThrough(), stdout, stderr }, out };
}

describe("advfc init", () => {
  it("writes a commented config that validates, and refuses to overwrite", async () => {
    const file = join(tmp, "advfc.yaml");
    const a = io();
    expect(await runInit([file], a.io)).toBe(0);
    expect(parseRunConfigText(readFileSync(file, "utf8")).alpha).toBe(0.05);
    const b = io();
    expect(await runInit([file], b.io)).toBe(1);
    expect(b.out.stderr).toContain("--force");
  });
});

describe("advfc run + report", () => {
  it("runs the demo config with progress on stderr, then reports it as Markdown and JSON", async () => {
    const out = join(tmp, "demo");
    const demo = fileURLToPath(new URL("../../../../examples/demo.yaml", import.meta.url));
    const r = io();
    expect(await runRun(["--config", demo, "--out", out], r.io, {})).toBe(0);
    expect(r.out.stderr).toMatch(/iter 0 step 0: 128 rewrites \(128 total\), judge-valid \d+, ASR [\d.]+%, kept \d+, diversity 0\.\d{3}, mean reward -?[\d.]+ \(r_adv -?[\d.]+\), early-stop streak 0\/5/);
    const md = io();
    expect(await runReport([out], md.io)).toBe(0);
    expect(md.out.stdout).toMatch(/^\| 0 +\| single-call +\| \d+ +\| (converged|max_steps) @ step \d+/m);
    const js = io();
    expect(await runReport([out, "--format", "json"], js.io)).toBe(0);
    const summary = JSON.parse(js.out.stdout);
    expect(summary.iterations).toHaveLength(3);
    expect(summary.status).toBe("finished");
    // a second start into the same directory is refused: it already holds a run
    const again = io();
    expect(await runRun(["--config", demo, "--out", out], again.io, {})).toBe(1);
    expect(again.out.stderr).toContain("--resume");
  }, 60_000);

  it("explains a bad config by key path", async () => {
    const r = io();
    expect(await runRun(["--config", fileURLToPath(new URL("../../../../examples/README.md", import.meta.url))], r.io, {})).toBe(1);
    expect(r.out.stderr).toMatch(/invalid run config/);
  });
});

// verl needs GPUs and vLLM a GPU: here `python3 -m verl.trainer.main_ppo`, the model merger and
// `vllm serve` are played by stand-ins at their process boundaries (trainer-bridge/test-fixtures:
// fake-main-ppo.mjs, fake-model-merger.mjs, fake-vllm-serve.mjs — the last serves the scripted
// OpenAI server of @advfc/core/testing on the port it is given).
describe("advfc run with a verl-ppo FC trainer (stand-ins for verl and vLLM)", () => {
  const fixtures = fileURLToPath(new URL("../../../trainer-bridge/test-fixtures/", import.meta.url));
  const seeds = fileURLToPath(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url));

  async function freePort(): Promise<number> {
    const { createServer } = await import("node:net");
    return new Promise((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  }

  function writeConfig(file: string, fcUrl: string, trainer: Record<string, unknown>, fc: Record<string, unknown> = {}): void {
    const config = {
      name: "verl",
      seeds: { files: [seeds], eval: { fraction: 0.2 }, limit: 16 },
      roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "openai", base_urls: [fcUrl], model: "base-fc", retries: 1, backoff_ms: 1, timeout_s: 10, ...fc } },
      iterations: 2,
      seeds_per_step: 4,
      rewrites_per_seed: 2,
      early_stop: { epsilon: 0.2, patience: 2, max_steps: 2 },
      concurrency: 8,
      trainer,
    };
    writeFileSync(file, JSON.stringify(config));
  }

  it("trains, exports and serves the FC model; iteration 1 talks to the served model", async () => {
    const { startOpenAIServer } = await import("@advfc/core/testing");
    const base = await startOpenAIServer({ respond: () => ({ content: "[]" }) });
    const port = await freePort();
    const vllmLog = join(tmp, "vllm-requests.jsonl");
    process.env.FAKE_VLLM_LOG = vllmLog;
    try {
      const file = join(tmp, "verl-ppo.json");
      writeConfig(file, base.url, {
        type: "verl-ppo",
        verl: {
          trainer_command: [process.execPath, join(fixtures, "fake-main-ppo.mjs")],
          merge_command: [process.execPath, join(fixtures, "fake-model-merger.mjs")],
          serve: "spawn",
          serve_command: [process.execPath, join(fixtures, "fake-vllm-serve.mjs")],
          serve_port: port,
          serve_timeout_s: 30,
          reward_port: 0,
        },
      });
      const out = join(tmp, "verl-run");
      const r = io();
      expect(await runRun(["--config", file, "--out", out], r.io, {})).toBe(0);
      for (const k of [0, 1]) {
        const train = JSON.parse(readFileSync(join(out, `iter-${k}`, "train.json"), "utf8"));
        expect(train.trainer).toBe("verl-ppo");
        expect(train.fcState).toBe(true);
        const s = train.summary;
        expect(s.trainer).toBe("ppo");
        expect(s.exitCode).toBe(0);
        expect(s.checkpoints.latest).toBe(3); // the stand-in's three steps
        expect(s.checkpoints.paths).toEqual([join(out, `iter-${k}`, "verl-fc", "checkpoints", "global_step_3")]);
        const modelDir = join(out, `iter-${k}`, "verl-fc", "hf", "global_step_3");
        expect(s.modelDir).toBe(modelDir);
        expect(s.exportCommand).toEqual([process.execPath, join(fixtures, "fake-model-merger.mjs"), "merge", "--backend", "fsdp", "--local_dir", join(out, `iter-${k}`, "verl-fc", "checkpoints", "global_step_3", "actor"), "--target_dir", modelDir]);
        expect(JSON.parse(readFileSync(join(modelDir, "config.json"), "utf8")).merged_from).toContain("global_step_3");
        expect(s.served).toMatchObject({ mode: "spawn", baseUrl: `http://127.0.0.1:${port}/v1`, model: modelDir });
        expect(s.served.command).toContain("--enable-auto-tool-choice");
        expect(JSON.parse(readFileSync(join(out, `iter-${k}`, "fc-state.json"), "utf8")).modelDir).toBe(modelDir);
        // πF,k+1 is trained from πF,k: iteration 0 from the configured model, iteration 1 from the folder iteration 0 exported
        const plan = JSON.parse(readFileSync(s.plan, "utf8")) as { overrides: string[] };
        const startedFrom = k === 0 ? "base-fc" : join(out, "iter-0", "verl-fc", "hf", "global_step_3");
        expect(plan.overrides).toContain(`actor_rollout_ref.model.path=${startedFrom}`);
        expect(plan.overrides).toContain(`critic.model.path=${startedFrom}`);
      }
      // πF of iteration 1 is the model trained in iteration 0, answered by the stand-in server.
      const served = readFileSync(vllmLog, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { model: string });
      expect(served.length).toBeGreaterThan(0);
      expect(new Set(served.map((x) => x.model))).toEqual(new Set([join(out, "iter-0", "verl-fc", "hf", "global_step_3"), join(out, "iter-1", "verl-fc", "hf", "global_step_3")]));
      const eval1 = JSON.parse(readFileSync(join(out, "iter-1", "eval.json"), "utf8"));
      expect(eval1.fcBefore).toContain(join("iter-0", "verl-fc", "hf"));
      expect(r.out.stderr).toContain("the trained FC model answers at");
      // the spawned server was stopped on exit
      await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();
    } finally {
      delete process.env.FAKE_VLLM_LOG;
      await base.close();
    }
  }, 120_000);

  it("refuses an unusable verl trainer config before anything runs", async () => {
    const noServe = join(tmp, "verl-noserve.json");
    writeConfig(noServe, "http://127.0.0.1:9/v1", { type: "verl-ppo" });
    const a = io();
    expect(await runRun(["--config", noServe, "--out", join(tmp, "bad-1")], a.io, {})).toBe(1);
    expect(a.out.stderr).toMatch(/trainer\.verl\.serve: Expected "spawn", or trainer\.verl\.serve_base_url/);
    const typo = join(tmp, "verl-typo.json");
    writeConfig(typo, "http://127.0.0.1:9/v1", { type: "verl-sft", verl: { serve: "spawn", serve_prot: 8000 } });
    const b = io();
    expect(await runRun(["--config", typo, "--out", join(tmp, "bad-2")], b.io, {})).toBe(1);
    expect(b.out.stderr).toContain("trainer.verl.serve_prot: Expected no such key");
    const external = join(tmp, "verl-external.json");
    writeConfig(external, "http://127.0.0.1:9/v1", { type: "verl-lora", verl: { serve: "external", serve_base_url: "http://localhost:8003" } });
    const c = io();
    expect(await runRun(["--config", external, "--out", join(tmp, "bad-3")], c.io, {})).toBe(1);
    expect(c.out.stderr).toContain("trainer.verl.serve_base_url: Expected an http(s) URL ending in /v1");
    const baselineFc = join(tmp, "verl-baseline-fc.json");
    writeConfig(baselineFc, "http://127.0.0.1:9/v1", { type: "verl-ppo", verl: { serve: "spawn" } });
    const cfg = JSON.parse(readFileSync(baselineFc, "utf8"));
    cfg.roles.fc = { backend: "baseline" };
    writeFileSync(baselineFc, JSON.stringify(cfg));
    const d = io();
    expect(await runRun(["--config", baselineFc, "--out", join(tmp, "bad-4")], d.io, {})).toBe(1);
    expect(d.out.stderr).toContain('roles.fc.backend: Expected "openai"');
    // the trained FC and query models both spawned on one port
    const clash = join(tmp, "verl-port-clash.json");
    writeConfig(clash, "http://127.0.0.1:9/v1", { type: "verl-ppo", verl: { serve: "spawn", serve_port: 8001, query_serve: "spawn" } });
    const cc = JSON.parse(readFileSync(clash, "utf8"));
    cc.roles.query = { backend: "openai", base_urls: ["http://127.0.0.1:9/v1"], model: "q", train: "verl-ppo" };
    writeFileSync(clash, JSON.stringify(cc));
    const e = io();
    expect(await runRun(["--config", clash, "--out", join(tmp, "bad-5")], e.io, {})).toBe(1);
    expect(e.out.stderr).toContain("trainer.verl.query_serve_port: Expected a port other than trainer.verl.serve_port (8001");
  });
});

// roles.query.train: verl-ppo — the query phase is a verl PPO run of the query model. verl
// needs GPUs: fake-main-ppo.mjs stands in for `python3 -m verl.trainer.main_ppo` and, with
// FAKE_VERL_POST=1, for verl's reward function too (it POSTs each step's batch to the reward
// server at $ADVFC_REWARD_URL directly, in the request format of python/advfc_reward.py);
// fake-model-merger.mjs stands in for verl's model merger. The trained query model is served
// `external`ly at the query role's endpoint: the scripted OpenAI server plays the restarted vLLM.
describe("advfc run with roles.query.train: verl-ppo (stand-ins for verl and vLLM)", () => {
  const fixtures = fileURLToPath(new URL("../../../trainer-bridge/test-fixtures/", import.meta.url));
  const seeds = fileURLToPath(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url));

  it("trains the query model with the reward server as the query phase, stops it on early stop, trains πF on its bad cases, and reports", async () => {
    const { startOpenAIServer } = await import("@advfc/core/testing");
    const query = await startOpenAIServer({ model: "base-query", respond: () => ({ content: "please do this" }) });
    // An FC model that answers no call: every judge-valid rewrite is a bad case.
    const fcServer = await startOpenAIServer({ model: "base-fc", respond: () => ({ content: "[]" }) });
    process.env.FAKE_VERL_POST = "1";
    process.env.FAKE_VERL_REWARDS = Array.from({ length: 30 }, () => "0").join(",");
    process.env.FAKE_VERL_PACE_MS = "30";
    try {
      const file = join(tmp, "verl-query.json");
      writeFileSync(
        file,
        JSON.stringify({
          name: "vq",
          seeds: { files: [seeds], eval: { fraction: 0.2 }, limit: 16 },
          roles: {
            query: { backend: "openai", base_urls: [query.url], model: "base-query", retries: 1, backoff_ms: 1, timeout_s: 10, train: "verl-ppo" },
            judge: { backend: "baseline" },
            fc: { backend: "openai", base_urls: [fcServer.url], model: "base-fc", retries: 1, backoff_ms: 1, timeout_s: 10 },
          },
          iterations: 1,
          seeds_per_step: 4,
          rewrites_per_seed: 2,
          early_stop: { epsilon: 0.2, patience: 2, max_steps: 3 },
          concurrency: 8,
          trainer: {
            type: "none",
            verl: {
              trainer_command: [process.execPath, join(fixtures, "fake-main-ppo.mjs")],
              merge_command: [process.execPath, join(fixtures, "fake-model-merger.mjs")],
              serve_timeout_s: 30,
              reward_port: 0,
              stop_grace_s: 5,
              overrides: { "trainer.save_freq": 1 },
            },
          },
        }),
      );
      const out = join(tmp, "verl-query-run");
      const r = io();
      expect(await runRun(["--config", file, "--out", out], r.io, {})).toBe(0);
      const iter = join(out, "iter-0");
      // The reward server committed the query phase to iter-0 in the loop's format.
      const steps = readFileSync(join(iter, "steps.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
      expect(steps.length).toBeGreaterThanOrEqual(1);
      expect(steps.length).toBeLessThanOrEqual(3);
      expect(steps.at(-1)!.earlyStop.stop).toBe(true);
      expect(steps[0]).toMatchObject({ iteration: 0, step: 0, stage: "single-call", rollouts: 8 });
      expect(typeof steps[0]!.stage1.passed).toBe("number");
      const bad = readFileSync(join(iter, "bad-cases.jsonl"), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
      expect(bad.length).toBeGreaterThan(0);
      expect(bad[0]!.id).toMatch(/^adv-vq-i0-s\d+-\d+$/);
      expect(bad[0]!.rollout.iteration).toBe(0);
      expect(readFileSync(join(iter, "rollouts.jsonl"), "utf8").trim().split("\n")).toHaveLength(steps.reduce((a, s) => a + (s.rollouts as number), 0));
      expect(bad[0]!.rollout.fc.raw).toBe("[]");
      // train.json: πF trained on those bad cases; the query model's checkpoints, early stop and serving.
      const train = JSON.parse(readFileSync(join(iter, "train.json"), "utf8"));
      expect(train.trainer).toBe("none");
      expect(train.badCases).toBe(bad.length);
      const q = train.query;
      expect(q.trainer).toBe("verl-ppo");
      expect(q.earlyStop).not.toBeNull();
      expect(q.stoppedBy).toBe("SIGTERM");
      expect(q.checkpoints.latest).toBeGreaterThanOrEqual(1);
      expect(q.checkpoints.paths.at(-1)).toBe(join(iter, "query-train", "checkpoints", `global_step_${q.checkpoints.latest}`));
      expect(q.modelDir).toBe(join(iter, "query-train", "hf", `global_step_${q.checkpoints.latest}`));
      expect(q.served).toMatchObject({ mode: "external", baseUrl: query.url, model: "base-query" });
      expect(JSON.parse(readFileSync(join(iter, "query-phase.json"), "utf8")).badCases).toBe(bad.length);
      expect(JSON.parse(readFileSync(join(iter, "eval.json"), "utf8")).badCases.before.n).toBe(bad.length);
      expect(r.out.stderr).toContain("stopping verl");
      expect(r.out.stderr).toContain("the trained query model answers at");
      // external serving: the command to restart the user's server with is printed
      expect(r.out.stderr).toContain(`serve the trained model at ${query.url} (restart your server with it): vllm serve ${join(iter, "query-train", "hf")}`);
      // the loop never sampled the query model itself
      expect(query.requests.length).toBe(0);
      const md = io();
      expect(await runReport([out], md.io)).toBe(0);
      expect(md.out.stdout).toMatch(/^\| 0 +\| single-call +\| \d+ +\| (converged|max_steps) @ step \d+/m);
    } finally {
      delete process.env.FAKE_VERL_POST;
      delete process.env.FAKE_VERL_REWARDS;
      delete process.env.FAKE_VERL_PACE_MS;
      await query.close();
      await fcServer.close();
    }
  }, 120_000);
});

// Resume (`advfc run --resume DIR`) of runs whose roles verl trains. verl needs GPUs and vLLM a
// GPU: the same stand-ins play them at their process boundaries (trainer-bridge/test-fixtures:
// fake-main-ppo.mjs for `python3 -m verl.trainer.main_ppo` — scripted to crash a job with
// FAKE_VERL_EXIT_AT_STEP / FAKE_VERL_EXIT_IF_DIR and to log every start to FAKE_VERL_INVOCATIONS;
// fake-model-merger.mjs for the merger; fake-vllm-serve.mjs for `vllm serve`, logging every start
// to FAKE_VLLM_STARTS). The stand-in trainer always starts a job from step 1 (real verl, with
// trainer.resume_mode=auto, would continue from the last checkpoint in the same folder). Either
// way a rerun's metrics.jsonl is its own: the crashed attempt's is kept as metrics.attempt-1.jsonl.
describe("advfc run --resume with verl-trained roles (stand-ins for verl and vLLM)", () => {
  const fixtures = fileURLToPath(new URL("../../../trainer-bridge/test-fixtures/", import.meta.url));
  const seeds = fileURLToPath(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url));
  const FAKE_ENV = ["FAKE_VERL_INVOCATIONS", "FAKE_VERL_EXIT_AT_STEP", "FAKE_VERL_EXIT_IF_DIR", "FAKE_VERL_POST", "FAKE_VERL_REWARDS", "FAKE_VERL_PACE_MS", "FAKE_VLLM_LOG", "FAKE_VLLM_STARTS"];
  afterAll(() => FAKE_ENV.forEach((k) => delete process.env[k]));

  const jsonl = (path: string): any[] =>
    existsSync(path)
      ? readFileSync(path, "utf8")
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l))
      : [];
  const json = (path: string): any => JSON.parse(readFileSync(path, "utf8"));

  async function freePort(): Promise<number> {
    const { createServer } = await import("node:net");
    return new Promise((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  }

  /** Content and mtime of files that must not be rewritten. */
  const fingerprint = (paths: string[]) => paths.map((p) => ({ p, content: readFileSync(p, "utf8"), mtimeMs: statSync(p).mtimeMs }));

  it("a crash in iteration 1's FC training: resume serves iteration 0's saved model folder again (not retrained) and finishes iteration 1 from it", async () => {
    const { startOpenAIServer } = await import("@advfc/core/testing");
    const base = await startOpenAIServer({ respond: () => ({ content: "[]" }) });
    const port = await freePort();
    const out = join(tmp, "verl-fc-resume");
    const verlStarts = join(tmp, "verl-fc-resume.verl-starts.jsonl");
    const vllmStarts = join(tmp, "verl-fc-resume.vllm-starts.jsonl");
    const requestsBefore = join(tmp, "verl-fc-resume.requests-1.jsonl");
    const requestsAfter = join(tmp, "verl-fc-resume.requests-2.jsonl");
    const file = join(tmp, "verl-fc-resume.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "verl-resume",
        seeds: { files: [seeds], eval: { fraction: 0.2 }, limit: 16 },
        roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "openai", base_urls: [base.url], model: "base-fc", retries: 1, backoff_ms: 1, timeout_s: 10 } },
        iterations: 2,
        seeds_per_step: 4,
        rewrites_per_seed: 2,
        early_stop: { epsilon: 0.2, patience: 2, max_steps: 2 },
        concurrency: 8,
        trainer: {
          type: "verl-ppo",
          verl: {
            trainer_command: [process.execPath, join(fixtures, "fake-main-ppo.mjs")],
            merge_command: [process.execPath, join(fixtures, "fake-model-merger.mjs")],
            serve: "spawn",
            serve_command: [process.execPath, join(fixtures, "fake-vllm-serve.mjs")],
            serve_port: port,
            serve_timeout_s: 30,
            reward_port: 0,
          },
        },
      }),
    );
    const iter = (k: number, ...p: string[]) => join(out, `iter-${k}`, ...p);
    const hf = (k: number) => iter(k, "verl-fc", "hf", "global_step_3");
    const ckpt = (k: number) => iter(k, "verl-fc", "checkpoints");
    Object.assign(process.env, { FAKE_VERL_INVOCATIONS: verlStarts, FAKE_VLLM_STARTS: vllmStarts, FAKE_VLLM_LOG: requestsBefore, FAKE_VERL_EXIT_AT_STEP: "1", FAKE_VERL_EXIT_IF_DIR: iter(1) + sep });
    try {
      // 1. Iteration 0 trains, exports and serves πF,1; iteration 1's query phase commits its
      //    steps; then iteration 1's verl job dies after its first step and the run fails.
      const a = io();
      expect(await runRun(["--config", file, "--out", out], a.io, {})).toBe(1);
      expect(a.out.stderr).toMatch(/iteration 1: verl exited with code 1; see .*trainer\.log/);
      for (const f of ["train.json", "fc-state.json", "eval.json"]) expect(existsSync(iter(0, f)), f).toBe(true);
      expect(json(iter(0, "fc-state.json"))).toEqual({ format: "advfc-verl-fc/1", modelDir: hf(0), served: { baseUrl: `http://127.0.0.1:${port}/v1`, model: hf(0), mode: "spawn" } });
      expect(existsSync(iter(1, "train.json"))).toBe(false);
      expect(existsSync(iter(1, "eval.json"))).toBe(false);
      const iter1Steps = readFileSync(iter(1, "steps.jsonl"), "utf8");
      expect(iter1Steps.trim().split("\n").length).toBeGreaterThanOrEqual(1);
      expect(jsonl(verlStarts).map((s) => s.dir)).toEqual([ckpt(0), ckpt(1)]);
      expect(jsonl(vllmStarts).map((s) => s.dir)).toEqual([hf(0)]);
      // the spawned server was stopped when the failed run ended, and its record in the run directory removed
      await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();
      expect(existsSync(join(out, `serve-${port}.json`))).toBe(false);
      // the crashed job's metrics: one step
      const crashedMetrics = readFileSync(iter(1, "verl-fc", "metrics.jsonl"), "utf8");
      expect(jsonl(iter(1, "verl-fc", "metrics.jsonl")).map((r) => r.step)).toEqual([1]);
      const iter0Files = ["fc-state.json", "train.json", "eval.json", "rollouts.jsonl", "bad-cases.jsonl", "steps.jsonl", join("verl-fc", "metrics.jsonl"), join("verl-fc", "hf", "global_step_3", "config.json"), join("verl-fc", "checkpoints", "latest_checkpointed_iteration.txt")].map((f) => iter(0, f));
      const before = fingerprint(iter0Files);

      // 2. Resume (the verl job no longer crashes).
      delete process.env.FAKE_VERL_EXIT_AT_STEP;
      delete process.env.FAKE_VERL_EXIT_IF_DIR;
      process.env.FAKE_VLLM_LOG = requestsAfter;
      const b = io();
      // While the restored server answers iteration 1's evaluation, it is recorded in the run
      // directory (so that a resume after a hard kill of advfc could stop it).
      let recorded: any;
      b.io.stderr.on("data", () => {
        if (recorded === undefined && b.out.stderr.includes("iteration 1: evaluating fc:")) recorded = existsSync(join(out, `serve-${port}.json`)) ? json(join(out, `serve-${port}.json`)) : null;
      });
      expect(await runRun(["--resume", out], b.io, {})).toBe(0);
      expect(b.out.stderr).toMatch(/resume: iteration 1 has \d+ committed steps/);
      expect(recorded).toMatchObject({ format: "advfc-serve/1", pid: jsonl(vllmStarts)[1].pid, port, modelDir: hf(0), advfc: { pid: process.pid } });
      expect(b.out.stderr).not.toContain("no saved FC state to restore");
      // Iteration 0's model was not trained again: one verl job for iteration 0 in all, and its
      // files (fc-state, train/eval records, metrics, checkpoint marker, the merged folder) are untouched.
      expect(jsonl(verlStarts).map((s) => s.dir)).toEqual([ckpt(0), ckpt(1), ckpt(1)]);
      expect(fingerprint(iter0Files)).toEqual(before);
      // The saved folder was served again (first start of the resumed run), then iteration 1's model.
      expect(jsonl(vllmStarts).map((s) => s.dir)).toEqual([hf(0), hf(0), hf(1)]);
      // πF,1 (iteration 0's model, served again) answered iteration 1's evaluation before training.
      const asked = jsonl(requestsAfter).map((r) => r.dir as string);
      expect(asked[0]).toBe(hf(0));
      expect(new Set(asked)).toEqual(new Set([hf(0), hf(1)]));
      const eval1 = json(iter(1, "eval.json"));
      expect(eval1.fcBefore).toContain(hf(0));
      expect(eval1.fcAfter).toContain(hf(1));
      // Iteration 1's committed query phase was kept as it was, and its training finished.
      expect(readFileSync(iter(1, "steps.jsonl"), "utf8")).toBe(iter1Steps);
      const train1 = json(iter(1, "train.json"));
      expect(train1).toMatchObject({ trainer: "verl-ppo", fcState: true, summary: { exitCode: 0, modelDir: hf(1), checkpoints: { latest: 3 } } });
      // Its step count is the finished job's three, not 1 + 3: the crashed job's metrics were
      // moved aside before the rerun (and kept).
      expect(train1.summary.steps).toBe(3);
      expect(jsonl(iter(1, "verl-fc", "metrics.jsonl")).map((r) => r.step)).toEqual([1, 2, 3]);
      expect(readFileSync(iter(1, "verl-fc", "metrics.attempt-1.jsonl"), "utf8")).toBe(crashedMetrics);
      expect(train1.badCases).toBe(jsonl(iter(1, "bad-cases.jsonl")).length);
      expect(json(iter(1, "fc-state.json")).modelDir).toBe(hf(1));
      // The run's own records agree: one resume, finished, both iterations trained.
      expect(json(join(out, "manifest.json")).resumes).toHaveLength(1);
      const summary = json(join(out, "summary.json"));
      expect(summary.status).toBe("finished");
      expect(summary.iterations.map((it: any) => it.trained)).toEqual([true, true]);
      expect(summary.totals.badCases).toBe(jsonl(iter(0, "bad-cases.jsonl")).length + jsonl(iter(1, "bad-cases.jsonl")).length);
      const md = io();
      expect(await runReport([out], md.io)).toBe(0);
      expect(md.out.stdout).toMatch(/^\| 1 +\| /m);
      // the restored / new server was stopped on exit
      await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();
      expect(existsSync(join(out, `serve-${port}.json`))).toBe(false);
    } finally {
      FAKE_ENV.forEach((k) => delete process.env[k]);
      await base.close();
    }
  }, 60_000);

  it("query-model PPO interrupted mid-run: resume reruns the phase appending to the committed steps (same records as an uninterrupted run); a finished phase is skipped", async () => {
    const { startOpenAIServer } = await import("@advfc/core/testing");
    const query = await startOpenAIServer({ model: "base-query", respond: () => ({ content: "please do this" }) });
    // An FC model that answers no call: every judge-valid rewrite is a bad case.
    const fcServer = await startOpenAIServer({ model: "base-fc", respond: () => ({ content: "[]" }) });
    const verlStarts = join(tmp, "vq-resume.verl-starts.jsonl");
    // The stand-in POSTs the same batch every step: step 0 keeps every bad case, later steps
    // only repeat them (dropped as exact duplicates), and early stop converges at step 2.
    Object.assign(process.env, { FAKE_VERL_POST: "1", FAKE_VERL_REWARDS: Array.from({ length: 30 }, () => "0").join(","), FAKE_VERL_PACE_MS: "30", FAKE_VERL_INVOCATIONS: verlStarts });
    const file = join(tmp, "vq-resume.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "vqr",
        seeds: { files: [seeds], eval: { fraction: 0.2 }, limit: 16 },
        roles: {
          query: { backend: "openai", base_urls: [query.url], model: "base-query", retries: 1, backoff_ms: 1, timeout_s: 10, train: "verl-ppo" },
          judge: { backend: "baseline" },
          fc: { backend: "openai", base_urls: [fcServer.url], model: "base-fc", retries: 1, backoff_ms: 1, timeout_s: 10 },
        },
        iterations: 2,
        seeds_per_step: 4,
        rewrites_per_seed: 2,
        early_stop: { epsilon: 0.2, patience: 2, max_steps: 4 },
        concurrency: 8,
        trainer: {
          type: "none",
          verl: {
            trainer_command: [process.execPath, join(fixtures, "fake-main-ppo.mjs")],
            merge_command: [process.execPath, join(fixtures, "fake-model-merger.mjs")],
            serve_timeout_s: 30,
            reward_port: 0,
            stop_grace_s: 5,
            overrides: { "trainer.save_freq": 1 },
          },
        },
      }),
    );
    /** The records that must match an uninterrupted run (wall times, timestamps and paths aside). */
    const records = (dir: string) => {
      const r: Record<string, unknown> = {};
      for (const k of [0, 1]) {
        const d = join(dir, `iter-${k}`);
        r[`iter-${k}/steps`] = jsonl(join(d, "steps.jsonl")).map(({ time: _t, ...s }) => s);
        r[`iter-${k}/rollouts`] = jsonl(join(d, "rollouts.jsonl")).map(({ timing: _t, ...x }) => x);
        r[`iter-${k}/bad-cases`] = jsonl(join(d, "bad-cases.jsonl")).map((b) => ({ ...b, rollout: (({ timing: _t, ...x }) => x)(b.rollout) }));
        r[`iter-${k}/eval`] = (({ wallMs: _w, ...e }) => e)(json(join(d, "eval.json")));
      }
      return r;
    };
    const starts = (dir: string) => jsonl(verlStarts).filter((s) => (s.dir as string).startsWith(dir + sep));
    try {
      const whole = join(tmp, "vq-whole");
      expect(await runRun(["--config", file, "--out", whole], io().io, {})).toBe(0);
      expect(jsonl(join(whole, "iter-0", "steps.jsonl")).map((s) => s.step)).toEqual([0, 1, 2]);

      const out = join(tmp, "vq-resume");
      const iter = (k: number, ...p: string[]) => join(out, `iter-${k}`, ...p);
      const qckpt = (k: number) => iter(k, "query-train", "checkpoints");
      // 1. Iteration 0's verl job dies after its second step: two steps are committed, the phase is unfinished.
      Object.assign(process.env, { FAKE_VERL_EXIT_AT_STEP: "2", FAKE_VERL_EXIT_IF_DIR: iter(0) + sep });
      const a = io();
      expect(await runRun(["--config", file, "--out", out], a.io, {})).toBe(1);
      expect(a.out.stderr).toMatch(/iteration 0: verl \(query model\) exited with code 1/);
      const committed = jsonl(iter(0, "steps.jsonl"));
      expect(committed.map((s) => s.step)).toEqual([0, 1]);
      expect(committed.map((s) => s.earlyStop.stop)).toEqual([false, false]);
      const committedBad = jsonl(iter(0, "bad-cases.jsonl"));
      expect(committedBad.length).toBeGreaterThan(0);
      expect(existsSync(iter(0, "query-phase.json"))).toBe(false);
      expect(existsSync(iter(0, "train.json"))).toBe(false);
      expect(starts(out).map((s) => s.dir)).toEqual([qckpt(0)]);
      const crashedMetrics = readFileSync(iter(0, "query-train", "metrics.jsonl"), "utf8");
      expect(jsonl(iter(0, "query-train", "metrics.jsonl")).map((r) => r.step)).toEqual([1, 2]);
      delete process.env.FAKE_VERL_EXIT_AT_STEP;
      delete process.env.FAKE_VERL_EXIT_IF_DIR;

      // 2. Resume: iteration 0's query phase runs again; Ctrl-C (once) during iteration 1's query
      //    phase lets that phase finish (query-phase.json) and stops before its FC phase.
      const proc = new EventEmitter();
      const b = io();
      let interrupted = false;
      b.io.stderr.on("data", () => {
        if (!interrupted && b.out.stderr.includes("iteration 1: reward server (role query)")) {
          interrupted = true;
          setImmediate(() => proc.emit("SIGINT"));
        }
      });
      const codeB = await runRun(["--resume", out], b.io, { process: proc as unknown as NodeJS.Process });
      expect(codeB, b.out.stderr).toBe(130);
      expect(interrupted).toBe(true);
      expect(b.out.stderr).toMatch(new RegExp(`resume: iteration 0 has 2 committed steps and ${committedBad.length} bad cases`));
      expect(starts(out).map((s) => s.dir)).toEqual([qckpt(0), qckpt(0), qckpt(1)]);
      // The rerun appended to the committed steps: numbering continues at 2, the committed lines
      // are kept byte for byte, the early-stop state carries on (converged at step 2, as uninterrupted).
      const steps0 = jsonl(iter(0, "steps.jsonl"));
      expect(steps0.map((s) => s.step)).toEqual([0, 1, 2]);
      expect(steps0.slice(0, 2)).toEqual(committed);
      expect(steps0[2].earlyStop).toMatchObject({ stop: true, step: 2 });
      // No bad case twice: the rerun's repeats of committed bad cases were dropped as duplicates.
      const bad0 = jsonl(iter(0, "bad-cases.jsonl"));
      expect(bad0).toEqual(committedBad);
      expect(steps0[2].kept).toBe(0);
      expect(steps0[2].dropped.exact_duplicate).toBeGreaterThan(0);
      const rollouts0 = jsonl(iter(0, "rollouts.jsonl"));
      expect(new Set(rollouts0.map((r) => r.id)).size).toBe(rollouts0.length);
      expect(rollouts0.length).toBe(steps0.reduce((n, s) => n + s.rollouts, 0));
      expect(json(iter(0, "query-phase.json"))).toMatchObject({ steps: 3, rollouts: rollouts0.length, badCases: bad0.length });
      expect(json(iter(0, "train.json")).query.trainer).toBe("verl-ppo");
      // verl's step count is the rerun's alone (its metrics.jsonl, from step 1; few or no lines, as
      // early stop fires on the rerun's first batch); the crashed job's two steps were moved aside
      // to metrics.attempt-1.jsonl before the rerun, not counted again.
      const rerunSteps = jsonl(iter(0, "query-train", "metrics.jsonl")).map((r) => r.step);
      expect(rerunSteps).toEqual(rerunSteps.map((_, i) => i + 1));
      expect(json(iter(0, "query-phase.json")).summary.verlSteps).toBe(rerunSteps.length);
      expect(readFileSync(iter(0, "query-train", "metrics.attempt-1.jsonl"), "utf8")).toBe(crashedMetrics);
      // Iteration 1's query PPO started from the query model iteration 0's rerun exported.
      expect(starts(out)[2].model).toBe(json(iter(0, "query-phase.json")).summary.modelDir);
      expect(existsSync(iter(1, "query-phase.json"))).toBe(true);
      expect(existsSync(iter(1, "train.json"))).toBe(false);
      const iter1Files = ["query-phase.json", "steps.jsonl", "rollouts.jsonl", "bad-cases.jsonl", join("query-train", "metrics.jsonl")].map((f) => iter(1, f));
      const before = fingerprint(iter1Files);

      // 3. Resume again: iteration 1's finished query phase is skipped (no verl job, its records
      //    untouched); its FC phase runs on the committed bad cases.
      const c = io();
      expect(await runRun(["--resume", out], c.io, {})).toBe(0);
      expect(starts(out)).toHaveLength(3);
      expect(fingerprint(iter1Files)).toEqual(before);
      expect(c.out.stderr).not.toContain("iteration 1: query phase");
      const train1 = json(iter(1, "train.json"));
      expect(train1.query).toEqual(json(iter(1, "query-phase.json")).summary);
      expect(train1.badCases).toBe(jsonl(iter(1, "bad-cases.jsonl")).length);
      expect(json(join(out, "summary.json")).status).toBe("finished");

      // Same records as the uninterrupted run: nothing lost, nothing twice.
      const x = records(whole);
      const y = records(out);
      const rel = (v: unknown, dir: string) => JSON.parse(JSON.stringify(v).replaceAll(dir, "<run>"));
      for (const key of Object.keys(x)) expect(rel(y[key], out), key).toEqual(rel(x[key], whole));
    } finally {
      FAKE_ENV.forEach((k) => delete process.env[k]);
      await query.close();
      await fcServer.close();
    }
  }, 60_000);
});
