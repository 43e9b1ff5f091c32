import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createBackends, IterationLog, parseRunConfig, readSamples, seedQuery, type FcRole, type Sample } from "@advfc/core";
import { createEmbedder } from "@advfc/native-embed";
import { decodeScoreRequest, RewardRequestError } from "./protocol.js";
import { FcScorer, QueryScorer, type Scorer } from "./scorer.js";
import { RewardServer, RewardServerConfigError } from "./server.js";

const SHIM = fileURLToPath(new URL("../../python/advfc_reward.py", import.meta.url));
const SEEDS = fileURLToPath(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "advfc-reward-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WEATHER_TOOLS = [
  {
    name: "get_current_weather",
    description: "Get the current weather conditions for a city.",
    parameters: { type: "dict", properties: { location: { type: "string", description: "The city." }, unit: { type: "string", description: "Unit.", enum: ["celsius", "fahrenheit"] } }, required: ["location"] },
  },
];
const TRUTH = JSON.stringify({ calls: [{ name: "get_current_weather", args: { location: ["Denver"], unit: ["fahrenheit"] } }] });
const info = (extra: Record<string, unknown> = {}) => ({ tools: JSON.stringify(WEATHER_TOOLS), category: "simple_python", mode: "prompt", split: "train", ...extra });
function fcBatch(solutions: string[], extra: Record<string, unknown> = {}) {
  return { data_sources: solutions.map(() => "advfc"), solution_strs: solutions, ground_truths: solutions.map(() => TRUTH), extra_infos: solutions.map(() => info(extra)) };
}
const GOOD = "[get_current_weather(location='Denver', unit='fahrenheit')]";
const WRONG = "[get_current_weather(location='Boston', unit='fahrenheit')]";
const GARBAGE = "I think it is sunny";

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const r = await fetch(`${url}/score`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

/** Runs the shim in python3 without blocking the event loop (the server under test lives in this process). */
function python(code: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn("python3", ["-c", `import sys, json; sys.path.insert(0, ${JSON.stringify(join(SHIM, ".."))}); import advfc_reward as a\n${code}`], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("close", () => resolve({ stdout, stderr }));
  });
}

/** A scorer that waits for `gate` before scoring with R_F. */
function gatedScorer(): { scorer: Scorer; open: () => void; started: Promise<void> } {
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const startedP = new Promise<void>((r) => (started = r));
  const inner = new FcScorer();
  return {
    scorer: { role: "fc", score: async (items) => (started(), await gate, inner.score(items)) } as Scorer,
    open,
    started: startedP,
  };
}

describe("role fc: R_F exactness", () => {
  it("valid / wrong value / unparseable", async () => {
    const items = decodeScoreRequest(fcBatch([GOOD, WRONG, GARBAGE]));
    const r = await new FcScorer().score(items);
    expect(r.items.map((x) => x.result.score)).toEqual([1, -1, -1]);
    expect(r.items.map((x) => x.result.outcome)).toEqual(["call", "call", "unparseable"]);
    expect(r.items[0]!.result.error_type).toBe("");
    expect(r.items[1]!.result.error_type).toMatch(/value/);
    expect(r.meanScore).toBeCloseTo(-1 / 3);
  });
  it("an abstain ground truth: no call is right", async () => {
    const items = decodeScoreRequest({ data_sources: ["x"], solution_strs: ["I cannot help with that."], ground_truths: [JSON.stringify({ abstain: true })], extra_infos: [info({ category: "irrelevance" })] });
    expect((await new FcScorer().score(items)).items[0]!.result.score).toBe(1);
  });
});

