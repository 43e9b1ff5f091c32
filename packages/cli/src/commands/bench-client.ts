import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Agent, request as httpRequest } from "node:http";
import { OpenAIChatModel, toOpenAITools, type ChatRequest } from "@advfc/core";
import type { CommandIo } from "../io.js";
import { markdownTable } from "../table.js";
import { startBenchServer, type BenchServer } from "./bench-server.js";

export const BENCH_CLIENT_HELP = `Usage: advfc bench client [options]

Throughput of the OpenAI-compatible client (OpenAIChatModel) against the scripted local server
(@advfc/core/testing) answering every request after a fixed latency, at several concurrency
levels. With a fixed latency L and c requests in flight, no client can exceed c / L requests
per second: each row reports its fraction of that bound (steady rate, between the 10th and 90th
percentile completion, and overall, ramp-up and drain included), the client's CPU time per request
(process.cpuUsage of the client process) and the attempt latency percentiles. Each level first
runs c untimed requests (connections opened), then the timed ones, all submitted at once (the
client's queue keeps c in flight), several times: each row is the run with the median req/s.
Beside the client, each level also measures a bare node:http loop (same agent settings, no
queue, retries or response mapping): the floor this machine allows.
Target (issue #4): at least 90% of the bound up to 256 in flight.

Options:
  --latency-ms N      the server's fixed latency per response (default 50)
  --levels LIST       concurrency levels (default 1,64,256,1024)
  --requests N        timed requests per level and run (default max(200, 16 x concurrency))
  --runs N            timed runs per level (default 3)
  --warmup N          untimed requests per client at concurrency 64 before the first level, so
                      that no row times code the JIT has not compiled yet (default 2000; 0: none)
  --server MODE       child: the server runs in a child process, so its CPU is not the
                      client's (default when running from the built package); inproc: in this
                      process (CPU then counts both sides; the default when running from sources)
  --no-baseline       leave out the bare node:http loop measured beside the client at each level
  --format text|json  (default text)
  -h, --help          show this help
`;

/** Levels up to this many in flight carry the target. */
const TARGET_MAX_CONCURRENCY = 256;
const TARGET_FRACTION = 0.9;

type ClientName = "OpenAIChatModel" | "node:http bare loop";

export interface ClientBenchRow {
  client: ClientName;
  concurrency: number;
  requests: number;
  seconds: number;
  /** requests / seconds, ramp-up and drain included. */
  req_per_s: number;
  /**
   * Completions per second between the 10th and the 90th percentile completion: the rate once
   * `concurrency` requests are in flight, without the ramp-up and the drain of a finite run.
   */
  steady_req_per_s: number;
  /** concurrency / latency: the most any client can do against this server. */
  bound_req_per_s: number;
  /** steady_req_per_s / bound_req_per_s (what the target is judged on). */
  fraction_of_bound: number;
  /** req_per_s / bound_req_per_s. */
  overall_fraction_of_bound: number;
  client_cpu_us_per_req: number;
  /** Server CPU per request (child mode only). */
  server_cpu_us_per_req: number | null;
  p50_ms: number;
  p99_ms: number;
  /** Requests in flight at the server, at most. */
  server_max_in_flight: number;
  retries: number;
  errors: number;
  /** null: no target for this row (a level above 256, or the bare loop). */
  target_met: boolean | null;
}


/** The fixed answer: one tool call, as an FC model would reply. */

