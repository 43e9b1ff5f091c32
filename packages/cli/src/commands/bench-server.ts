import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { OpenAIServer, ScriptedReply } from "@advfc/core/testing";

/**
 * The scripted OpenAI-compatible server the client and loop benchmarks talk to, in this process
 * or in a child process (so that its CPU time is not the measured process's). One module for
 * both benchmarks: the child is this file, forked, serving with the named responder.
 */

/** The scripted replies, by benchmark. */
export type Responder = "client" | "loop";

/** bench client: every request gets the same tool call. */
const CLIENT_REPLY: ScriptedReply = { toolCalls: [{ name: "get_current_weather", arguments: { location: "Paris, France", unit: "celsius" } }] };

/** bench loop: query → a rewrite, judge stage 1 → the tool, stage 2 → valid, FC → right or wrong by request number. */
function loopReply(req: { n: number; body: any }): ScriptedReply {
  const msgs = (req.body?.messages ?? []) as Array<{ role: string; content: string }>;
  const system = msgs[0]?.role === "system" ? msgs[0].content : "";
  const last = [...msgs].reverse().find((m) => m.role === "user")?.content ?? "";
  const city = /in ([A-Z][a-z]+)/.exec(last)?.[1] ?? "Paris";
  if (system.startsWith("You rewrite user requests")) {
    const original = /## The user's last message \(rewrite this\)\n(.*)/.exec(last)?.[1] ?? last;
    const words = ["honestly", "quickly", "today", "for my trip", "if you can", "by tonight", "please", "thanks"];
    return { content: `${words[req.n % words.length]}: ${original} (${req.n % 1000})` };
  }
  if (system.startsWith("You check rewritten")) return { content: '{"keeps_key_fields": true, "user_perspective": true, "reason": "ok"}' };
  if (Array.isArray(req.body?.tools)) return { toolCalls: [{ name: "get_weather", arguments: { city } }] };
  return { content: req.n % 3 === 0 ? `[get_weather(city='Atlantis')]` : `[get_weather(city='${city}')]` };
}

const RESPONDERS: Record<Responder, (req: { n: number; body: any }) => ScriptedReply> = {
  client: () => CLIENT_REPLY,
  loop: loopReply,
};

/** What {@link BenchServer.sample} reports. */
export interface ServerSample {
  /** The server process's CPU time so far (µs); null when it runs in this process. */
  cpuUs: number | null;
  /** Most requests in flight since the previous sample. */
  maxInFlight: number;
  /** Requests received so far. */
  received: number;
}

export interface BenchServer {
  url: string;
  mode: "child" | "inproc";
  sample(): Promise<ServerSample>;
  close(): Promise<void>;
}

const SERVE_ENV = "ADVFC_BENCH_SERVER";

/** Test support is loaded only when a benchmark runs, not at every CLI start. */
async function start(responder: Responder, latencyMs: number): Promise<OpenAIServer> {
  const { startOpenAIServer } = await import("@advfc/core/testing");
  return startOpenAIServer({ latencyMs, respond: RESPONDERS[responder], record: false });
}

function sampleOf(server: OpenAIServer, cpuUs: number | null): ServerSample {
  const s = { cpuUs, maxInFlight: server.maxInFlight, received: server.received };
  server.maxInFlight = server.inFlight;
  return s;
}

// Forked with SERVE_ENV = `responder:latency`: serve, report the URL over IPC, answer "sample"
// messages, and close when the parent disconnects.
if (process.env[SERVE_ENV] !== undefined && process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [responder, latency] = process.env[SERVE_ENV]!.split(":");
  void start(responder as Responder, Number(latency)).then((server) => {
    process.on("message", (m: unknown) => {
      if (m === "sample") {
        const c = process.cpuUsage();
        process.send!(sampleOf(server, c.user + c.system));
      }
    });
    process.on("disconnect", () => void server.close().then(() => process.exit(0)));
    process.send!({ url: server.url });
  });
}

/**
 * Start the scripted server with the benchmark's replies and a fixed latency. `child` needs the
 * built package (the child is this module's compiled file).
 */
export async function startBenchServer(mode: "child" | "inproc", responder: Responder, latencyMs: number): Promise<BenchServer> {
  if (mode === "inproc") {
    const s = await start(responder, latencyMs);
    return { url: s.url, mode, sample: async () => sampleOf(s, null), close: () => s.close() };
  }
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [SERVE_ENV]: `${responder}:${latencyMs}` },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the scripted server process exited (code ${code}) before it listened`)));
    child.once("message", (m: unknown) => resolve((m as { url: string }).url));
  });
  child.removeAllListeners("exit");
  child.removeAllListeners("error");
  return {
    url,
    mode,
    sample: () =>
      new Promise((resolve) => {
        child.once("message", (m: unknown) => resolve(m as ServerSample));
        child.send("sample");
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.disconnect();
      }),
  };
}
