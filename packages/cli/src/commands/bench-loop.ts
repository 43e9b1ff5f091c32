import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createBackends,
  NoneTrainer,
  OpenAIChatModel,
  OpenAIFcRole,
  OpenAIJudgeRole,
  OpenAIQueryRole,
  parseRunConfig,
  readSamples,
  RunStore,
  runLoop,
  SampleSchema,
  type LoopRoles,
  type RunConfig,
  type Sample,
} from "@advfc/core";
import { HashEmbedder } from "@advfc/native-embed";
import { examplesDir } from "./demo.js";
import type { CommandIo } from "../io.js";
import { markdownTable } from "../table.js";
import { startBenchServer } from "./bench-server.js";

export const BENCH_LOOP_HELP = `Usage: advfc bench loop [options]

Throughput of Algorithm 1's orchestration (one iteration's query phase, fixed number of steps,
every record written and fsynced as in a real run):
  baseline  the weight-free in-process backends on examples/seeds/seeds.jsonl
  openai    OpenAI roles (query, two-stage judge, FC in prompt mode) against the scripted server
            in a child process with a fixed latency; the bound is
            concurrency / latency / role calls per rollout of the steps
Orchestration CPU is this process's CPU time per rollout (the server's is not counted).

Options:
  --latency-ms N     scripted server latency (default 50)
  --concurrency N    role calls in flight (default 256)
  --steps N          steps per measurement (default 8)
  --seeds-per-step N (default 64)
  --rewrites N       rewrites per seed (default 4)
  --format text|json (default text)
  -h, --help         show this help
`;

interface Measurement {
  backend: string;
  rollouts: number;
  seconds: number;
  rolloutsPerSec: number;
  cpuMsPerRollout: number;
  callsPerRollout?: number;
  boundRolloutsPerSec?: number;
  maxInFlight?: number;
}