/** A BFCL-like request: a system prompt, a user query and one tool. */
const TOOLS = [
  {
    name: "get_current_weather",
    description: "Get the current weather in a given location",
    parameters: { type: "dict", properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["location"] },
  },
];
function benchRequest(i: number): ChatRequest {
  return {
    messages: [
      { role: "system", content: "You are a helpful assistant that calls functions when needed." },
      { role: "user", content: `What's the weather like in Paris right now? (request ${i})` },
    ],
    tools: TOOLS,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** A client under test: fires request i and resolves with its attempt latency (ms). */
interface Driver {
  name: ClientName;
  fire(i: number): Promise<number>;
  retries(): number;
  close(): Promise<void>;
}

function modelDriver(url: string, concurrency: number): Driver {
  const model = new OpenAIChatModel({ baseUrls: [url], model: "test-model", maxConcurrency: concurrency, timeoutMs: 60_000, maxRetries: 3, initialBackoffMs: 10 });
  return {
    name: "OpenAIChatModel",
    fire: (i) => model.chat(benchRequest(i)).then((r) => r.latencyMs),
    retries: () => model.stats().retries,
    close: () => model.close(),
  };
}

/**
 * The floor to compare with: a bare node:http loop (keep-alive agent with `concurrency`
 * sockets, the same body serialised per request, the answer parsed) with no queue, retries,
 * timeouts or response mapping.
 */
function bareDriver(url: string, concurrency: number): Driver {
  const u = new URL(`${url}/chat/completions`);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency, scheduling: "lifo" });
  const tools = toOpenAITools(TOOLS).tools;
  // The least queue that keeps `concurrency` in flight, so latencies exclude waiting.
  const waiting: Array<() => void> = [];
  let head = 0;
  let active = 0;
  const send = (i: number, resolve: (ms: number) => void, reject: (e: unknown) => void): void => {
    const r = benchRequest(i);
    const body = JSON.stringify({ model: "test-model", messages: r.messages, temperature: 0, tools });
    const t0 = performance.now();
    const done = (): void => {
      active--;
      if (head < waiting.length) waiting[head++]!();
    };
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => (done(), reject(e)));
        res.on("end", () => {
          done();
          try {
            JSON.parse(Buffer.concat(chunks).toString("utf8"));
            resolve(performance.now() - t0);
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on("error", (e) => (done(), reject(e)));
    req.end(body);
  };
  const fire = (i: number): Promise<number> =>
    new Promise((resolve, reject) => {
      if (active < concurrency) {
        active++;
        send(i, resolve, reject);
      } else {
        waiting.push(() => {
          active++;
          send(i, resolve, reject);
        });
      }
    });
  return { name: "node:http bare loop", fire, retries: () => 0, close: async () => agent.destroy() };
}

async function runLevel(server: BenchServer, make: (url: string, c: number) => Driver, concurrency: number, requests: number, latencyMs: number, runs: number): Promise<ClientBenchRow> {
  const driver = make(server.url, concurrency);
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, (_, i) => driver.fire(i)));
    const rows: ClientBenchRow[] = [];
    for (let r = 0; r < runs; r++) rows.push(await timedRun(driver, server, concurrency, requests, latencyMs));
    rows.sort((a, b) => a.req_per_s - b.req_per_s);
    return rows[(rows.length - 1) >> 1]!;
  } finally {
    await driver.close();
  }
}

