// `serve: external`: advfc prints the `vllm serve` command and waits until the user's server
// lists the new model. The server here is the scripted OpenAI server of @advfc/core/testing
// (vLLM itself needs a GPU).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startOpenAIServer } from "@advfc/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { parseVerlSection } from "../launch/verl-section.js";
import { checkServeSettings, ModelServer, type ServeRecord } from "./serve.js";

describe("ModelServer (external)", () => {
  it("prints the vllm serve command and polls /v1/models until the served name answers", async () => {
    const server = await startOpenAIServer({ model: "/ckpt/hf/global_step_3" });
    try {
      const lines: string[] = [];
      const ms = new ModelServer(parseVerlSection({ serve_base_url: server.url, serve_timeout_s: 5 }), { pollMs: 20, log: (l) => lines.push(l) });
      const served = await ms.serve("/ckpt/hf/global_step_3");
      expect(served).toMatchObject({ baseUrl: server.url, model: "/ckpt/hf/global_step_3", mode: "external" });
      expect(lines[0]).toContain("vllm serve /ckpt/hf/global_step_3 --enable-auto-tool-choice --tool-call-parser hermes");
      // a server still on another model times out with a clear message
      const slow = new ModelServer(parseVerlSection({ serve_base_url: server.url, serve_timeout_s: 0.2 }), { pollMs: 20 });
      await expect(slow.serve("/ckpt/hf/global_step_9")).rejects.toThrow(/did not list "\/ckpt\/hf\/global_step_9" within/);
      // served_model_name: that name is awaited instead
      const named = new ModelServer(parseVerlSection({ serve_base_url: server.url, served_model_name: "/ckpt/hf/global_step_3" }), { pollMs: 20 });
      expect((await named.serve("/elsewhere")).model).toBe("/ckpt/hf/global_step_3");
    } finally {
      await server.close();
    }
  });

  it("checks the serving settings", () => {
    expect(checkServeSettings(parseVerlSection({}))[0]).toMatch(/^trainer\.verl\.serve: /);
    expect(checkServeSettings(parseVerlSection({ serve: "external" }))[0]).toMatch(/^trainer\.verl\.serve_base_url: /);
    expect(checkServeSettings(parseVerlSection({ serve: "spawn" }))).toEqual([]);
  });
});

