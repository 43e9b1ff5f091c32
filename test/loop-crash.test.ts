/**
 * Crash safety of `advfc run`: a run killed with SIGKILL at seeded random moments and resumed
 * each time (`advfc run --resume DIR`) ends with exactly the records of an uninterrupted run
 * with the same config — the same rollouts, bad cases and steps, same ids and content (wall
 * times and timestamps aside), no duplicates, no gaps. Runs the built CLI (`npm test` builds).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));
const seedsFile = fileURLToPath(new URL("../examples/seeds/seeds.jsonl", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "advfc-crash-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONFIG = `
name: crash
seeds: { files: [${JSON.stringify(seedsFile)}], eval: { fraction: 0.2 } }
roles: { query: { backend: baseline }, judge: { backend: baseline }, fc: { backend: baseline } }
iterations: 2
seeds_per_step: 32
rewrites_per_seed: 4
early_stop: { epsilon: 0.2, patience: 6, max_steps: 12 }
trainer: { type: baseline }
seed: 11
`;

function jsonl(path: string): any[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

const noTiming = ({ timing: _t, ...r }: any) => r;
const noWall = ({ wallMs: _w, ...r }: any) => r;

/** What must be identical across runs (wall times and timestamps left out). */
function snapshot(dir: string) {
  const out: Record<string, unknown> = {};
  for (let k = 0; existsSync(join(dir, `iter-${k}`)); k++) {
    const d = join(dir, `iter-${k}`);
    out[`iter-${k}/rollouts`] = jsonl(join(d, "rollouts.jsonl")).map(noTiming);
    out[`iter-${k}/bad-cases`] = jsonl(join(d, "bad-cases.jsonl")).map((b) => ({ ...b, rollout: noTiming(b.rollout) }));
    out[`iter-${k}/steps`] = jsonl(join(d, "steps.jsonl")).map(({ time: _t, ...s }) => s);
    out[`iter-${k}/eval`] = noWall(JSON.parse(readFileSync(join(d, "eval.json"), "utf8")));
    out[`iter-${k}/train`] = noWall(JSON.parse(readFileSync(join(d, "train.json"), "utf8")));
    out[`iter-${k}/fc-state`] = JSON.parse(readFileSync(join(d, "fc-state.json"), "utf8"));
  }
  return out;
}

/** Start the CLI, SIGKILL it after `ms` (unless it exits first); resolves to its exit code or "killed". */
function runFor(args: string[], ms: number): Promise<number | "killed"> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve("killed");
      else {
        if (code !== 0) process.stderr.write(err);
        resolve(code ?? -1);
      }
    });
  });
}

let config: string;
let whole: string;
beforeAll(() => {
  expect(existsSync(bin), `${bin} is missing; run \`npm run build\` first`).toBe(true);
  config = join(tmp, "crash.yaml");
  writeFileSync(config, CONFIG);
  whole = join(tmp, "whole");
  const r = spawnSync(process.execPath, [bin, "run", "--config", config, "--out", whole, "--quiet"], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}, 60_000);

describe("advfc run killed with SIGKILL and resumed", () => {
  it("ends with the records of an uninterrupted run", async () => {
    const dir = join(tmp, "killed");
    let x = 20240607;
    const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    let kills = 0;
    let code: number | "killed" = "killed";
    for (let attempt = 0; attempt < 30 && code !== 0; attempt++) {
      // Node starts in ~0.3 s; the run itself takes about a second.
      const ms = kills < 12 ? 350 + Math.floor(rand() * 700) : 60_000;
      const started = existsSync(join(dir, "manifest.json"));
      code = await runFor(started ? ["run", "--resume", dir, "--quiet"] : ["run", "--config", config, "--out", dir, "--quiet"], ms);
      if (code === "killed") kills++;
      else expect(code).toBe(0);
    }
    expect(code).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(3);
    const a = snapshot(whole);
    const b = snapshot(dir);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const key of Object.keys(a)) expect(b[key], key).toEqual(a[key]);
    const rollouts = jsonl(join(dir, "iter-0", "rollouts.jsonl"));
    expect(new Set(rollouts.map((r) => r.id)).size).toBe(rollouts.length);
    // most kills landed inside the run (after its manifest was written), each followed by a resume
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).resumes.length).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(dir, "run.lock"))).toBe(false);
  }, 120_000);

  it("refuses a second process on a directory in use, naming the owner's pid", async () => {
    const dir = join(tmp, "locked");
    const child = spawn(process.execPath, [bin, "run", "--config", config, "--out", dir, "--quiet"], { stdio: "ignore" });
    try {
      for (let i = 0; i < 200 && !existsSync(join(dir, "manifest.json")); i++) await new Promise((r) => setTimeout(r, 20));
      const r = spawnSync(process.execPath, [bin, "run", "--resume", dir], { encoding: "utf8" });
      // (the first run may, rarely, have finished already on a fast machine)
      if (child.exitCode === null) {
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`in use by pid ${child.pid}`);
      }
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});