describe("input validation", () => {
  it("names the list whose length differs", () => {
    expect(() => decodeScoreRequest({ ...fcBatch([GOOD, GOOD]), ground_truths: [TRUTH] })).toThrow(/ground_truths to have 2 items .* received 1/);
  });
  it("names the item whose ground truth is bad JSON", () => {
    const b = fcBatch([GOOD, GOOD]);
    b.ground_truths[1] = "{not json";
    expect(() => decodeScoreRequest(b)).toThrow(RewardRequestError);
    expect(() => decodeScoreRequest(b)).toThrow(/ground_truths\[1\]/);
  });
  it("answers 400 over HTTP with the field", async () => {
    const server = new RewardServer({ scorer: new FcScorer(), port: 0 });
    const { url } = await server.listen();
    const b = fcBatch([GOOD]);
    b.extra_infos[0] = info({ category: "no_such_category" });
    const r = await post(url, b);
    expect(r.status).toBe(400);
    expect(r.json.field).toBe("extra_infos[0].category");
    await server.close();
  });
});

describe("the Python shim (real python3)", () => {
  it("batch and single-item forms return verl's shapes", async () => {
    const server = new RewardServer({ scorer: new FcScorer(), port: 0 });
    const { url } = await server.listen();
    const batch = fcBatch([GOOD, WRONG]);
    const code = `b = json.loads(sys.argv[1]) if len(sys.argv) > 1 else json.loads(${JSON.stringify(JSON.stringify(batch))})
class Arr(list):
    def tolist(self): return list(self)
out = a.compute_score(data_sources=Arr(b["data_sources"]), solution_strs=b["solution_strs"], ground_truths=Arr(b["ground_truths"]), extra_infos=Arr(b["extra_infos"]))
single = a.compute_score("advfc", b["solution_strs"][0], b["ground_truths"][0], b["extra_infos"][0])
single2 = a.compute_score_single(data_source="advfc", solution_str=b["solution_strs"][1], ground_truth=b["ground_truths"][1], extra_info=b["extra_infos"][1])
print(json.dumps({"batch": out, "single": single, "single2": single2}))`;
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn("python3", ["-c", `import sys, json; sys.path.insert(0, ${JSON.stringify(join(SHIM, ".."))}); import advfc_reward as a\n${code}`], { env: { ...process.env, ADVFC_REWARD_URL: url } });
      let out = "";
      let err = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.stderr.on("data", (d: Buffer) => (err += d.toString()));
      p.on("close", (c) => resolve({ code: c, out, err }));
    });
    await server.close();
    expect(r.err).toBe("");
    const j = JSON.parse(r.out) as { batch: Array<Record<string, unknown>>; single: Record<string, unknown>; single2: Record<string, unknown> };
    expect(j.batch.map((x) => x.score)).toEqual([1, -1]);
    expect(j.batch[0]).toEqual({ score: 1, r_f: 1, valid: true }); // numeric keys only by default
    expect(j.single.score).toBe(1);
    expect(j.single2.score).toBe(-1);
  });

  it("server down: a clear RuntimeError after N attempts", async () => {
    const r = await python(`try:\n    a.compute_score(["x"], ["y"], ["{}"], [{}])\nexcept RuntimeError as e:\n    print(str(e))`, { ADVFC_REWARD_URL: "http://127.0.0.1:9", ADVFC_REWARD_RETRIES: "3", ADVFC_REWARD_BACKOFF: "0.01" });
    expect(r.stdout).toMatch(/advfc reward server unreachable at http:\/\/127\.0\.0\.1:9 after 3 attempts/);
    expect(r.stdout).toMatch(/advfc serve reward/);
  });

  it("slow server: the attempt times out and the retry succeeds", async () => {
    let calls = 0;
    const slow = createServer((req, res) => {
      calls++;
      const n = calls;
      req.resume();
      req.on("end", () => {
        const reply = () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: [{ score: 0.5 }] }));
        if (n === 1) setTimeout(reply, 1500);
        else reply();
      });
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const port = (slow.address() as AddressInfo).port;
    const r = await new Promise<string>((resolve) => {
      const p = spawn("python3", ["-c", `import sys; sys.path.insert(0, ${JSON.stringify(join(SHIM, ".."))}); import advfc_reward as a; print(a.compute_score(["x"], ["y"], ["{}"], [{}]))`], {
        env: { ...process.env, ADVFC_REWARD_URL: `http://127.0.0.1:${port}`, ADVFC_REWARD_TIMEOUT: "0.4", ADVFC_REWARD_BACKOFF: "0.01" },
      });
      let out = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.stderr.on("data", (d: Buffer) => (out += d.toString()));
      p.on("close", () => resolve(out));
    });
    slow.closeAllConnections();
    slow.close();
    expect(r.trim()).toBe("[{'score': 0.5}]");
    expect(calls).toBe(2);
  });
});