// `serve: spawn` when an earlier advfc was killed hard (SIGKILL, the OOM killer, a lost SSH
// session) while its `vllm serve` ran: the server is detached, so it outlives advfc and keeps its
// port. `vllm serve` needs a GPU: test-fixtures/fake-vllm-serve.mjs stands in for it (same argv,
// an OpenAI-compatible /v1/models on --port, SIGTERM obeyed — or ignored with
// FAKE_VLLM_IGNORE_SIGTERM=1). The checks of the recorded process read /proc: Linux only.
describe.runIf(process.platform === "linux")("ModelServer (spawn): a server an earlier advfc left running", () => {
  const FAKE_VLLM = fileURLToPath(new URL("../../test-fixtures/fake-vllm-serve.mjs", import.meta.url));
  const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
  const tmp = mkdtempSync(join(tmpdir(), "advfc-serve-"));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    delete process.env.FAKE_VLLM_STARTS;
    delete process.env.FAKE_VLLM_IGNORE_SIGTERM;
    rmSync(tmp, { recursive: true, force: true });
  });

  const freePort = (): Promise<number> =>
    new Promise((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  const raw = (port: number) => ({ serve: "spawn", serve_command: [process.execPath, FAKE_VLLM], serve_port: port, serve_timeout_s: 30 });
  /** Running (not a zombie awaiting its parent's wait). */
  const running = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  };
  const startTicks = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[19]);
  const models = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
  const starts = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { pid: number; dir: string }) : []);
  const record = (file: string) => JSON.parse(readFileSync(file, "utf8")) as ServeRecord;

  it("records the spawned server; a new ModelServer for the run directory stops the one a ModelServer never closed left on the port, and serves there", async () => {
    const runDir = mkdtempSync(join(tmp, "run-"));
    const port = await freePort();
    process.env.FAKE_VLLM_STARTS = join(runDir, "vllm-starts.jsonl");
    const recordFile = join(runDir, `serve-${port}.json`);
    const first = new ModelServer(parseVerlSection(raw(port)), { pollMs: 20, recordDir: runDir });
    expect(first.recordFile).toBe(recordFile);
    const a = await first.serve("/models/a", { logFile: join(runDir, "iter-0", "verl-fc", "serve.log") });
    const [old] = starts(process.env.FAKE_VLLM_STARTS);
    expect(record(recordFile)).toMatchObject({ format: "advfc-serve/1", pid: old!.pid, startTicks: startTicks(old!.pid), host: "127.0.0.1", port, command: a.command, modelDir: "/models/a", logFile: join(runDir, "iter-0", "verl-fc", "serve.log"), advfc: { pid: process.pid, startTicks: startTicks(process.pid) } });

    // An external-mode ModelServer on the same port (the query role's, whose section keeps the
    // FC server's serve_port) never reads the record: the live server is left alone.
    await new ModelServer(parseVerlSection({ serve_base_url: "http://127.0.0.1:9/v1", serve_port: port }), { recordDir: runDir }).stop();
    expect(running(old!.pid)).toBe(true);
    expect(existsSync(recordFile)).toBe(true);

    // advfc is killed hard: `first` is dropped, never stopped; its server keeps the port.
    expect(await models(port)).toEqual(["/models/a"]);
    const warnings: string[] = [];
    const second = new ModelServer(parseVerlSection(raw(port)), { pollMs: 20, recordDir: runDir, onWarning: (m) => warnings.push(m) });
    const b = await second.serve("/models/b");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^stopped the model server advfc \\(pid ${process.pid}\\) started on port ${port} \\(pid ${old!.pid}: .*fake-vllm-serve\\.mjs /models/a .*\\), which an earlier advfc left running$`));
    expect(running(old!.pid)).toBe(false);
    const [, fresh] = starts(process.env.FAKE_VLLM_STARTS);
    expect(fresh).toMatchObject({ dir: "/models/b" });
    expect(await models(port)).toEqual(["/models/b"]);
    expect(record(recordFile)).toMatchObject({ pid: fresh!.pid, command: b.command, modelDir: "/models/b" });

    // A normal stop removes the record (and stops nothing else).
    await second.stop();
    expect(existsSync(recordFile)).toBe(false);
    expect(running(fresh!.pid)).toBe(false);
    expect(warnings).toHaveLength(1);
    await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();
  }, 30_000);

  it("escalates to SIGKILL after the grace period when the left-over server ignores SIGTERM", async () => {
    const runDir = mkdtempSync(join(tmp, "run-"));
    const port = await freePort();
    process.env.FAKE_VLLM_STARTS = join(runDir, "vllm-starts.jsonl");
    process.env.FAKE_VLLM_IGNORE_SIGTERM = "1";
    try {
      await new ModelServer(parseVerlSection(raw(port)), { pollMs: 20, recordDir: runDir }).serve("/models/a");
      const [old] = starts(process.env.FAKE_VLLM_STARTS);
      const warnings: string[] = [];
      const second = new ModelServer(parseVerlSection(raw(port)), { pollMs: 20, recordDir: runDir, stopGraceMs: 300, onWarning: (m) => warnings.push(m) });
      const t0 = Date.now();
      await second.stop(); // stopping (before a training job) also stops a left-over server
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
      expect(running(old!.pid)).toBe(false);
      expect(warnings).toEqual([expect.stringMatching(/^stopped the model server /)]);
      expect(existsSync(join(runDir, `serve-${port}.json`))).toBe(false);
      await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow();
    } finally {
      delete process.env.FAKE_VLLM_IGNORE_SIGTERM;
    }
  }, 30_000);

  it("never signals a process that does not match the record: another program under the recorded pid (the test's own process, a bystander), or the recorded program started at another time", async () => {
    const runDir = mkdtempSync(join(tmp, "run-"));
    const port = await freePort();
    const recordFile = join(runDir, `serve-${port}.json`);
    const bystanderArgv = [process.execPath, "-e", "setInterval(() => {}, 1000)"];
    const bystander = spawn(bystanderArgv[0]!, bystanderArgv.slice(1), { detached: true, stdio: "ignore" });
    children.push(bystander);
    await new Promise((r) => bystander.once("spawn", r));
    const pid = bystander.pid!;
    const serverArgv = [process.execPath, FAKE_VLLM, "/models/x", "--enable-auto-tool-choice", "--tool-call-parser", "hermes", "--host", "127.0.0.1", "--port", String(port), "--served-model-name", "/models/x"];
    const at = new Date().toISOString();
    // The recording advfc is this process (as if a ModelServer of it was never closed): only the
    // check of the recorded process stands between the record and a signal.
    const cases: Array<Omit<ServeRecord, "format" | "host" | "port" | "modelDir" | "startedAt" | "advfc">> = [
      { pid: process.pid, command: serverArgv }, // alive, but its command line is vitest's
      { pid, command: serverArgv }, // alive, but another program
      { pid, startTicks: startTicks(pid) + 1, command: bystanderArgv }, // the recorded program, but not the process recorded (a reused pid)
    ];
    for (const c of cases) {
      writeFileSync(recordFile, JSON.stringify({ format: "advfc-serve/1", host: "127.0.0.1", port, modelDir: "/models/x", startedAt: at, advfc: { pid: process.pid, startedAt: at }, ...c }));
      const warnings: string[] = [];
      const ms = new ModelServer(parseVerlSection(raw(port)), { pollMs: 20, recordDir: runDir, onWarning: (m) => warnings.push(m) });
      await ms.serve("/models/y");
      expect(running(pid), JSON.stringify(c)).toBe(true);
      expect(warnings).toEqual([]);
      expect(record(recordFile).modelDir).toBe("/models/y"); // the stale record was replaced by the new server's
      await ms.stop();
      expect(existsSync(recordFile)).toBe(false);
    }
    expect(running(pid)).toBe(true);
    expect(running(process.pid)).toBe(true);
  }, 30_000);

  it("a real hard kill: the server of a live advfc process is left alone (serve refuses the port); once that advfc is SIGKILLed, its server is stopped and the port served", async () => {
    const runDir = mkdtempSync(join(tmp, "run-"));
    const port = await freePort();
    process.env.FAKE_VLLM_STARTS = join(runDir, "vllm-starts.jsonl");
    // The other advfc: a Node process serving through the built ModelServer (packages/*/dist, as `advfc run` does).
    const script = `import { ModelServer, parseVerlSection } from "@advfc/trainer-bridge";
await new ModelServer(parseVerlSection(${JSON.stringify(raw(port))}), { pollMs: 20, recordDir: ${JSON.stringify(runDir)} }).serve("/models/old");
process.stdout.write("serving\\n");
setInterval(() => {}, 1000);`;
    const advfc = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    children.push(advfc);
    await new Promise<void>((resolve, reject) => {
      advfc.stdout!.on("data", (c: Buffer) => c.toString().includes("serving") && resolve());
      advfc.once("exit", (code) => reject(new Error(`the advfc stand-in exited with ${String(code)}`)));
    });
    const [old] = starts(process.env.FAKE_VLLM_STARTS);
    expect(record(join(runDir, `serve-${port}.json`)).advfc.pid).toBe(advfc.pid);

    const warnings: string[] = [];
    const ms = new ModelServer(parseVerlSection(raw(port)), { pollMs: 20, recordDir: runDir, onWarning: (m) => warnings.push(m) });
    await expect(ms.serve("/models/new")).rejects.toThrow(new RegExp(`advfc \\(pid ${advfc.pid}\\) started on port ${port} \\(pid ${old!.pid}: .*\\) belongs to that advfc process, which is still running`));
    expect(running(old!.pid)).toBe(true);

    advfc.kill("SIGKILL");
    await new Promise((r) => (advfc.exitCode !== null || advfc.signalCode !== null ? r(null) : advfc.once("exit", r)));
    // The bug this guards against: the server outlived its advfc and holds the port.
    expect(await models(port)).toEqual(["/models/old"]);
    await ms.serve("/models/new");
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^stopped the model server advfc \\(pid ${advfc.pid}\\) started on port ${port} \\(pid ${old!.pid}: `))]);
    expect(running(old!.pid)).toBe(false);
    expect(await models(port)).toEqual(["/models/new"]);
    await ms.stop();
    expect(existsSync(join(runDir, `serve-${port}.json`))).toBe(false);
  }, 30_000);
});
