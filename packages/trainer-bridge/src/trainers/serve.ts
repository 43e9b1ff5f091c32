/**
 * Serving a trained FC model to the next iteration of `advfc run`: either an endpoint the user
 * restarts with the new weights (`serve: external` — advfc prints the `vllm serve` command and
 * polls `GET /v1/models`), or a `vllm serve` child advfc starts itself (`serve: spawn` — kept
 * alive for the next iteration, stopped before the next training job and on exit).
 *
 * A spawned server runs detached (its own process group), so an advfc killed hard (SIGKILL, the
 * OOM killer, a lost SSH session) leaves it running on its port. While it runs it is recorded in
 * the run directory (`serve-<port>.json`: its pid, start time and command, and advfc's); before
 * spawning on that port, and when stopping, a ModelServer stops a recorded server whose advfc is
 * gone — only after checking (Linux: /proc/<pid>/{stat,cmdline}) that the pid is still that server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AdvfcError, writeJsonAtomic } from "@advfc/core";
import { shellQuote } from "../launch/plan.js";
import type { VerlSection } from "../launch/verl-section.js";

/** Where a served model answers. */
export interface ServedModel {
  /** Base URL ending in /v1. */
  baseUrl: string;
  /** The model name requests use. */
  model: string;
  /** The exported Hugging Face folder it serves. */
  modelDir: string;
  mode: "external" | "spawn";
  /** The `vllm serve` argv (spawned, or printed for the user). */
  command: string[];
}

/** The serving mode of a verl section, or why there is none. */
export function serveMode(section: VerlSection): "external" | "spawn" | undefined {
  return section.serve ?? (section.serve_base_url !== undefined ? "external" : undefined);
}

/** The verl section's serving settings are unusable for `advfc run` (one line per problem). */
export function checkServeSettings(section: VerlSection): string[] {
  const issues: string[] = [];
  const mode = serveMode(section);
  if (mode === undefined) issues.push('trainer.verl.serve: Expected "spawn", or trainer.verl.serve_base_url (an endpoint you restart with the trained model), so that the next iteration can talk to the trained FC model');
  if (mode === "external" && section.serve_base_url === undefined) issues.push("trainer.verl.serve_base_url: Expected the base URL (ending in /v1) of the server you restart with the trained model (serve: external)");
  if (section.serve_base_url !== undefined && !/^https?:\/\/.+\/v1\/?$/.test(section.serve_base_url)) issues.push(`trainer.verl.serve_base_url: Expected an http(s) URL ending in /v1 but received ${JSON.stringify(section.serve_base_url)}`);
  return issues;
}

/** `GET <base>/models` lists `name` (and, when the server says which folder it serves, that it is `dir`). */
async function modelAnswers(baseUrl: string, name: string, dir: string, apiKey: string | undefined): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl.replace(/\/$/, "")}/models`, { signal: AbortSignal.timeout(5000), ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}) });
    if (!res.ok) return false;
    const body = (await res.json()) as { data?: Array<{ id?: unknown; root?: unknown }> };
    // vLLM reports the served folder as `root`: a fixed served_model_name must not match the old weights.
    return (body.data ?? []).some((m) => m.id === name && (m.root === undefined || m.root === null || m.root === dir || m.root === name));
  } catch {
    return false;
  }
}

const sleep = (ms: number, signal?: AbortSignal, unref = false) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    if (unref) t.unref();
    signal?.addEventListener("abort", done, { once: true });
  });

/** What `serve: spawn` records in the run directory while its server runs (`serve-<port>.json`). */
export interface ServeRecord {
  format: "advfc-serve/1";
  /** The server (a process group leader: it was spawned detached). */
  pid: number;
  /** Linux: its start time (/proc/<pid>/stat field 22, clock ticks since boot), so a reused pid does not match. */
  startTicks?: number;
  host: string;
  port: number;
  /** The argv it was spawned with. */
  command: string[];
  modelDir: string;
  logFile?: string;
  startedAt: string;
  /** The advfc process that spawned it. */
  advfc: { pid: number; startTicks?: number; startedAt: string };
}

const onLinux = process.platform === "linux";

/** Linux: a process's state and start time (/proc/<pid>/stat); undefined when there is no such process. */
function procStat(pid: number): { state: string; startTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The name in parentheses may hold spaces and parentheses: fields are counted after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0]!, startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (onLinux) {
    const st = procStat(pid);
    return st !== undefined && st.state !== "Z" && st.state !== "X";
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Linux: `r.pid` is still the server the record describes — alive, started at the recorded time,
 * and its command line ends with the recorded arguments after a program of the recorded name (for
 * a script such as `vllm`, the kernel puts the interpreter first).
 */
function isRecordedServer(r: ServeRecord): boolean {
  const st = procStat(r.pid);
  if (st === undefined || st.state === "Z" || st.state === "X") return false;
  if (r.startTicks !== undefined && st.startTicks !== r.startTicks) return false;
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${r.pid}/cmdline`, "utf8").split("\0");
  } catch {
    return false;
  }
  if (argv.at(-1) === "") argv.pop();
  const [exe, ...args] = r.command;
  const head = argv.length - args.length;
  if (exe === undefined || head < 1 || args.some((a, i) => argv[head + i] !== a)) return false;
  return argv.slice(0, head).some((a) => a === exe || basename(a) === basename(exe));
}