describe("bearer token", () => {
  it("is required off loopback", () => {
    expect(() => new RewardServer({ scorer: new FcScorer(), host: "0.0.0.0", port: 0 })).toThrow(RewardServerConfigError);
    expect(() => new RewardServer({ scorer: new FcScorer(), host: "0.0.0.0", port: 0 })).toThrow(/ADVFC_REWARD_TOKEN/);
  });
  it("is checked (401 without or wrong, 200 with; the shim sends it)", async () => {
    const server = new RewardServer({ scorer: new FcScorer(), host: "0.0.0.0", port: 0, token: "s3cret" });
    const { port } = await server.listen();
    const url = `http://127.0.0.1:${port}`;
    expect((await post(url, fcBatch([GOOD]))).status).toBe(401);
    expect((await post(url, fcBatch([GOOD]), { authorization: "Bearer nope" })).status).toBe(401);
    expect((await post(url, fcBatch([GOOD]), { authorization: "Bearer s3cret" })).status).toBe(200);
    expect((await fetch(`${url}/status`)).status).toBe(401);
    const r = await python(`print(a.compute_score(["x"], [${JSON.stringify(GOOD)}], [${JSON.stringify(TRUTH)}], [json.loads(${JSON.stringify(JSON.stringify(info()))})])[0]["score"])`, { ADVFC_REWARD_URL: url, ADVFC_REWARD_TOKEN: "s3cret" });
    expect(r.stdout.trim()).toBe("1");
    await server.close();
  });
});

describe("backpressure and drain", () => {
  it("503 + Retry-After when the queue is full", async () => {
    const g = gatedScorer();
    const server = new RewardServer({ scorer: g.scorer, port: 0, maxConcurrent: 1, maxQueued: 0, retryAfterS: 3 });
    const { url } = await server.listen();
    const first = post(url, fcBatch([GOOD]));
    await g.started;
    const second = await post(url, fcBatch([GOOD]));
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("3");
    g.open();
    expect((await first).status).toBe(200);
    expect(server.status().batches.rejected).toBe(1);
    await server.close();
  });
  it("close() finishes the batch in flight, refuses new ones, flushes the store", async () => {
    const out = join(tmp, "drain");
    const g = gatedScorer();
    const server = new RewardServer({ scorer: g.scorer, port: 0, out });
    const { url } = await server.listen();
    const inflight = post(url, fcBatch([GOOD, WRONG]));
    await g.started;
    const closing = server.close();
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    g.open();
    await closing;
    const r = await inflight;
    expect(r.status).toBe(200);
    expect((r.json.results as Array<{ score: number }>).map((x) => x.score)).toEqual([1, -1]);
    const steps = readFileSync(join(out, "iter-0", "steps.jsonl"), "utf8").trim().split("\n");
    expect(steps).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(out, "reward-status.json"), "utf8")).steps).toBe(1);
  });
});

