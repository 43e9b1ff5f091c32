import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runTrain } from "./train.js";

const tmp = mkdtempSync(join(tmpdir(), "advfc-cli-train-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const VLLM_YAML = fileURLToPath(new URL("../../../../examples/vllm.yaml", import.meta.url));
const SHIM = fileURLToPath(new URL("../../../trainer-bridge/python/advfc_reward.py", import.meta.url));

function io() {
  const out = { stdout: "", stderr: "" };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => (out.stdout += c.toString()));
  stderr.on("data", (c: Buffer) => (out.stderr += c.toString()));
  return { io: { stdin: new PassThrough(), stdout, stderr }, out };
}

describe("advfc train query --dry-run on examples/vllm.yaml", () => {
  it("writes the datasets and config and prints a complete verl launch", async () => {
    const out = join(tmp, "query");
    const r = io();
    expect(await runTrain(["query", "--config", VLLM_YAML, "--iteration", "0", "--dry-run", "--out", out], r.io)).toBe(0);
    const text = r.out.stdout;
    expect(text).toContain(`advfc serve reward --role query --config ${VLLM_YAML} --port 8765 &`);
    expect(text).toContain(`VERL_FILE_LOGGER_PATH=${join(out, "metrics.jsonl")} ADVFC_REWARD_URL=http://127.0.0.1:8765`);
    expect(text).toContain("python3 -m verl.trainer.main_ppo");
    for (const arg of [
      `"data.train_files=['${join(out, "data", "train.parquet")}']"`,
      "actor_rollout_ref.model.path=Qwen/Qwen2.5-7B-Instruct",
      "critic.model.path=Qwen/Qwen2.5-7B-Instruct",
      "algorithm.adv_estimator=gae",
      "reward_model.reward_manager=batch",
      "reward_model.use_reward_loop=False",
      `custom_reward_function.path=${SHIM}`,
      "trainer.n_gpus_per_node=8",
      "trainer.nnodes=1",
      "trainer.total_training_steps=500",
      // B = seeds_per_step prompts × rewrites_per_seed responses; enough epochs for the step cap (190 seeds / 64 = 2 steps per epoch).
      "data.train_batch_size=64",
      "actor_rollout_ref.rollout.n=8",
      "trainer.total_epochs=250",
      `trainer.default_local_dir=${join(out, "checkpoints")}`,
      `trainer.resume_mode=auto`,
    ]) {
      expect(text).toContain(`    ${arg} \\\n`);
    }
    expect(text).toContain(`python3 -m verl.model_merger merge --backend fsdp --local_dir "${join(out, "checkpoints", "global_step_<N>", "actor")}" --target_dir "${join(out, "hf", "global_step_<N>")}"\n`);
    expect(text).toContain(`vllm serve "${join(out, "hf", "global_step_<N>")}" --enable-auto-tool-choice --tool-call-parser hermes\n`);
    expect(text).toContain(`    trainer.rollout_data_dir=${join(out, "rollouts")}\n`);
    expect(existsSync(join(out, "data", "train.parquet"))).toBe(true);
    expect(existsSync(join(out, "data", "val.parquet"))).toBe(true);
    expect(readFileSync(join(out, "verl-overrides.txt"), "utf8")).toContain("trainer.logger=['console','file']\n");
    expect(readFileSync(join(out, "verl-config.yaml"), "utf8")).toContain("reward_manager: batch");
  });

  it("fc with trainer.verl absent uses the FC role's model preset (Qwen3-0.6B: 4 GPUs, no-think)", async () => {
    const out = join(tmp, "fc");
    const r = io();
    expect(await runTrain(["fc", "--config", VLLM_YAML, "--iteration", "0", "--dry-run", "--out", out], r.io)).toBe(0);
    expect(r.out.stdout).toContain("actor_rollout_ref.model.path=Qwen/Qwen3-0.6B");
    expect(r.out.stdout).toContain("trainer.n_gpus_per_node=4");
    expect(r.out.stdout).toContain("+data.apply_chat_template_kwargs.enable_thinking=False");
    expect(r.out.stdout).toContain("advfc serve reward --role fc");
  });

  it("--verl FILE: Ray submission, and a typo'd override is refused with the nearest key", async () => {
    const verl = join(tmp, "verl.json");
    writeFileSync(verl, JSON.stringify({ ray_address: "http://head:8265", fc_trainer: "lora" }));
    const r = io();
    expect(await runTrain(["fc", "--config", VLLM_YAML, "--iteration", "0", "--dry-run", "--out", join(tmp, "ray"), "--verl", verl], r.io)).toBe(0);
    expect(r.out.stdout).toContain("ray job submit --address http://head:8265 --submission-id advfc-");
    expect(r.out.stdout).toContain("-m verl.trainer.fsdp_sft_trainer");
    expect(r.out.stdout).toContain("model.lora_rank=32");
    expect(r.out.stdout).toContain("ray job stop --address http://head:8265");
    writeFileSync(verl, JSON.stringify({ overrides: { "trainer.total_epoch": 2 } }));
    const bad = io();
    expect(await runTrain(["query", "--config", VLLM_YAML, "--iteration", "0", "--dry-run", "--out", join(tmp, "bad"), "--verl", verl], bad.io)).toBe(1);
    expect(bad.out.stderr).toContain('did you mean "trainer.total_epochs"');
  });

  it("refuses a missing role or iteration", async () => {
    const r = io();
    expect(await runTrain(["--config", VLLM_YAML, "--iteration", "0"], r.io)).toBe(2);
    expect(await runTrain(["query", "--config", VLLM_YAML], r.io)).toBe(2);
    expect(await runTrain(["query", "--config", VLLM_YAML, "--iteration", "-1"], r.io)).toBe(2);
  });
});
