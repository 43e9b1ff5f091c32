#!/usr/bin/env node
// A stand-in for `python3 -m verl.trainer.main_ppo` (which needs GPUs), faithful AT ITS
// BOUNDARY only: it takes Hydra overrides (`key=value`, `+key=value`), appends verl's
// file-logger records `{"step": N, "data": {...}}` to $VERL_FILE_LOGGER_PATH, writes checkpoint
// folders `<trainer.default_local_dir>/global_step_N/{actor,critic}` every `trainer.save_freq`
// steps plus `latest_checkpointed_iteration.txt`, and exits on SIGTERM.
//
// Scripted by environment:
//   FAKE_VERL_REWARDS        comma-separated mean rewards, one per step (critic/score/mean)
//   FAKE_VERL_PACE_MS        ms between steps (default 20)
//   FAKE_VERL_IGNORE_SIGTERM "1": ignore SIGTERM (so only SIGKILL ends it)
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const overrides = {};
for (const arg of process.argv.slice(2)) {
  const m = /^\+?([\w.]+)=(.*)$/s.exec(arg);
  if (!m) {
    process.stderr.write(`fake-main-ppo: not a Hydra override: ${arg}\n`);
    process.exit(2);
  }
  overrides[m[1]] = m[2];
}
const need = ["data.train_files", "actor_rollout_ref.model.path", "custom_reward_function.path", "trainer.default_local_dir"];
for (const k of need) {
  if (!(k in overrides)) {
    process.stderr.write(`fake-main-ppo: missing override ${k}\n`);
    process.exit(2);
  }
}
for (const f of overrides["data.train_files"].replace(/^\[|\]$/g, "").split(",")) {
  const path = f.trim().replace(/^'|'$/g, "");
  if (!existsSync(path)) {
    process.stderr.write(`fake-main-ppo: train file not found: ${path}\n`);
    process.exit(2);
  }
}
const logPath = process.env.VERL_FILE_LOGGER_PATH;
if (!logPath) {
  process.stderr.write("fake-main-ppo: VERL_FILE_LOGGER_PATH is not set\n");
  process.exit(2);
}
const rewards = (process.env.FAKE_VERL_REWARDS ?? "0.1,0.2,0.3").split(",").map(Number);
const pace = Number(process.env.FAKE_VERL_PACE_MS ?? 20);
const saveFreq = Number(overrides["trainer.save_freq"] ?? -1);
const ckptDir = overrides["trainer.default_local_dir"];

if (process.env.FAKE_VERL_IGNORE_SIGTERM === "1") process.on("SIGTERM", () => process.stdout.write("fake-main-ppo: ignoring SIGTERM\n"));
else process.on("SIGTERM", () => process.exit(143));

function checkpoint(step) {
  for (const part of ["actor", "critic"]) {
    const dir = join(ckptDir, `global_step_${step}`, part);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "model_world_size_1_rank_0.pt"), "fake");
  }
  writeFileSync(join(ckptDir, "latest_checkpointed_iteration.txt"), String(step));
}

let step = 0;
const tick = () => {
  step++;
  const mean = rewards[step - 1];
  appendFileSync(logPath, `${JSON.stringify({ step, data: { "critic/score/mean": mean, "actor/pg_loss": 0.01 * step } })}\n`);
  process.stdout.write(`step:${step} critic/score/mean:${mean}\n`);
  if (saveFreq > 0 && step % saveFreq === 0) checkpoint(step);
  if (step < rewards.length) setTimeout(tick, pace);
  else {
    checkpoint(step);
    // Keep running briefly only when asked to ignore SIGTERM (so the escalation can be observed).
    if (process.env.FAKE_VERL_IGNORE_SIGTERM === "1") setInterval(() => {}, 1000);
  }
};
setTimeout(tick, pace);