/** The recorded process has not finished exiting: alive (not a zombie) and, where recorded, started at the recorded time. */
function stillRunning(r: ServeRecord): boolean {
  if (!onLinux) return isAlive(r.pid);
  const st = procStat(r.pid);
  return st !== undefined && st.state !== "Z" && st.state !== "X" && (r.startTicks === undefined || st.startTicks === r.startTicks);
}

function readRecord(file: string): ServeRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as Partial<ServeRecord>;
    const ok = r.format === "advfc-serve/1" && Number.isInteger(r.pid) && (r.pid as number) > 0 && Array.isArray(r.command) && r.command.every((a) => typeof a === "string") && Number.isInteger(r.advfc?.pid);
    return ok ? (r as ServeRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link ModelServer}. */
export interface ModelServerOptions {
  apiKey?: string;
  /** /v1/models poll interval, ms. @default 1000 */
  pollMs?: number;
  /** Progress lines (external mode: the command to restart your server with). */
  log?: (message: string) => void;
  /** Warning lines (a server an earlier advfc left running was stopped, or left alone). @default log */
  onWarning?: (message: string) => void;
  /** Where a spawned server is recorded (`serve-<port>.json`): the run directory. Absent = no record. */
  recordDir?: string;
  /** SIGTERM → SIGKILL grace when stopping a server, ms. @default 15_000 */
  stopGraceMs?: number;
}

/** Serves exported models, one at a time. */
export class ModelServer {
  private child: ChildProcess | undefined;
  private readonly onExit = () => {
    const pid = this.child?.pid;
    this.killNow("SIGKILL");
    if (pid !== undefined) this.forgetRecord(pid);
  };
  constructor(
    private readonly section: VerlSection,
    private readonly options: ModelServerOptions = {},
  ) {}

  /**
   * The record of a server spawned on this port, when there is a record folder and this server
   * spawns (an external one never reads it: its `serve_port` may be a spawned server's port).
   */
  get recordFile(): string | undefined {
    return this.options.recordDir !== undefined && serveMode(this.section) === "spawn" ? join(this.options.recordDir, `serve-${this.section.serve_port}.json`) : undefined;
  }

