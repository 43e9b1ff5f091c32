import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