async function measure(label: string, config: RunConfig, roles: LoopRoles, seeds: Sample[]): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), "advfc-bench-loop-"));
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let rollouts = 0;
    let stepMs = 0;
    let calls = 0;
    await runLoop({
      config,
      store: new RunStore(dir),
      seeds,
      evalSamples: [],
      roles,
      trainer: new NoneTrainer(),
      embedder: new HashEmbedder(),
      onEvent: (e) => {
        if (e.type === "step") {
          rollouts += e.record.rollouts;
          stepMs += e.record.time.wallMs;
          // role calls of the query phase: rewrite, judge stage 1, stage 2, FC answer
          calls += e.record.rollouts + e.record.judged + e.record.stage2.evaluated + e.record.fcAnswered;
        }
      },
    });
    const cpu = process.cpuUsage(cpu0);
    void t0;
    return { backend: label, rollouts, seconds: stepMs / 1000, rolloutsPerSec: rollouts / (stepMs / 1000), cpuMsPerRollout: (cpu.user + cpu.system) / 1000 / rollouts, callsPerRollout: calls / rollouts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchConfig(steps: number, seedsPerStep: number, rewrites: number, concurrency: number): RunConfig {
  return parseRunConfig({
    name: "bench",
    seeds: { files: ["-"] },
    roles: { query: { backend: "baseline" }, judge: { backend: "baseline" }, fc: { backend: "baseline" } },
    iterations: 1,
    seeds_per_step: seedsPerStep,
    rewrites_per_seed: rewrites,
    concurrency,
    early_stop: { epsilon: 1e-9, patience: 1_000_000, max_steps: steps },
    trainer: { type: "none" },
  });
}

function weatherSeeds(n: number): Sample[] {
  const cities = ["Paris", "Lyon", "Oslo", "Rome", "Bern", "Riga", "Kyiv", "Lima", "Doha", "Baku", "Quito", "Dakar", "Hanoi", "Perth", "Cairo", "Tunis"];
  const tools = [{ name: "get_weather", description: "Weather of a city.", parameters: { type: "dict", properties: { city: { type: "string" } }, required: ["city"] } }];
  return Array.from({ length: n }, (_, i) =>
    SampleSchema.parse({
      id: `w${i}`,
      messages: [{ role: "user", content: `What's the weather in ${cities[i % cities.length]} on day ${i}?` }],
      tools,
      expected: { calls: [{ name: "get_weather", args: { city: [cities[i % cities.length]] } }] },
      category: "simple_python",
      language: "python",
      source: { format: "advfc" },
    }),
  );
}

export async function runBenchLoop(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "latency-ms": { type: "string", default: "50" },
        concurrency: { type: "string", default: "256" },
        steps: { type: "string", default: "8" },
        "seeds-per-step": { type: "string", default: "64" },
        rewrites: { type: "string", default: "4" },
        format: { type: "string", default: "text" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    io.stderr.write(`advfc bench loop: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(BENCH_LOOP_HELP);
    return 0;
  }
  const num = (k: keyof typeof values) => Number(values[k]);
  const latency = num("latency-ms");
  const concurrency = num("concurrency");
  const steps = num("steps");
  const B = num("seeds-per-step");
  const R = num("rewrites");
  if (![concurrency, steps, B, R].every((x) => Number.isInteger(x) && x > 0) || !(latency >= 0)) {
    io.stderr.write("advfc bench loop: --concurrency, --steps, --seeds-per-step, --rewrites must be positive integers and --latency-ms ≥ 0\n");
    return 2;
  }
  const config = benchConfig(steps, B, R, concurrency);
  const results: Measurement[] = [];

  // Baseline backends on the shipped seed set.
  const seedFile = join(examplesDir(), "seeds/seeds.jsonl");
  const seeds: Sample[] = [];
  for await (const it of readSamples(seedFile, { file: seedFile })) if (it.sample) seeds.push(it.sample);
  io.stderr.write(`baseline backends: ${steps} steps × ${B * R} rollouts ...\n`);
  const backends = await createBackends({ ...config, trainer: { ...config.trainer, type: "none" } }, { seeds, allSeeds: seeds, baseDir: "." });
  results.push(await measure("baseline (in-process)", config, backends.roles, seeds));

  // OpenAI roles against the scripted server in a child process.
  io.stderr.write(`openai roles vs scripted server (${latency} ms latency, concurrency ${concurrency}) ...\n`);
  const server = await startBenchServer("child", "loop", latency);
  const model = (name: string) => new OpenAIChatModel({ baseUrls: [server.url], model: name, maxConcurrency: concurrency, maxRetries: 2 });
  const models = [model("query"), model("judge"), model("fc")];
  try {
    const roles: LoopRoles = {
      query: new OpenAIQueryRole({ model: models[0]! }),
      judge: new OpenAIJudgeRole({ model: models[1]! }),
      fc: new OpenAIFcRole({ model: models[2]!, mode: "prompt" }),
    };
    const wseeds = weatherSeeds(256);
    // warm-up (connections, JIT), not measured
    await measure("warmup", benchConfig(1, B, R, concurrency), roles, wseeds);
    const m = await measure(`openai (scripted, ${latency} ms)`, config, roles, wseeds);
    const after = await server.sample();
    m.boundRolloutsPerSec = latency > 0 ? concurrency / (latency / 1000) / m.callsPerRollout! : Infinity;
    m.maxInFlight = after.maxInFlight;
    results.push(m);
  } finally {
    await Promise.all(models.map((x) => x.close()));
    await server.close();
  }

  if (values.format === "json") {
    io.stdout.write(JSON.stringify({ benchmark: "loop", steps, seedsPerStep: B, rewritesPerSeed: R, concurrency, latencyMs: latency, results }, null, 2) + "\n");
    return 0;
  }
  const rows = [["backend", "rollouts", "rollouts/s", "bound (conc/lat/calls)", "of bound", "calls/rollout", "CPU ms/rollout"]];
  for (const r of results) {
    rows.push([
      r.backend,
      String(r.rollouts),
      r.rolloutsPerSec.toFixed(0),
      r.boundRolloutsPerSec !== undefined ? r.boundRolloutsPerSec.toFixed(0) : "–",
      r.boundRolloutsPerSec !== undefined ? `${((100 * r.rolloutsPerSec) / r.boundRolloutsPerSec).toFixed(0)}%` : "–",
      r.callsPerRollout !== undefined ? r.callsPerRollout.toFixed(2) : "–",
      r.cpuMsPerRollout.toFixed(3),
    ]);
  }
  io.stdout.write(
    [
      `advfc bench loop — ${steps} steps × ${B} seeds × ${R} rewrites, concurrency ${concurrency}, records fsynced per step`,
      "",
      ...markdownTable(rows),
      "",
      "rollouts/s over the query steps (embedding, diversity, dedup and fsync included); CPU = this process (the server runs in a child).",
      "",
    ].join("\n"),
  );
  return 0;
}
