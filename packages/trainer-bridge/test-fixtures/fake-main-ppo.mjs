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
//   FAKE_VERL_POST           "1": play verl's reward function too — each step POSTs one batch to
//                            $ADVFC_REWARD_URL/score in the shim's request format (directly, not
//                            through python/advfc_reward.py): the first data.train_batch_size
//                            rows of the train parquet × actor_rollout_ref.rollout.n responses,
//                            each the prompt's "rewrite this" message with FAKE_VERL_PREFIX
//                            before it; the step's critic/score/mean is the batch's mean score.
//   FAKE_VERL_EXIT_AT_STEP   "N": crash — exit with code 1 right after step N (its POST, metrics
//                            line and checkpoint, if one is due), as a verl job that dies mid-run
//   FAKE_VERL_EXIT_IF_DIR    only crash (FAKE_VERL_EXIT_AT_STEP) when trainer.default_local_dir
//                            contains this string, e.g. "iter-1/" to crash one iteration's job only
//   FAKE_VERL_INVOCATIONS    a file: one JSON line per start, {"pid", "dir", "model"} (dir =
//                            trainer.default_local_dir, model = actor_rollout_ref.model.path), so
//                            tests can count which jobs were (re)started
// Unlike verl (trainer.resume_mode=auto), it always starts from step 1, whatever checkpoints the
// folder already holds.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
if (process.env.FAKE_VERL_INVOCATIONS) {
  appendFileSync(process.env.FAKE_VERL_INVOCATIONS, `${JSON.stringify({ pid: process.pid, dir: overrides["trainer.default_local_dir"], model: overrides["actor_rollout_ref.model.path"] })}\n`);
}
const rewards = (process.env.FAKE_VERL_REWARDS ?? "0.1,0.2,0.3").split(",").map(Number);
const pace = Number(process.env.FAKE_VERL_PACE_MS ?? 20);
const saveFreq = Number(overrides["trainer.save_freq"] ?? -1);
const ckptDir = overrides["trainer.default_local_dir"];
const exitAt = process.env.FAKE_VERL_EXIT_AT_STEP !== undefined && ckptDir.includes(process.env.FAKE_VERL_EXIT_IF_DIR ?? "") ? Number(process.env.FAKE_VERL_EXIT_AT_STEP) : undefined;

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

const post = process.env.FAKE_VERL_POST === "1";
let rows;
async function scoreBatch() {
  const url = process.env.ADVFC_REWARD_URL;
  if (!url) throw new Error("fake-main-ppo: FAKE_VERL_POST=1 but ADVFC_REWARD_URL is not set");
  if (rows === undefined) {
    const { parquetReadObjects } = await import("hyparquet");
    const file = overrides["data.train_files"].replace(/^\[|\]$/g, "").split(",")[0].trim().replace(/^'|'$/g, "");
    const b = readFileSync(file);
    rows = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) });
  }
  const batch = Number(overrides["data.train_batch_size"] ?? rows.length);
  const n = Number(overrides["actor_rollout_ref.rollout.n"] ?? 1);
  const items = rows.slice(0, batch).flatMap((r) => Array.from({ length: n }, () => r));
  const prefix = process.env.FAKE_VERL_PREFIX ?? "hey, ";
  const query = (r) => /## The user's last message \(rewrite this\)\n([\s\S]*?)\n\n## Correct answer/.exec(r.prompt[1].content)?.[1] ?? "";
  const big = (_k, v) => (typeof v === "bigint" ? Number(v) : v);
  const body = JSON.stringify(
    { data_sources: items.map((r) => r.data_source), solution_strs: items.map((r) => `${prefix}${query(r)}`), ground_truths: items.map((r) => r.reward_model.ground_truth), extra_infos: items.map((r) => r.extra_info) },
    big,
  );
  const res = await fetch(`${url.replace(/\/$/, "")}/score`, { method: "POST", headers: { "content-type": "application/json" }, body });
  if (!res.ok) throw new Error(`fake-main-ppo: POST /score answered ${res.status}: ${await res.text()}`);
  const { results } = await res.json();
  return results.reduce((a, x) => a + x.score, 0) / results.length;
}

let step = 0;
const tick = async () => {
  step++;
  const mean = post ? await scoreBatch() : rewards[step - 1];
  appendFileSync(logPath, `${JSON.stringify({ step, data: { "critic/score/mean": mean, "actor/pg_loss": 0.01 * step } })}\n`);
  process.stdout.write(`step:${step} critic/score/mean:${mean}\n`);
  if (saveFreq > 0 && step % saveFreq === 0) checkpoint(step);
  if (step === exitAt) {
    process.stderr.write(`fake-main-ppo: crashing after step ${step} (FAKE_VERL_EXIT_AT_STEP)\n`);
    process.exit(1);
  }
  if (step < rewards.length) setTimeout(() => tick().catch((e) => { process.stderr.write(`${e.message}\n`); process.exit(1); }), pace);
  else {
    checkpoint(step);
    // Keep running briefly only when asked to ignore SIGTERM (so the escalation can be observed).
    if (process.env.FAKE_VERL_IGNORE_SIGTERM === "1") setInterval(() => {}, 1000);
  }
};
setTimeout(() => tick().catch((e) => { process.stderr.write(`${e.message}\n`); process.exit(1); }), pace);