describe("early stop at /status", () => {
  it("fires after `patience` steps within ε; validation batches are not steps", async () => {
    const server = new RewardServer({ scorer: new FcScorer(), port: 0, earlyStop: { epsilon: 0.2, patience: 2 } });
    const { url } = await server.listen();
    for (const b of [[GOOD, WRONG], [GOOD, GOOD], [GOOD, GOOD], [GOOD, GOOD]]) expect((await post(url, fcBatch(b))).status).toBe(200);
    expect((await post(url, fcBatch([WRONG], { split: "test" }))).status).toBe(200);
    const s = (await (await fetch(`${url}/status`)).json()) as Record<string, any>;
    expect(s.steps).toBe(4);
    expect(s.means.map((m: { meanWatched: number }) => m.meanWatched)).toEqual([0, 1, 1, 1]);
    expect(s.batches).toMatchObject({ scored: 4, validation: 1 });
    expect(s.earlyStop).toMatchObject({ streak: 2, stop: true, reason: "converged", fired: { reason: "converged", step: 3 } });
    await server.close();
  });
  it("extra_info.step merges batches of one verl step", async () => {
    const server = new RewardServer({ scorer: new FcScorer(), port: 0 });
    const { url } = await server.listen();
    await post(url, fcBatch([GOOD], { step: 5 }));
    await post(url, fcBatch([WRONG], { step: 5 }));
    await post(url, fcBatch([GOOD], { step: 6 }));
    const s = server.status();
    expect(s.means).toEqual([{ step: 5, items: 2, meanScore: 0, meanWatched: 0 }]);
    await server.close();
    expect(server.status().means.map((m) => m.step)).toEqual([5, 6]);
  });
});

describe("role query with the baseline backends", () => {
  it("judges, asks the FC role, adds diversity shares, stores rollouts and bad cases", async () => {
    const seeds: Sample[] = [];
    for await (const it of readSamples(SEEDS, { file: SEEDS })) if (it.sample) seeds.push(it.sample);
    const config = parseRunConfig({ name: "rq", seeds: { files: [SEEDS] }, roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "baseline" } } });
    const backends = await createBackends(config, { seeds, allSeeds: seeds, baseDir: "." });
    const scorer = new QueryScorer({ judge: backends.roles.judge, fc: backends.roles.fc, embedder: await createEmbedder("hash"), alpha: 0.05, name: "rq" });
    const out = join(tmp, "query");
    const server = new RewardServer({ scorer, port: 0, out });
    const { url } = await server.listen();
    const picked = seeds.slice(0, 24);
    const prefixes = ["", "hey, ", "quick one: ", "so ", "yo, ", "please: "];
    const body = {
      data_sources: picked.map(() => "advfc"),
      solution_strs: [...picked.map((s, i) => JSON.stringify({ rewrite: `${prefixes[i % prefixes.length]!}${seedQuery(s)} ${"thanks ".repeat(i % 3)}` })), "no rewrite here"].slice(0, picked.length),
      ground_truths: picked.map((s) => JSON.stringify(s.expected)),
      extra_infos: picked.map((s) => ({ tools: s.tools, category: s.category, seed_id: s.id, messages: JSON.stringify(s.messages) })),
    };
    const r = await post(url, body);
    expect(r.status).toBe(200);
    const results = r.json.results as Array<Record<string, number | string>>;
    expect(results).toHaveLength(24);
    for (const x of results) {
      expect(x.score).toBeCloseTo((x.r_adv as number) + (x.diversity as number), 12);
      expect([1, -1]).toContain(x.r_adv);
      if (x.r_adv === 1) expect(x.valid).toBe(false);
    }
    expect(results.some((x) => (x.diversity as number) > 0)).toBe(true);
    await server.close();
    await backends.close?.();
    const rollouts = readFileSync(join(out, "iter-0", "rollouts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
    expect(rollouts).toHaveLength(24);
    expect(rollouts[0]!.seedId).toBe(picked[0]!.id);
    const bad = readFileSync(join(out, "iter-0", "bad-cases.jsonl"), "utf8").trim().split("\n").filter(Boolean);
    const wins = results.filter((x) => x.r_adv === 1).length;
    expect(bad.length).toBe(wins);
    const step = JSON.parse(readFileSync(join(out, "iter-0", "steps.jsonl"), "utf8").trim()) as Record<string, any>;
    expect(step).toMatchObject({ step: 0, rollouts: 24, kept: wins });
    expect(step.meanWatched).toBeCloseTo(results.reduce((a, x) => a + (x.r_adv as number), 0) / 24, 12);
  });
});