  /** Serve `modelDir` and resolve once it answers. */
  async serve(modelDir: string, o: { logFile?: string; signal?: AbortSignal; log?: (message: string) => void } = {}): Promise<ServedModel> {
    const s = this.section;
    const mode = serveMode(s);
    if (mode === undefined) throw new AdvfcError(checkServeSettings(s).join("\n"));
    const name = s.served_model_name ?? modelDir;
    const nameArgs = s.served_model_name !== undefined ? ["--served-model-name", s.served_model_name] : [];
    const timeoutMs = s.serve_timeout_s * 1000;
    const log = o.log ?? this.options.log ?? (() => {});
    if (mode === "external") {
      const baseUrl = s.serve_base_url!;
      const command = ["vllm", "serve", modelDir, "--enable-auto-tool-choice", "--tool-call-parser", "hermes", ...nameArgs];
      log(`serve the trained model at ${baseUrl} (restart your server with it): ${command.map(shellQuote).join(" ")}`);
      log(`waiting up to ${s.serve_timeout_s} s for ${baseUrl}/models to list ${JSON.stringify(name)} …`);
      await this.poll(baseUrl, name, modelDir, timeoutMs, undefined, o.signal);
      return { baseUrl, model: name, modelDir, mode, command };
    }
    const held = await this.stopAll();
    if (held !== undefined) throw new AdvfcError(held);
    const command = [...(s.serve_command ?? ["vllm", "serve"]), modelDir, "--enable-auto-tool-choice", "--tool-call-parser", "hermes", "--host", s.serve_host, "--port", String(s.serve_port), ...(nameArgs.length > 0 ? nameArgs : ["--served-model-name", name]), ...s.serve_args];
    const baseUrl = `http://${s.serve_host.includes(":") ? `[${s.serve_host}]` : s.serve_host}:${s.serve_port}/v1`;
    log(`starting ${command.map(shellQuote).join(" ")}`);
    let fd: number | undefined;
    if (o.logFile) {
      mkdirSync(dirname(o.logFile), { recursive: true });
      fd = openSync(o.logFile, "a");
    }
    const [exe, ...args] = command;
    const child = spawn(exe!, args, { stdio: ["ignore", fd ?? "ignore", fd ?? "ignore"], detached: true });
    if (fd !== undefined) closeSync(fd);
    this.child = child;
    process.once("exit", this.onExit);
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    try {
      if (child.pid !== undefined) this.record(child.pid, command, modelDir, o.logFile);
      await Promise.race([this.poll(baseUrl, name, modelDir, timeoutMs, child, o.signal), spawnError.then((e) => Promise.reject(new AdvfcError(`cannot start ${exe}: ${e.message}`)))]);
    } catch (e) {
      await this.stop();
      throw e;
    }
    return { baseUrl, model: name, modelDir, mode, command };
  }

