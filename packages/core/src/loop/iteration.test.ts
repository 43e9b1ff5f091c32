/**
 * Algorithm 1's loop with in-process role doubles (the end-to-end tests with the real baselines
 * and with OpenAI roles against the scripted server are in test/): records, metrics, early stop,
 * training, evaluation, the commit protocol and resume.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashEmbedder } from "@advfc/native-embed";
import { afterEach, describe, expect, it } from "vitest";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { parseRunConfig, type RunConfig } from "./config.js";
import { runLoop, withoutTiming, type LoopRoles, type StepRecord } from "./iteration.js";
import { seedQuery } from "./prompts.js";
import { summarizeRun } from "./report.js";
import type { FcRole, FcTrainer, QueryRole, RewriteFeedback } from "./roles.js";
import { RunStore } from "./run-store.js";

const CITIES = ["Paris", "Lyon", "Nice", "Lille", "Rome", "Oslo", "Bern", "Kyiv", "Riga", "Baku", "Doha", "Lima"];
const tools = [{ name: "get_weather", parameters: { type: "dict", properties: { city: { type: "string" } }, required: ["city"] } }];
const seeds: Sample[] = CITIES.map((city, i) =>
  SampleSchema.parse({
    id: `s${i}`,
    messages: [{ role: "user", content: `What's the weather in ${city}?` }],
    tools,
    expected: { calls: [{ name: "get_weather", args: { city: [city] } }] },
    category: "simple_python",
    language: "python",
    source: { format: "advfc" },
  }),
);
const cityOf = (text: string) => CITIES.find((c) => text.includes(c));

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

const TEMPLATES = ["Weather for {c}, please", "I'm off to {c} tomorrow. How's the sky there?", "{c}: rain or shine?", "tell me the forecast, city = {c}", "Is it cold in {c} right now"];

/** Deterministic given (seed, iteration, step, index) and its learner state (a counter). */
class QueryDouble implements QueryRole {
  readonly name = "query-double";
  readonly kind = "baseline" as const;
  updates = 0;
  seen: RewriteFeedback[][] = [];
  async rewrite(r: { sample: Sample; iteration: number; step: number; index: number }) {
    const h = hash(`${r.sample.id}/${r.iteration}/${r.step}/${r.index}/${this.updates}`);
    if (h % 11 === 0) return { ok: false as const, reason: "no idea" };
    const t = h % TEMPLATES.length;
    const city = cityOf(seedQuery(r.sample))!;
    return { ok: true as const, rewrite: `${TEMPLATES[t]!.replace("{c}", city)} (v${h % 97})`, operator: `t${t}` };
  }
  update(f: readonly RewriteFeedback[]) {
    this.updates++;
    this.seen.push([...f]);
  }
  saveState() {
    return { updates: this.updates };
  }
  restoreState(s: unknown) {
    this.updates = (s as { updates: number }).updates;
  }
}

/** FC double: right on the seeds' wording and on memorised texts, wrong on templates 1 and 2. */
class FcDouble implements FcRole {
  readonly kind = "baseline" as const;
  constructor(
    readonly memory: ReadonlySet<string> = new Set(),
    readonly name = "fc-double",
  ) {}
  async answer({ sample }: { sample: Sample }) {
    const text = seedQuery(sample);
    const city = cityOf(text) ?? "?";
    const hard = text.includes("sky there") || text.includes("rain or shine");
    return { raw: `[get_weather(city='${hard && !this.memory.has(text) ? "Atlantis" : city}')]`, mode: "prompt" as const };
  }
  saveState() {
    return [...this.memory];
  }
}

const trainer: FcTrainer = {
  name: "memorise",
  async train({ fc, badCases }) {
    const memory = new Set([...(fc as FcDouble).memory, ...badCases.map((b) => seedQuery(b.sample))]);
    return { fc: new FcDouble(memory, `fc-double+${memory.size}`), summary: { memorised: memory.size } };
  },
};

const judge = {
  name: "judge-double",
  kind: "baseline" as const,
  async judge({ rewrite }: { rewrite: string }) {
    const s1 = cityOf(rewrite) !== undefined;
    const s2 = !rewrite.startsWith("tell me");
    const passed = s1 && s2;
    return {
      result: { toolMatch: { passed: s1, reason: "x" }, ...(s1 ? { reasoning: { passed: s2, reason: "y" } } : {}) },
      passed,
      rJudge: passed ? 1 : -1,
    };
  },
};

function makeConfig(over: Record<string, unknown> = {}): RunConfig {
  return parseRunConfig({
    name: "t",
    seeds: { files: ["unused"] },
    roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "baseline" } },
    iterations: 2,
    seeds_per_step: 4,
    rewrites_per_seed: 2,
    early_stop: { epsilon: 0.5, patience: 2, max_steps: 6 },
    trainer: { type: "baseline" },
    concurrency: 3,
    ...over,
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "advfc-loop-"));
  dirs.push(d);
  return d;
}