// `advfc run --resume` reruns an interrupted query phase with a new server on the same iter-<k>.
describe("a server restarted on a store with committed steps appends to them", () => {
  it("numbers its steps after the committed ones and carries early stop on", async () => {
    const out = join(tmp, "restart-fc");
    const a = new RewardServer({ scorer: new FcScorer(), port: 0, out, earlyStop: { epsilon: 0.2, patience: 2 } });
    const ua = (await a.listen()).url;
    for (const b of [[GOOD, WRONG], [GOOD, GOOD]]) expect((await post(ua, fcBatch(b))).status).toBe(200);
    await a.close();
    const b = new RewardServer({ scorer: new FcScorer(), port: 0, out, earlyStop: { epsilon: 0.2, patience: 2 } });
    const ub = (await b.listen()).url;
    for (const x of [[GOOD, GOOD], [GOOD, GOOD]]) expect((await post(ub, fcBatch(x))).status).toBe(200);
    await b.close();
    const log = new IterationLog(join(out, "iter-0"));
    const rec = log.recover();
    log.close();
    // the same steps and the same firing (converged at step 3) as one uninterrupted server (see "early stop at /status")
    expect(rec.steps.map((s) => [s.step, s.verlStep, s.meanWatched])).toEqual([[0, 0, 0], [1, 1, 1], [2, 2, 1], [3, 3, 1]]);
    expect(rec.steps.map((s) => (s.earlyStop as { stop: boolean }).stop)).toEqual([false, false, false, true]);
    expect(rec.steps[3]!.earlyStop).toMatchObject({ reason: "converged", step: 3, streak: 2 });
    expect(b.status().steps).toBe(2); // this server's own steps
  });
  it("role query: a bad case committed before the restart is not kept again", async () => {
    const seeds: Sample[] = [];
    for await (const it of readSamples(SEEDS, { file: SEEDS })) if (it.sample) seeds.push(it.sample);
    const config = parseRunConfig({ name: "rr", seeds: { files: [SEEDS] }, roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "baseline" } } });
    const backends = await createBackends(config, { seeds, allSeeds: seeds, baseDir: "." });
    const embedder = await createEmbedder("hash");
    // An FC role that answers no call: every judge-valid rewrite is a bad case.
    const noCall: FcRole = { name: "no-call", kind: "baseline", answer: async () => ({ raw: "[]" }) };
    const picked = seeds.slice(0, 12);
    const body = {
      data_sources: picked.map(() => "advfc"),
      solution_strs: picked.map((s) => JSON.stringify({ rewrite: `so, ${seedQuery(s)}` })),
      ground_truths: picked.map((s) => JSON.stringify(s.expected)),
      extra_infos: picked.map((s) => ({ tools: s.tools, category: s.category, seed_id: s.id, messages: JSON.stringify(s.messages) })),
    };
    const out = join(tmp, "restart-query");
    const kept: number[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const server = new RewardServer({ scorer: new QueryScorer({ judge: backends.roles.judge, fc: noCall, embedder, alpha: 0.05, name: "rr" }), port: 0, out });
      const { url } = await server.listen();
      expect((await post(url, body)).status).toBe(200);
      await server.close();
      kept.push(server.status().badCases);
    }
    await backends.close?.();
    const steps = readFileSync(join(out, "iter-0", "steps.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
    expect(steps.map((s) => s.step)).toEqual([0, 1]);
    expect(steps[0]!.kept).toBeGreaterThan(0);
    expect(steps[1]!.kept).toBe(0);
    expect(steps[1]!.dropped.exact_duplicate).toBe(steps[0]!.kept);
    expect(kept).toEqual([steps[0]!.kept, steps[0]!.kept]); // status().badCases counts the committed ones too
    const bad = readFileSync(join(out, "iter-0", "bad-cases.jsonl"), "utf8").trim().split("\n");
    expect(bad).toHaveLength(steps[0]!.kept);
  });
});
