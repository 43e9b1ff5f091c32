/**
 * Algorithm 1 end to end with the real weight-free baselines (bandit rewriter, rule judge,
 * lexical function caller + its trainer) on a subset of examples/seeds/seeds.jsonl, through
 * `startRun` (config → seeds → lock → manifest → loop → summary).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBackends, parseRunConfig, startRun, type IterationEval, type StepRecord } from "@advfc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const examples = fileURLToPath(new URL("../examples/", import.meta.url));
let dir: string;
let run: Awaited<ReturnType<typeof startRun>>;

function jsonl(path: string): any[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), "advfc-e2e-")), "run");
  const config = parseRunConfig({
    name: "e2e",
    seeds: { files: ["seeds/seeds.jsonl"], eval: { fraction: 0.25 }, limit: 80 },
    roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "baseline" } },
    iterations: 2,
    seeds_per_step: 16,
    rewrites_per_seed: 3,
    early_stop: { epsilon: 0.2, patience: 3, max_steps: 12 },
    trainer: { type: "baseline" },
    seed: 3,
  });
  run = await startRun({ config, baseDir: examples, out: dir, backends: createBackends });
}, 120_000);

afterAll(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

describe("a baseline run", () => {
  it("finishes both iterations and writes the run directory", () => {
    expect(run.result.status).toBe("finished");
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.seeds.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.roles.fc.kind).toBe("baseline");
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).status).toBe("finished");
  });

  it("finds bad cases with stable, unique ids and full provenance", () => {
    let total = 0;
    for (const k of [0, 1]) {
      const bad = jsonl(join(dir, `iter-${k}`, "bad-cases.jsonl"));
      const rollouts = jsonl(join(dir, `iter-${k}`, "rollouts.jsonl"));
      expect(new Set(rollouts.map((r) => r.id)).size).toBe(rollouts.length);
      for (const b of bad) {
        expect(b.id).toMatch(new RegExp(`^adv-e2e-i${k}-s\\d+-.+-\\d+$`));
        expect(b.rollout.check.valid).toBe(false);
        expect(b.rollout.reward.rAdv).toBe(1);
        expect(rollouts.some((r) => r.id === b.rollout.id)).toBe(true);
      }
      total += bad.length;
    }
    expect(total).toBeGreaterThan(0);
    expect(total).toBe(run.result.badCases);
  });

  it("raises the FC model's accuracy on the bad cases by training on them", () => {
    for (const k of [0, 1]) {
      const ev = JSON.parse(readFileSync(join(dir, `iter-${k}`, "eval.json"), "utf8")) as IterationEval;
      expect(ev.badCases.before.n).toBeGreaterThan(0);
      // bad cases are, by definition, what πF,k got wrong
      expect(ev.badCases.before.accuracy).toBe(0);
      expect(ev.badCases.after.accuracy).toBeGreaterThan(ev.badCases.before.accuracy);
      expect(ev.evalSplit.before.n).toBeGreaterThan(0);
    }
  });

  it("stops each query phase early on a plateau of mean r_adv", () => {
    const reasons = [0, 1].map((k) => {
      const steps = jsonl(join(dir, `iter-${k}`, "steps.jsonl")) as StepRecord[];
      const last = steps[steps.length - 1]!;
      expect(last.earlyStop.stop).toBe(true);
      return last.earlyStop.reason;
    });
    expect(reasons).toContain("converged");
    expect(run.summary.iterations.map((it) => it.stage)).toEqual(["single-call", "multi-call"]);
  });
});