async function timedRun(driver: Driver, server: BenchServer, concurrency: number, requests: number, latencyMs: number): Promise<ClientBenchRow> {
  const retries0 = driver.retries();
  const s0 = await server.sample();
  const latencies = new Float64Array(requests);
  const doneAt = new Float64Array(requests);
  let completed = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < requests; i++) {
    pending.push(
      driver.fire(i).then(
        (ms) => {
          latencies[i] = ms;
          doneAt[completed++] = performance.now();
        },
        () => {
          latencies[i] = Number.NaN;
          doneAt[completed++] = performance.now();
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const s1 = await server.sample();
  const sorted = Array.from(latencies).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const rate = requests / seconds;
  const bound = concurrency / (latencyMs / 1000);
  // Completion times are recorded in order; the middle 80% gives the steady rate.
  const i10 = Math.floor(requests * 0.1);
  const i90 = Math.max(i10 + 1, Math.ceil(requests * 0.9) - 1);
  const span = requests > 1 ? (doneAt[i90]! - doneAt[i10]!) / 1000 : 0;
  const steady = span > 0 ? (i90 - i10) / span : rate;
  const fraction = steady / bound;
  const isModel = driver.name === "OpenAIChatModel";
  return {
    client: driver.name,
    concurrency,
    requests,
    seconds,
    req_per_s: rate,
    steady_req_per_s: steady,
    bound_req_per_s: bound,
    fraction_of_bound: fraction,
    overall_fraction_of_bound: rate / bound,
    client_cpu_us_per_req: (cpu.user + cpu.system) / requests,
    server_cpu_us_per_req: s0.cpuUs !== null && s1.cpuUs !== null ? (s1.cpuUs - s0.cpuUs) / requests : null,
    p50_ms: percentile(sorted, 0.5),
    p99_ms: percentile(sorted, 0.99),
    server_max_in_flight: s1.maxInFlight,
    retries: driver.retries() - retries0,
    errors,
    target_met: isModel && concurrency <= TARGET_MAX_CONCURRENCY ? fraction >= TARGET_FRACTION && errors === 0 : null,
  };
}

function positiveInt(s: string): number | undefined {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function runBenchClient(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "latency-ms": { type: "string", default: "50" },
        levels: { type: "string", default: "1,64,256,1024" },
        requests: { type: "string" },
        runs: { type: "string", default: "3" },
        warmup: { type: "string", default: "2000" },
        server: { type: "string" },
        "no-baseline": { type: "boolean", default: false },
        format: { type: "string", default: "text" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    io.stderr.write(`advfc bench client: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(BENCH_CLIENT_HELP);
    return 0;
  }
  const latencyMs = Number(values["latency-ms"]);
  const levels = values.levels.split(",").map((x) => positiveInt(x.trim()));
  const fixedRequests = values.requests !== undefined ? positiveInt(values.requests) : undefined;
  if (!(Number.isFinite(latencyMs) && latencyMs > 0)) {
    io.stderr.write(`advfc bench client: Expected a positive number for --latency-ms but received ${JSON.stringify(values["latency-ms"])}\n`);
    return 2;
  }
  if (levels.length === 0 || levels.some((l) => l === undefined)) {
    io.stderr.write(`advfc bench client: Expected a comma-separated list of positive integers for --levels but received ${JSON.stringify(values.levels)}\n`);
    return 2;
  }
  if (values.requests !== undefined && fixedRequests === undefined) {
    io.stderr.write(`advfc bench client: Expected a positive integer for --requests but received ${JSON.stringify(values.requests)}\n`);
    return 2;
  }
  const warmup = Number(values.warmup);
  if (!(Number.isInteger(warmup) && warmup >= 0)) {
    io.stderr.write(`advfc bench client: Expected a non-negative integer for --warmup but received ${JSON.stringify(values.warmup)}\n`);
    return 2;
  }
  const runs = positiveInt(values.runs);
  if (runs === undefined) {
    io.stderr.write(`advfc bench client: Expected a positive integer for --runs but received ${JSON.stringify(values.runs)}\n`);
    return 2;
  }
  if (values.format !== "text" && values.format !== "json") {
    io.stderr.write(`advfc bench client: Expected text or json for --format but received ${JSON.stringify(values.format)}\n`);
    return 2;
  }
  // Forking needs this module as JavaScript (the built package); from sources it runs in-process.
  const compiled = import.meta.url.endsWith(".js");
  const mode = values.server ?? (compiled ? "child" : "inproc");
  if (mode !== "child" && mode !== "inproc") {
    io.stderr.write(`advfc bench client: Expected child or inproc for --server but received ${JSON.stringify(mode)}\n`);
    return 2;
  }
  if (mode === "child" && !compiled) {
    io.stderr.write("advfc bench client: --server child needs the built package (this module runs from TypeScript sources)\n");
    return 2;
  }
  const baseline = !values["no-baseline"];
  const load = loadavg()[0]!;
  const server = await startBenchServer(mode, "client", latencyMs);
  const rows: ClientBenchRow[] = [];
  try {
    if (warmup > 0) {
      io.stderr.write(`warm-up: ${warmup} requests per client ...\n`);
      for (const make of baseline ? [modelDriver, bareDriver] : [modelDriver]) {
        const d = make(server.url, 64);
        await Promise.all(Array.from({ length: warmup }, (_, i) => d.fire(i)));
        await d.close();
      }
    }
    for (const c of levels as number[]) {
      const n = fixedRequests ?? Math.max(200, 16 * c);
      io.stderr.write(`concurrency ${c}: ${runs} x ${n} requests ...\n`);
      rows.push(await runLevel(server, modelDriver, c, n, latencyMs, runs));
      if (baseline) rows.push(await runLevel(server, bareDriver, c, n, latencyMs, runs));
    }
  } finally {
    await server.close();
  }
  const targetRows = rows.filter((r) => r.target_met !== null);
  const result = {
    benchmark: "client",
    latency_ms: latencyMs,
    server: mode,
    runs,
    machine: { cpus: availableParallelism(), load_average_1m_at_start: load },
    rows,
    target: { fraction_of_bound: TARGET_FRACTION, up_to_concurrency: TARGET_MAX_CONCURRENCY, met: targetRows.length > 0 ? targetRows.every((r) => r.target_met) : null },
  };
  if (values.format === "json") {
    io.stdout.write(JSON.stringify(result, null, 2) + "\n");
    return 0;
  }
  const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
  const table: string[][] = [
    ["client", "concurrency", "requests", "seconds", "req/s", "steady req/s", "bound req/s", "steady of bound", "overall of bound", "client CPU µs/req", ...(mode === "child" ? ["server CPU µs/req"] : []), "p50 ms", "p99 ms", "retries", "errors", "target ≥90%"],
  ];
  for (const r of rows) {
    table.push([
      r.client,
      String(r.concurrency),
      f0(r.requests),
      r.seconds.toFixed(2),
      f0(r.req_per_s),
      f0(r.steady_req_per_s),
      f0(r.bound_req_per_s),
      `${(r.fraction_of_bound * 100).toFixed(1)}%`,
      `${(r.overall_fraction_of_bound * 100).toFixed(1)}%`,
      r.client_cpu_us_per_req.toFixed(0),
      ...(mode === "child" ? [r.server_cpu_us_per_req === null ? "" : r.server_cpu_us_per_req.toFixed(0)] : []),
      r.p50_ms.toFixed(1),
      r.p99_ms.toFixed(1),
      String(r.retries),
      String(r.errors),
      r.target_met === null ? "(none)" : r.target_met ? "met" : "NOT met",
    ]);
  }
  io.stdout.write(
    [
      `advfc bench client — OpenAIChatModel against the scripted server (${mode === "child" ? "in a child process" : "in this process: CPU counts client and server"}), fixed latency ${latencyMs} ms, one tool call per answer; median of ${runs} run${runs === 1 ? "" : "s"} per level; ${availableParallelism()} CPUs, load average ${load.toFixed(2)} at start`,
      "",
      ...markdownTable(table),
      "",
      "bound = concurrency / latency; steady = completions/s between the 10th and 90th percentile completion (no ramp-up",
      "or drain); overall = requests / seconds. Latency percentiles are per attempt (send to parsed answer). The bare loop is the",
      "floor to compare with: node:http with the same agent settings and no queue, retries, timeouts or response mapping.",
      "At low rates (concurrency 1) CPU per request is dominated by per-wake-up costs and code the JIT has not optimised yet.",
      `target (OpenAIChatModel): steady rate ≥ ${TARGET_FRACTION * 100}% of the bound up to ${TARGET_MAX_CONCURRENCY} in flight — ${result.target.met === null ? "no level in range" : result.target.met ? "met" : "NOT met"}`,
      "",
    ].join("\n"),
  );
  return 0;
}
