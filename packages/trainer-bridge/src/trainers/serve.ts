/**
 * Serving a trained FC model to the next iteration of `advfc run`: either an endpoint the user
 * restarts with the new weights (`serve: external` — advfc prints the `vllm serve` command and
 * polls `GET /v1/models`), or a `vllm serve` child advfc starts itself (`serve: spawn` — kept
 * alive for the next iteration, stopped before the next training job and on exit).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { AdvfcError } from "@advfc/core";
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

/** Serves exported models, one at a time. */
export class ModelServer {
  private child: ChildProcess | undefined;
  private readonly onExit = () => this.killNow("SIGKILL");
  constructor(
    private readonly section: VerlSection,
    private readonly options: { apiKey?: string; pollMs?: number; log?: (message: string) => void } = {},
  ) {}

  /** Serve `modelDir` and resolve once it answers. */
  async serve(modelDir: string, o: { logFile?: string; signal?: AbortSignal } = {}): Promise<ServedModel> {
    const s = this.section;
    const mode = serveMode(s);
    if (mode === undefined) throw new AdvfcError(checkServeSettings(s).join("\n"));
    const name = s.served_model_name ?? modelDir;
    const nameArgs = s.served_model_name !== undefined ? ["--served-model-name", s.served_model_name] : [];
    const timeoutMs = s.serve_timeout_s * 1000;
    const log = this.options.log ?? (() => {});
    if (mode === "external") {
      const baseUrl = s.serve_base_url!;
      const command = ["vllm", "serve", modelDir, "--enable-auto-tool-choice", "--tool-call-parser", "hermes", ...nameArgs];
      log(`serve the trained FC model at ${baseUrl} (restart your server with it): ${command.map(shellQuote).join(" ")}`);
      log(`waiting up to ${s.serve_timeout_s} s for ${baseUrl}/models to list ${JSON.stringify(name)} …`);
      await this.poll(baseUrl, name, modelDir, timeoutMs, undefined, o.signal);
      return { baseUrl, model: name, modelDir, mode, command };
    }
    await this.stop();
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

  /** Stop a spawned server (SIGTERM, SIGKILL after 15 s); nothing for an external one. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.child = undefined;
    process.off("exit", this.onExit);
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    this.child = c;
    this.killNow("SIGTERM");
    const late = await Promise.race([exited.then(() => false), sleep(15_000, undefined, true).then(() => true)]);
    if (late) this.killNow("SIGKILL");
    this.child = undefined;
  }
}