async function run(dir: string, config = makeConfig(), extra: { stopAfterSteps?: number; query?: QueryDouble } = {}) {
  const roles: LoopRoles = { query: extra.query ?? new QueryDouble(), judge, fc: new FcDouble() };
  const stop = new AbortController();
  let steps = 0;
  const result = await runLoop({
    config,
    store: new RunStore(dir),
    seeds: seeds.slice(0, 10),
    evalSamples: seeds.slice(10),
    roles,
    trainer,
    embedder: new HashEmbedder(),
    restoreFc: (state) => new FcDouble(new Set(state as string[]), `fc-double+${(state as string[]).length}`),
    stopSignal: stop.signal,
    onEvent: (e) => {
      if (e.type === "step" && ++steps === extra.stopAfterSteps) stop.abort();
    },
  });
  return { result, roles };
}

function lines(path: string): any[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

/** Everything a run wrote, less wall times and timestamps. */
function snapshot(dir: string) {
  const store = new RunStore(dir);
  return store.iterations().map((k) => ({
    rollouts: lines(join(store.iterationDir(k), "rollouts.jsonl")).map(withoutTiming),
    badCases: lines(join(store.iterationDir(k), "bad-cases.jsonl")).map((b) => ({ ...b, rollout: withoutTiming(b.rollout) })),
    steps: lines(join(store.iterationDir(k), "steps.jsonl")).map(({ time: _t, ...s }) => s),
    eval: (({ wallMs: _w, ...e }) => e)(JSON.parse(readFileSync(store.evalPath(k), "utf8"))),
  }));
}

describe("runLoop", () => {
  it("writes every rollout once, finds bad cases, stops early and trains the FC model on them", async () => {
    const dir = tmp();
    const { result, roles } = await run(dir);
    expect(result.status).toBe("finished");
    const store = new RunStore(dir);
    expect(store.iterations()).toEqual([0, 1]);
    for (const k of [0, 1]) {
      const steps = lines(join(store.iterationDir(k), "steps.jsonl")) as StepRecord[];
      const rollouts = lines(join(store.iterationDir(k), "rollouts.jsonl"));
      expect(rollouts).toHaveLength(steps.length * 8);
      expect(new Set(rollouts.map((r) => r.id)).size).toBe(rollouts.length);
      expect(rollouts[0].id).toMatch(/^t-i\d-s0-s\d+-0$/);
      // the last step is the one the controller fired on
      expect(steps[steps.length - 1]!.earlyStop.stop).toBe(true);
      expect(steps.slice(0, -1).every((s) => !s.earlyStop.stop)).toBe(true);
      for (const s of steps) {
        const mine = rollouts.filter((r) => r.step === s.step);
        expect(s.meanRAdv).toBeCloseTo(mine.reduce((a, r) => a + r.reward.rAdv, 0) / mine.length, 12);
        expect(s.failures.rewrite).toBe(mine.filter((r) => r.failure?.stage === "rewrite").length);
        expect(s.judgeValid).toBe(mine.filter((r) => r.reward.rJudge === 1).length);
        // only judge-valid rewrites reach the FC model
        expect(mine.filter((r) => r.check.errorType === "not_asked").length).toBe(mine.length - s.judgeValid);
        if (s.judgeValid > 0) expect(s.asr).toBeCloseTo(s.candidates / s.judgeValid, 12);
        // diversity shares: a failed rewrite gets none; r_adv + share = total
        for (const r of mine) {
          expect(r.reward.total).toBeCloseTo(r.reward.rAdv + r.reward.diversity, 12);
          if (r.failure?.stage === "rewrite") expect(r.reward.diversity).toBe(0);
        }
      }
      // iteration k attacks πF,k: the model trained at the end of iteration k − 1
      const attacked = k === 0 ? "fc-double" : JSON.parse(readFileSync(store.trainPath(k - 1), "utf8")).fc;
      expect(new Set(steps.map((s) => s.fc))).toEqual(new Set([attacked]));
      const ev = JSON.parse(readFileSync(store.evalPath(k), "utf8"));
      expect(ev.fcBefore).toBe(attacked);
      expect(ev.badCases.before.n).toBeGreaterThan(0);
      expect(ev.badCases.before.accuracy).toBe(0);
      expect(ev.badCases.after.accuracy).toBe(1);
    }
    // the query role learned once per step, from every rollout of the step
    expect(roles.query instanceof QueryDouble && roles.query.seen.every((f) => f.length === 8)).toBe(true);
    const summary = summarizeRun(dir);
    expect(summary.iterations.map((it) => it.fcAccuracy.badCasesAfter)).toEqual([1, 1]);
    expect(summary.iterations[0]!.earlyStop?.reason).toMatch(/converged|max_steps/);
    expect(summary.totals.badCases).toBe(result.badCases);
  });

  it("fires early stop on a plateau (converged, not max_steps)", async () => {
    const dir = tmp();
    // ε = 2 > any |Δ mean r_adv|: every comparison is small, so it converges at step = patience.
    await run(dir, makeConfig({ early_stop: { epsilon: 2.5, patience: 3, max_steps: 50 }, iterations: 1 }));
    const steps = lines(join(new RunStore(dir).iterationDir(0), "steps.jsonl")) as StepRecord[];
    expect(steps).toHaveLength(4);
    expect(steps[3]!.earlyStop).toMatchObject({ stop: true, reason: "converged", streak: 3 });
  });

  it("resumes after an interruption and a torn write with the same records as an uninterrupted run", async () => {
    const whole = tmp();
    await run(whole);
    const parts = tmp();
    const first = await run(parts, makeConfig(), { stopAfterSteps: 3 });
    expect(first.result.status).toBe("interrupted");
    // Simulate a crash in the middle of the next step: its rollouts written, a torn steps line.
    const it0 = new RunStore(parts).iterationDir(0);
    const committed = lines(join(it0, "rollouts.jsonl"));
    appendFileSync(join(it0, "rollouts.jsonl"), JSON.stringify({ ...committed[0], step: 3, id: "ghost" }) + "\n");
    appendFileSync(join(it0, "steps.jsonl"), '{"iteration":0,"step":3,"rollo');
    const second = await run(parts, makeConfig(), { stopAfterSteps: 5 });
    expect(second.result.status).toBe("interrupted");
    const third = await run(parts);
    expect(third.result.status).toBe("finished");
    expect(snapshot(parts)).toEqual(snapshot(whole));
  });
});

describe("a query phase hook (roles.query.train: verl-ppo)", () => {
  it("replaces the step loop; the FC phase trains on the bad cases it committed, and train.json records what it did", async () => {
    const dir = tmp();
    const config = makeConfig({ iterations: 2 });
    const query = new QueryDouble();
    const roles: LoopRoles = { query, judge, fc: new FcDouble() };
    const calls: Array<{ iteration: number; stage: string; seeds: number; fc: string; query: string }> = [];
    const replaced: QueryRole = { name: "trained-query", kind: "openai", rewrite: async () => ({ ok: false, reason: "unused" }) };
    const result = await runLoop({
      config,
      store: new RunStore(dir),
      seeds: seeds.slice(0, 10),
      evalSamples: seeds.slice(10),
      roles,
      trainer,
      embedder: new HashEmbedder(),
      restoreFc: (state) => new FcDouble(new Set(state as string[]), `fc-double+${(state as string[]).length}`),
      queryPhase: async (ctx) => {
        calls.push({ iteration: ctx.iteration, stage: ctx.stage.name, seeds: ctx.stage.seeds.length, fc: ctx.roles.fc.name, query: ctx.roles.query.name });
        // Stands in for the reward server: commit one step with one bad case to iter-<k>.
        const seed = ctx.stage.seeds[0]!;
        const rewrite = `I'm off to ${cityOf(seedQuery(seed))} tomorrow. How's the sky there? (${ctx.iteration})`;
        const rollout = { id: `r${ctx.iteration}`, seedId: seed.id, iteration: ctx.iteration, step: 0, rewrite, judge: { toolMatch: { passed: true, reason: "ok" }, reasoning: { passed: true, reason: "ok", keepsKeyFields: true, userPerspective: true } }, fc: { raw: "[get_weather(city='Atlantis')]" }, check: { valid: false, outcome: "call" }, reward: { rJudge: 1, rAdv: 1, total: 1 } } as never;
        const bad = { id: `adv-r${ctx.iteration}`, sample: { ...seed, id: `adv-r${ctx.iteration}`, messages: [{ role: "user" as const, content: rewrite }] }, rollout, seed: { id: seed.id, category: seed.category } } as never;
        const { IterationLog } = await import("./run-store.js");
        const log = new IterationLog(ctx.workDir);
        log.recover();
        log.commitStep([rollout], [bad], { iteration: ctx.iteration, step: 0, rollouts: 1, kept: 1 });
        log.close();
        return { badCases: [bad], rollouts: 1, steps: 1, query: replaced, summary: { trainer: "stand-in", checkpoints: { latest: 3 } } };
      },
    });
    expect(result.status).toBe("finished");
    expect(result.badCases).toBe(2);
    expect(result.rollouts).toBe(2);
    expect(calls.map((c) => c.iteration)).toEqual([0, 1]);
    expect(calls[0]!.query).toBe("query-double");
    expect(calls[1]!.query).toBe("trained-query"); // the query role the previous phase returned
    expect(calls[1]!.fc).not.toBe(calls[0]!.fc); // πF,1 is the trained one
    expect(query.updates).toBe(0); // the loop never sampled the query role itself
    for (const k of [0, 1]) {
      const train = JSON.parse(readFileSync(join(dir, `iter-${k}`, "train.json"), "utf8"));
      expect(train.badCases).toBe(1);
      expect(train.query).toEqual({ trainer: "stand-in", checkpoints: { latest: 3 } });
      expect(JSON.parse(readFileSync(join(dir, `iter-${k}`, "query-phase.json"), "utf8")).badCases).toBe(1);
    }
  });
});
