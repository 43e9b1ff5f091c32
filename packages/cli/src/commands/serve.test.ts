import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runBridge } from "./bridge.js";
import { runServe } from "./serve.js";

const tmp = mkdtempSync(join(tmpdir(), "advfc-serve-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SEEDS = fileURLToPath(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const w = (sink: string[]) => Object.assign(new PassThrough(), { write: (s: string) => (sink.push(s), true) });
  return { io: { stdin: new PassThrough(), stdout: w(out), stderr: w(err) } as never, out, err };
}

describe("advfc serve reward", () => {
  it("serves role query from a config and drains on SIGTERM (exit 0, store flushed)", async () => {
    const config = join(tmp, "c.yaml");
    writeFileSync(config, `name: sv\nseeds: { files: [${JSON.stringify(SEEDS)}] }\nroles: { query: { backend: baseline }, judge: { backend: baseline }, fc: { backend: baseline } }\n`);
    const proc = new EventEmitter();
    const t = io();
    const out = join(tmp, "run");
    let url = "";
    const listening = new Promise<void>((r) => {
      void runServe(["reward", "--role", "query", "--config", config, "--port", "0", "--out", out], t.io, { process: proc, onListening: (u) => ((url = u), r()) }).then((code) => (exit = code));
    });
    let exit: number | undefined;
    await listening;
    const body = { data_sources: ["a"], solution_strs: ['{"rewrite": "hey, what is the weather in Denver in fahrenheit?"}'], ground_truths: [JSON.stringify({ calls: [{ name: "get_current_weather", args: { location: ["Denver"], unit: ["fahrenheit"] } }] })], extra_infos: [{ tools: readFileSync(SEEDS, "utf8").split("\n")[0]!.match(/"tools":(\[.*?\]),"expected"/)![1], category: "simple_python" }] };
    const pending = fetch(`${url}/score`, { method: "POST", body: JSON.stringify(body) });
    const r = await pending;
    expect(r.status).toBe(200);
    proc.emit("SIGTERM");
    for (let i = 0; i < 100 && exit === undefined; i++) await new Promise((res) => setTimeout(res, 20));
    expect(exit).toBe(0);
    expect(t.err.join("")).toMatch(/SIGTERM: draining/);
    expect(existsSync(join(out, "iter-0", "steps.jsonl"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "reward-status.json"), "utf8")).steps).toBe(1);
  });
  it("refuses a non-loopback host without ADVFC_REWARD_TOKEN", async () => {
    const saved = process.env.ADVFC_REWARD_TOKEN;
    delete process.env.ADVFC_REWARD_TOKEN;
    const t = io();
    expect(await runServe(["reward", "--role", "fc", "--host", "0.0.0.0", "--port", "0"], t.io, {})).toBe(2);
    expect(t.err.join("")).toMatch(/without a bearer token/);
    if (saved !== undefined) process.env.ADVFC_REWARD_TOKEN = saved;
  });
  it("needs --role", async () => {
    const t = io();
    expect(await runServe(["reward"], t.io, {})).toBe(2);
  });
});

describe("advfc bridge shim-path", () => {
  it("prints the absolute path of advfc_reward.py", async () => {
    const t = io();
    expect(await runBridge(["shim-path"], t.io)).toBe(0);
    const p = t.out.join("").trim();
    expect(p).toMatch(/trainer-bridge\/python\/advfc_reward\.py$/);
    expect(readFileSync(p, "utf8")).toMatch(/def compute_score_single/);
  });
});