  private async poll(baseUrl: string, name: string, dir: string, timeoutMs: number, child: ChildProcess | undefined, signal: AbortSignal | undefined): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      if (signal?.aborted) throw new AdvfcError("aborted while waiting for the served FC model");
      if (child && (child.exitCode !== null || child.signalCode !== null)) throw new AdvfcError(`the model server exited (${child.signalCode ?? `code ${child.exitCode}`}) before answering at ${baseUrl}`);
      if (await modelAnswers(baseUrl, name, dir, this.options.apiKey)) return;
      if (Date.now() - t0 > timeoutMs) throw new AdvfcError(`${baseUrl}/models did not list ${JSON.stringify(name)} within ${Math.round(timeoutMs / 1000)} s`);
      await sleep(this.options.pollMs ?? 1000, signal);
    }
  }

  private killNow(sig: NodeJS.Signals): void {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    try {
      process.kill(-c.pid!, sig);
    } catch {
      try {
        c.kill(sig);
      } catch {
        /* gone */
      }
    }
  }

  private record(pid: number, command: string[], modelDir: string, logFile: string | undefined): void {
    const file = this.recordFile;
    if (file === undefined) return;
    const self = onLinux ? procStat(process.pid)?.startTicks : undefined;
    const server = onLinux ? procStat(pid)?.startTicks : undefined;
    const record: ServeRecord = {
      format: "advfc-serve/1",
      pid,
      ...(server !== undefined ? { startTicks: server } : {}),
      host: this.section.serve_host,
      port: this.section.serve_port,
      command,
      modelDir,
      ...(logFile !== undefined ? { logFile } : {}),
      startedAt: new Date().toISOString(),
      advfc: { pid: process.pid, ...(self !== undefined ? { startTicks: self } : {}), startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString() },
    };
    mkdirSync(dirname(file), { recursive: true });
    writeJsonAtomic(file, record);
  }

  /** Remove the record of our own server `pid` (stopped). */
  private forgetRecord(pid: number): void {
    const file = this.recordFile;
    if (file !== undefined && readRecord(file)?.pid === pid) rmSync(file, { force: true });
  }

  /**
   * A server recorded on this port that is still running: stop it when the advfc that spawned it
   * is gone (or is this process: a ModelServer that was never closed) and it is still the recorded
   * server; returns why it was left running when another live advfc process owns it.
   */
  private async stopRecorded(): Promise<string | undefined> {
    const file = this.recordFile;
    if (file === undefined || !existsSync(file)) return undefined;
    // Unreadable: nothing to check a process against; the next spawn's record replaces it.
    const r = readRecord(file);
    if (r === undefined) return undefined;
    const what = `the model server advfc (pid ${r.advfc.pid}) started on port ${r.port} (pid ${r.pid}: ${r.command.map(shellQuote).join(" ")})`;
    if (!onLinux) {
      // No /proc: the pid's program cannot be checked, so it is never signalled.
      if (!isAlive(r.pid)) rmSync(file, { force: true });
      else this.warn(`${what} may still be running (${file}); not stopping it, as its command line cannot be checked on ${process.platform}: stop it yourself if it holds the port`);
      return undefined;
    }
    if (!isRecordedServer(r)) {
      rmSync(file, { force: true }); // gone, or the pid is another program's now
      return undefined;
    }
    const owner = r.advfc;
    if (owner.pid !== process.pid && isAlive(owner.pid) && (owner.startTicks === undefined || procStat(owner.pid)?.startTicks === owner.startTicks)) {
      return `${what} belongs to that advfc process, which is still running (${file}); not stopping it`;
    }
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-r.pid, sig); // the server leads its process group: its workers get the signal too
      } catch {
        try {
          process.kill(r.pid, sig);
        } catch {
          /* gone */
        }
      }
    };
    // Once signalled, wait for the process itself to be gone: an exiting process loses its command
    // line (so it no longer matches the record) before it closes its sockets and becomes a zombie.
    const wait = async (ms: number) => {
      const t0 = Date.now();
      while (stillRunning(r) && Date.now() - t0 < ms) await sleep(50);
    };
    signal("SIGTERM");
    await wait(this.options.stopGraceMs ?? 15_000);
    // Checked again right before: a pid freed meanwhile may be another process's.
    if (isRecordedServer(r)) signal("SIGKILL");
    await wait(5_000);
    if (stillRunning(r)) return `${what} is still running after SIGTERM and SIGKILL (${file}); not starting another on its port`;
    rmSync(file, { force: true });
    this.warn(`stopped ${what}, which an earlier advfc left running`);
    return undefined;
  }

  private warn(message: string): void {
    (this.options.onWarning ?? this.options.log ?? (() => {}))(message);
  }

  /** Stop our server, then a recorded one an earlier advfc left running; why a recorded one was left. */
  private async stopAll(): Promise<string | undefined> {
    const c = this.child;
    if (c) {
      this.child = undefined;
      process.off("exit", this.onExit);
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
        this.child = c;
        this.killNow("SIGTERM");
        const late = await Promise.race([exited.then(() => false), sleep(this.options.stopGraceMs ?? 15_000, undefined, true).then(() => true)]);
        if (late) this.killNow("SIGKILL");
        this.child = undefined;
      }
      if (c.pid !== undefined) this.forgetRecord(c.pid);
    }
    return this.stopRecorded();
  }

  /**
   * Stop a spawned server (SIGTERM, SIGKILL after the grace period, 15 s by default) and remove its
   * record; also a server an earlier advfc recorded on this port and left running. Nothing for an
   * external one.
   */
  async stop(): Promise<void> {
    const held = await this.stopAll();
    if (held !== undefined) this.warn(held);
  }
}
