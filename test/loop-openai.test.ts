/**
 * The loop with OpenAI roles (query, two-stage judge, FC in prompt mode) against the scripted
 * server, with injected 429 / 500 / dropped-connection faults: the client retries, and every
 * rollout is recorded exactly once.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBackends, parseRunConfig, startRun, type StepRecord } from "@advfc/core";
import { startOpenAIServer, type OpenAIServer, type RecordedRequest, type ScriptedReply } from "@advfc/core/testing";
import { afterAll, describe, expect, it } from "vitest";

const examples = fileURLToPath(new URL("../examples/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "advfc-openai-e2e-"));
let server: OpenAIServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function jsonl(path: string): any[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

/** Scripted models: a rewrite, stage 1 calls the first tool, stage 2 approves, the FC model answers [] half the time. */
function respond(req: RecordedRequest): ScriptedReply {
  const msgs = req.body.messages as Array<{ role: string; content: string }>;
  const system = msgs[0]?.role === "system" ? msgs[0].content : "";
  const last = [...msgs].reverse().find((m) => m.role === "user")?.content ?? "";
  if (system.startsWith("You rewrite user requests")) {
    const original = /## The user's last message \(rewrite this\)\n(.*)/.exec(last)?.[1] ?? last;
    return { content: `Rewritten query: "${original} — thanks a lot (${req.n % 17})"` };
  }
  if (system.startsWith("You check rewritten")) return { content: '<think>fine</think>{"keeps_key_fields": true, "user_perspective": true, "reason": "ok"}' };
  if (Array.isArray(req.body.tools)) return { toolCalls: [{ name: req.body.tools[0].function.name, arguments: {} }] };
  return { content: last.length % 2 === 0 ? "[]" : "I cannot help." };
}

describe("openai roles against the scripted server with faults", () => {
  it("records every rollout once", async () => {
    const faults: Array<ScriptedReply["fault"]> = [];
    // seeded fault positions: about 1 request in 12 fails once
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const r = x % 36;
      faults.push(r === 0 ? "429" : r === 1 ? "500" : r === 2 ? "drop" : undefined);
    }
    server = await startOpenAIServer({ latencyMs: 2, respond, faults });
    const role = { backend: "openai", base_urls: [server.url], model: "scripted", retries: 6, backoff_ms: 1, timeout_s: 10 };
    const config = parseRunConfig({
      name: "oa",
      seeds: { files: ["seeds/seeds.jsonl"], eval: { fraction: 0.1 }, limit: 40 },
      roles: { query: role, judge: { ...role, mode: "fc" }, fc: { ...role, mode: "prompt" } },
      iterations: 1,
      seeds_per_step: 8,
      rewrites_per_seed: 3,
      early_stop: { epsilon: 0.2, patience: 2, max_steps: 4 },
      concurrency: 16,
    });
    const dir = join(tmp, "run");
    const run = await startRun({ config, baseDir: examples, out: dir, backends: createBackends });
    expect(run.result.status).toBe("finished");
    const steps = jsonl(join(dir, "iter-0", "steps.jsonl")) as StepRecord[];
    const rollouts = jsonl(join(dir, "iter-0", "rollouts.jsonl"));
    expect(rollouts).toHaveLength(steps.length * 8 * 3);
    expect(new Set(rollouts.map((r) => r.id)).size).toBe(rollouts.length);
    // slots 0..23 of every step, each once
    for (const s of steps) expect(rollouts.filter((r) => r.step === s.step).map((r) => r.slot)).toEqual([...Array(24).keys()]);
    // the faults were hit and retried: no rollout failed
    const injected = faults.slice(0, server.received).filter((f) => f !== undefined).length;
    expect(injected).toBeGreaterThan(3);
    expect(rollouts.filter((r) => r.failure !== undefined)).toEqual([]);
    // parsed through the real prompts: the label and quotes are stripped from the rewrite
    expect(rollouts[0].rewrite).toMatch(/ — thanks a lot \(\d+\)$/);
    expect(rollouts[0].rewrite.startsWith("Rewritten")).toBe(false);
    // judge-valid rewrites reached the FC model; its "[]" / prose answers are bad cases
    const valid = rollouts.filter((r) => r.reward.rJudge === 1);
    expect(valid.length).toBeGreaterThan(0);
    expect(valid.every((r) => r.check.errorType !== "not_asked")).toBe(true);
    expect(steps.reduce((a, s) => a + s.candidates, 0)).toBeGreaterThan(0);
  }, 60_000);
});
