/**
 * `OpenAIChatModel`: a `ChatModel` over any OpenAI-compatible chat endpoint (vLLM, SGLang,
 * llama.cpp server, Ollama, hosted APIs), built for many concurrent requests at low CPU cost:
 * `node:http(s)` with one keep-alive agent per replica, bounded concurrency with a FIFO queue,
 * optional pacing, retries with exponential backoff and full jitter (honouring `Retry-After`),
 * replicas chosen by least requests in flight with a cool-down for failing ones, and an optional
 * on-disk response cache.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { AdvfcError, InvalidInputError } from "../errors.js";
import type { Tool } from "../schema/tool.js";
import { ResponseCache } from "./cache.js";
import type { ChatModel, ChatRequest, ChatResponse } from "./chat-model.js";
import { ModelRequestError, type ModelFailureReason } from "./errors.js";
import { abortReason, Pacer, Semaphore, sleep } from "./limiter.js";
import { parseChatCompletion, type ParsedCompletion } from "./openai-response.js";
import { toOpenAITools, type OpenAITool } from "./tools.js";

/** Options of {@link OpenAIChatModel}. */
export interface OpenAIChatModelOptions {
  /**
   * Base URLs of the server's replicas, each ending in `/v1` (e.g. `http://gpu1:8000/v1`).
   * Requests go to the replica with the fewest requests in flight (round-robin among equals);
   * one that failed `replicaFailureThreshold` times in a row sits out `replicaCooldownMs`.
   */
  baseUrls: readonly string[];
  /** Model name sent in every request (vLLM: the served model name). */
  model: string;
  /**
   * Name of the environment variable that holds the API key, sent as `Authorization: Bearer`.
   * Keys are read only from the environment, once, when the client is made; they never appear
   * in names, errors, events or cache files. The variable must be set when this is given.
   * @default none (no Authorization header: local vLLM / SGLang)
   */
  apiKeyEnv?: string;
  /** Requests in flight at most (across replicas); the rest wait in FIFO order. @default 32 */
  maxConcurrency?: number;
  /**
   * Paces attempt starts (retries included) evenly at this rate across the client.
   * @default none (no pacing)
   */
  requestsPerMinute?: number;
  /**
   * Retries after the first attempt, on 429, 5xx, 408/409/425, network errors (refused, reset,
   * dropped mid-response), timeouts and malformed 200 bodies. Other 4xx fail at once.
   * @default 5
   */
  maxRetries?: number;
  /** Backoff before retry k (1-based) is uniform in [0, min(maxBackoffMs, initialBackoffMs·2^(k−1))]. @default 500 */
  initialBackoffMs?: number;
  /** @default 30000 */
  maxBackoffMs?: number;
  /**
   * A `Retry-After` (seconds or HTTP date) or `retry-after-ms` header sets the wait before the
   * retry (at least the backoff), capped at this.
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /** Time limit of one attempt (connect to last byte), ms; an attempt over it is retried. @default 300000 */
  timeoutMs?: number;
  /** @default 0 */
  temperature?: number;
  /** `max_tokens` of every request unless the request sets it. @default none (the server's default) */
  maxTokens?: number;
  /**
   * Extra top-level body fields sent with every request, e.g. `{chat_template_kwargs:
   * {enable_thinking: false}}`. A request's `extraBody` is merged over these (plain objects
   * merge key by key, anything else replaces).
   * @default none
   */
  extraBody?: Readonly<Record<string, unknown>>;
  /**
   * How tools go into the `tools` field: `"json-schema"` converts BFCL's dialect (`dict`,
   * `float`, `tuple`, `any`, Java / JavaScript names) to JSON Schema; `"as-is"` sends it unchanged.
   * @default "json-schema"
   */
  toolSchema?: "json-schema" | "as-is";
  /**
   * Send function names with characters outside `[A-Za-z0-9_-]` replaced by `_` (hosted APIs
   * reject `math.factorial`), and map the names in the answer's tool calls back.
   * @default false
   */
  sanitizeToolNames?: boolean;
  /** Directory of the on-disk response cache (see `ResponseCache`). @default none (no cache) */
  cacheDir?: string;
  /** Consecutive failed attempts after which a replica sits out a cool-down. @default 3 */
  replicaFailureThreshold?: number;
  /** @default 10000 */
  replicaCooldownMs?: number;
  /** Called before each retry (for logs); the event holds no secret. @default none */
  onRetry?: (event: RetryEvent) => void;
  /** Name for logs and run records. @default "openai:<model>@<first base URL>[+<n> more]" */
  name?: string;
}

/** What `onRetry` receives. */
export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number;
  reason: ModelFailureReason;
  status?: number;
  /** The wait before the next attempt, ms. */
  delayMs: number;
  url: string;
  message: string;
}

/** Counters since the client was made. */
export interface OpenAIChatModelStats {
  /** `chat()` calls. */
  requests: number;
  successes: number;
  /** Calls that ended in an error (aborts included). */
  failures: number;
  aborts: number;
  cacheHits: number;
  /** HTTP attempts made. */
  attempts: number;
  /** Attempts after the first, by the reason the previous one failed. */
  retries: number;
  retriesByReason: Record<ModelFailureReason, number>;
  /** Mean latency of successful attempts, ms (0 before the first). */
  meanLatencyMs: number;
  /** Calls holding a concurrency slot / waiting for one now. */
  inFlight: number;
  queued: number;
  replicas: Array<{ url: string; attempts: number; failures: number; inFlight: number; coolingDown: boolean }>;
}

interface Replica {
  url: string;
  host: string;
  port: number;
  path: string;
  request: typeof httpRequest;
  agent: HttpAgent;
  /** Request headers but content-length, as a flat name/value array (Host included). */
  head: string[];
  inFlight: number;
  attempts: number;
  failures: number;
  consecutiveFailures: number;
  coolUntil: number;
}

type AttemptResult =
  | { ok: true; completion: ParsedCompletion; latencyMs: number }
  | { ok: false; reason: ModelFailureReason; status?: number; message: string; retryAfterMs?: number };

const REASONS: readonly ModelFailureReason[] = ["rate_limit", "server_error", "network", "stale_socket", "timeout", "malformed", "client_error", "aborted"];

/** Statuses retried besides 429 and 5xx: request timeout, conflict, too early. */
const RETRY_4XX = new Set([408, 409, 425]);

/**
 * Milliseconds a `Retry-After` / `retry-after-ms` header asks to wait, or `undefined` when
 * absent or unreadable. `Retry-After` may be seconds (fractions allowed) or an HTTP date.
 */
export function parseRetryAfter(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const ms = headers["retry-after-ms"];
  if (typeof ms === "string" && ms.trim() !== "") {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers["retry-after"];
  if (typeof ra !== "string" || ra.trim() === "") return undefined;
  const s = Number(ra);
  if (Number.isFinite(s)) return s >= 0 ? s * 1000 : undefined;
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `over` merged onto `base`: plain objects key by key (recursively), anything else replaces. */
function mergeBody(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): void {
  for (const k of Object.keys(over)) {
    const v = over[k];
    const b = base[k];
    if (isPlainObject(v) && isPlainObject(b)) {
      const m = { ...b };
      mergeBody(m, v);
      base[k] = m;
    } else {
      base[k] = v;
    }
  }
}

/** The URL without user info, query or trailing slash. */
function cleanUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

function errorMessage(status: number, text: string): string {
  try {
    const j: unknown = JSON.parse(text);
    if (isPlainObject(j)) {
      const e = j.error;
      if (isPlainObject(e) && typeof e.message === "string") return e.message;
      if (typeof e === "string") return e;
      if (typeof j.message === "string") return j.message;
      if (typeof j.detail === "string") return j.detail;
    }
  } catch {
    // not JSON: the text itself
  }
  const t = text.trim();
  return t === "" ? `HTTP ${status}` : t.length > 500 ? `${t.slice(0, 500)}…` : t;
}

const ATTEMPT = Symbol("advfc.attempt");
type AttemptRequest = ClientRequest & { [ATTEMPT]?: Attempt };

/**
 * The state of one HTTP attempt. The event handlers below are module-level functions that find
 * it through the request, so an attempt allocates no closures (except for an abort listener).
 */
class Attempt {
  readonly t0 = performance.now();
  done = false;
  gotResponse = false;
  req: ClientRequest | undefined;
  timer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | undefined;
  chunks: Buffer[] = [];
  constructor(
    private readonly resolve: (r: AttemptResult) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}
  finish(r: AttemptResult): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    if (this.onAbort) this.signal!.removeEventListener("abort", this.onAbort);
    this.resolve(r);
  }
}

function attemptOf(res: IncomingMessage): Attempt {
  return ((res as IncomingMessage & { req: AttemptRequest }).req[ATTEMPT])!;
}

function onResponse(this: AttemptRequest, res: IncomingMessage): void {
  this[ATTEMPT]!.gotResponse = true;
  res.on("data", onResponseData);
  res.on("end", onResponseEnd);
  res.on("error", onResponseError);
  res.on("close", onResponseClose);
}

function onResponseData(this: IncomingMessage, chunk: Buffer): void {
  attemptOf(this).chunks.push(chunk);
}

function onResponseEnd(this: IncomingMessage): void {
  const a = attemptOf(this);
  a.finish(classify(this, a.chunks.length === 1 ? a.chunks[0]! : Buffer.concat(a.chunks), a.t0));
}

function onResponseError(this: IncomingMessage, e: NodeJS.ErrnoException): void {
  attemptOf(this).finish({ ok: false, reason: "network", message: `connection lost mid-response (${e.code ?? e.message})` });
}

function onResponseClose(this: IncomingMessage): void {
  if (!this.complete) attemptOf(this).finish({ ok: false, reason: "network", message: "connection closed before the response ended" });
}

function onRequestError(this: AttemptRequest, e: NodeJS.ErrnoException): void {
  const a = this[ATTEMPT]!;
  // A kept-alive socket the server closed while idle: safe to resend at once (nothing was answered).
  const stale = !a.gotResponse && this.reusedSocket && e.code === "ECONNRESET";
  a.finish({ ok: false, reason: stale ? "stale_socket" : "network", message: e.code ? `${e.code}: ${e.message}` : e.message });
}

function onTimeout(a: Attempt, ms: number): void {
  a.finish({ ok: false, reason: "timeout", message: `no complete answer within ${ms} ms` });
  a.req?.destroy();
}

function classify(res: IncomingMessage, raw: Buffer, t0: number): AttemptResult {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      return { ok: false, reason: "malformed", status, message: `response body is not JSON (${raw.length} bytes)` };
    }
    const completion = parseChatCompletion(json);
    if (!completion) return { ok: false, reason: "malformed", status, message: "response is not a chat completion (no choices[0].message)" };
    return { ok: true, completion, latencyMs: performance.now() - t0 };
  }
  const message = errorMessage(status, raw.toString("utf8"));
  const retryAfterMs = parseRetryAfter(res.headers);
  const reason: ModelFailureReason = status === 429 ? "rate_limit" : status >= 500 || RETRY_4XX.has(status) ? "server_error" : "client_error";
  return retryAfterMs !== undefined ? { ok: false, reason, status, message, retryAfterMs } : { ok: false, reason, status, message };
}

function response(c: ParsedCompletion, latencyMs: number, attempts: number, cached: boolean, totalMs: number): ChatResponse {
  const r: ChatResponse = { content: c.content, toolCalls: c.toolCalls, finishReason: c.finishReason, latencyMs, attempts, cached, totalMs };
  if (c.reasoning !== undefined) r.reasoning = c.reasoning;
  if (c.usage !== undefined) r.usage = c.usage;
  if (c.model !== undefined) r.model = c.model;
  return r;
}

/** A `ChatModel` over OpenAI-compatible HTTP endpoints. */
export class OpenAIChatModel implements ChatModel {
  readonly name: string;
  readonly model: string;
  private readonly replicas: Replica[];
  private readonly sem: Semaphore;
  private readonly pacer: Pacer | undefined;
  private readonly cache: ResponseCache | undefined;
  /** The API key, only to scrub it from server messages. */
  private readonly secret: string | undefined;
  private readonly o: Required<Pick<OpenAIChatModelOptions, "maxRetries" | "initialBackoffMs" | "maxBackoffMs" | "maxRetryAfterMs" | "timeoutMs" | "temperature" | "replicaFailureThreshold" | "replicaCooldownMs">>;
  private readonly maxTokens: number | undefined;
  private readonly extraBody: Readonly<Record<string, unknown>> | undefined;
  private readonly toolSchema: "json-schema" | "as-is";
  private readonly sanitize: boolean;
  private readonly onRetry: ((e: RetryEvent) => void) | undefined;
  private readonly toolCache = new WeakMap<readonly Tool[], { tools: OpenAITool[]; names: Map<string, string> }>();
  private rr = 0;
  private closed = false;
  private readonly counts = {
    requests: 0,
    successes: 0,
    failures: 0,
    aborts: 0,
    cacheHits: 0,
    attempts: 0,
    latencySum: 0,
    retries: Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<ModelFailureReason, number>,
  };

  constructor(opts: OpenAIChatModelOptions) {
    if (!Array.isArray(opts.baseUrls) || opts.baseUrls.length === 0) throw new InvalidInputError("Expected at least one base URL for baseUrls but received none", { field: "baseUrls" });
    if (typeof opts.model !== "string" || opts.model === "") throw new InvalidInputError("Expected a model name for model", { field: "model" });
    const maxConcurrency = opts.maxConcurrency ?? 32;
    const positive = (v: number | undefined, field: string, integer: boolean): void => {
      if (v !== undefined && !(Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)))) {
        throw new InvalidInputError(`Expected a positive ${integer ? "integer" : "number"} for ${field} but received ${String(v)}`, { field });
      }
    };
    positive(maxConcurrency, "maxConcurrency", true);
    positive(opts.requestsPerMinute, "requestsPerMinute", false);
    positive(opts.timeoutMs, "timeoutMs", false);
    if (opts.maxRetries !== undefined && !(Number.isInteger(opts.maxRetries) && opts.maxRetries >= 0)) {
      throw new InvalidInputError(`Expected a non-negative integer for maxRetries but received ${String(opts.maxRetries)}`, { field: "maxRetries" });
    }
    this.model = opts.model;
    const head = ["content-type", "application/json", "accept", "application/json"];
    if (opts.apiKeyEnv !== undefined) {
      const key = process.env[opts.apiKeyEnv];
      if (key === undefined || key === "") {
        throw new InvalidInputError(`Expected an API key in the environment variable ${opts.apiKeyEnv} but it is not set`, { field: "apiKeyEnv" });
      }
      this.secret = key;
      head.push("authorization", `Bearer ${key}`);
    }
    this.replicas = opts.baseUrls.map((raw) => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new InvalidInputError(`Expected an http(s) URL for baseUrls but received ${JSON.stringify(raw)}`, { field: "baseUrls" });
      }
      const https = u.protocol === "https:";
      if (!https && u.protocol !== "http:") throw new InvalidInputError(`Expected an http(s) URL for baseUrls but received ${JSON.stringify(cleanUrl(u))}`, { field: "baseUrls" });
      // One agent per replica: maxSockets bounds the replica's connections at the concurrency
      // limit, and LIFO reuse lets surplus idle sockets time out instead of going stale.
      const agentOpts = { keepAlive: true, maxSockets: maxConcurrency, maxFreeSockets: maxConcurrency, scheduling: "lifo" as const };
      const url = cleanUrl(u);
      return {
        url,
        host: u.hostname.replace(/^\[|\]$/g, ""),
        port: u.port ? Number(u.port) : https ? 443 : 80,
        path: `${u.pathname.replace(/\/+$/, "")}/chat/completions`,
        request: https ? httpsRequest : httpRequest,
        agent: https ? new HttpsAgent(agentOpts) : new HttpAgent(agentOpts),
        head: ["host", u.host, ...head],
        inFlight: 0,
        attempts: 0,
        failures: 0,
        consecutiveFailures: 0,
        coolUntil: 0,
      };
    });
    this.sem = new Semaphore(maxConcurrency);
    this.pacer = opts.requestsPerMinute !== undefined ? new Pacer(opts.requestsPerMinute) : undefined;
    this.cache = opts.cacheDir !== undefined ? new ResponseCache(opts.cacheDir) : undefined;
    this.o = {
      maxRetries: opts.maxRetries ?? 5,
      initialBackoffMs: opts.initialBackoffMs ?? 500,
      maxBackoffMs: opts.maxBackoffMs ?? 30_000,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
      timeoutMs: opts.timeoutMs ?? 300_000,
      temperature: opts.temperature ?? 0,
      replicaFailureThreshold: opts.replicaFailureThreshold ?? 3,
      replicaCooldownMs: opts.replicaCooldownMs ?? 10_000,
    };
    this.maxTokens = opts.maxTokens;
    this.extraBody = opts.extraBody;
    this.toolSchema = opts.toolSchema ?? "json-schema";
    this.sanitize = opts.sanitizeToolNames ?? false;
    this.onRetry = opts.onRetry;
    const first = this.replicas[0]!.url;
    this.name = opts.name ?? `openai:${opts.model}@${first}${this.replicas.length > 1 ? `+${this.replicas.length - 1} more` : ""}`;
  }

  /** The request body sent for a request (what the cache key is computed from). */
  requestBody(request: ChatRequest): { body: Record<string, unknown>; names: Map<string, string> | undefined } {
    const body: Record<string, unknown> = {
      model: this.model,
      messages: request.messages,
      temperature: request.temperature ?? this.o.temperature,
    };
    const maxTokens = request.maxTokens ?? this.maxTokens;
    if (maxTokens !== undefined) body.max_tokens = maxTokens;
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.stop !== undefined) body.stop = request.stop;
    let names: Map<string, string> | undefined;
    if (request.tools !== undefined && request.tools.length > 0) {
      let conv = this.toolCache.get(request.tools);
      if (!conv) {
        conv = toOpenAITools(request.tools, { schema: this.toolSchema, sanitizeNames: this.sanitize });
        this.toolCache.set(request.tools, conv);
      }
      body.tools = conv.tools;
      if (conv.names.size > 0) names = conv.names;
    }
    if (request.toolChoice !== undefined) {
      const tc = request.toolChoice;
      if (typeof tc === "object" && this.sanitize) {
        body.tool_choice = { type: "function", function: { name: tc.function.name.replace(/[^A-Za-z0-9_-]/g, "_") } };
      } else {
        body.tool_choice = tc;
      }
    }
    if (this.extraBody) mergeBody(body, this.extraBody);
    if (request.extraBody) mergeBody(body, request.extraBody);
    return { body, names };
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    if (this.closed) throw new AdvfcError(`${this.name}: chat() after close()`);
    const t0 = performance.now();
    const signal = request.signal;
    this.counts.requests++;
    try {
      if (signal?.aborted) throw abortReason(signal);
      let built: ReturnType<OpenAIChatModel["requestBody"]> | undefined;
      let key: string | undefined;
      if (this.cache) {
        built = this.requestBody(request);
        key = ResponseCache.key(built.body);
        const hit = await this.cache.get(key);
        if (hit) {
          this.counts.cacheHits++;
          this.counts.successes++;
          return response(hit, 0, 0, true, performance.now() - t0);
        }
      }
      // A queued call holds no body yet: it is built once a slot is free, so a long queue
      // keeps only the callers' requests alive.
      await this.sem.acquire(signal);
      let res: { completion: ParsedCompletion; latencyMs: number; attempts: number };
      try {
        built ??= this.requestBody(request);
        // Serialised once: every attempt and replica sends the same text.
        const payload = JSON.stringify(built.body);
        res = await this.send(payload, String(Buffer.byteLength(payload)), signal);
      } finally {
        this.sem.release();
      }
      const c = res.completion;
      if (built.names) {
        for (const tc of c.toolCalls) {
          const orig = built.names.get(tc.function.name);
          if (orig !== undefined) tc.function.name = orig;
        }
      }
      if (this.cache && key !== undefined) await this.cache.set(key, c);
      this.counts.successes++;
      return response(c, res.latencyMs, res.attempts, false, performance.now() - t0);
    } catch (e) {
      this.counts.failures++;
      if (signal?.aborted && !(e instanceof ModelRequestError)) this.counts.aborts++;
      throw e;
    }
  }


  /** Picks the replica with the fewest requests in flight among those not cooling down. */
  private pick(avoid: Replica | undefined): Replica {
    const reps = this.replicas;
    if (reps.length === 1) return reps[0]!;
    const now = performance.now();
    const start = this.rr++ % reps.length;
    let best: Replica | undefined;
    let soonest: Replica | undefined;
    for (let i = 0; i < reps.length; i++) {
      const r = reps[(start + i) % reps.length]!;
      if (r.coolUntil > now || r === avoid) {
        if (r !== avoid && (!soonest || r.coolUntil < soonest.coolUntil)) soonest = r;
        continue;
      }
      if (!best || r.inFlight < best.inFlight) best = r;
    }
    // Everything else is cooling down: the one that failed last (if healthy) or the first back.
    if (best) return best;
    if (avoid && avoid.coolUntil <= now) return avoid;
    return soonest ?? avoid ?? reps[start]!;
  }

  private async send(payload: string, length: string, signal: AbortSignal | undefined): Promise<{ completion: ParsedCompletion; latencyMs: number; attempts: number }> {
    const maxAttempts = this.o.maxRetries + 1;
    let last: Replica | undefined;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new ModelRequestError(`${this.model}: the client was closed`, { attempts: attempt - 1, retryable: false, reason: "aborted" });
      if (this.pacer) await this.pacer.wait(signal);
      const rep = this.pick(last);
      last = rep;
      rep.inFlight++;
      rep.attempts++;
      this.counts.attempts++;
      const r = await this.attempt(rep, payload, length, signal);
      rep.inFlight--;
      if (r.ok) {
        rep.consecutiveFailures = 0;
        this.counts.latencySum += r.latencyMs;
        return { completion: r.completion, latencyMs: r.latencyMs, attempts: attempt };
      }
      if (r.reason === "aborted") throw abortReason(signal!);
      rep.failures++;
      const retryable = r.reason !== "client_error";
      if (retryable && r.reason !== "stale_socket" && ++rep.consecutiveFailures >= this.o.replicaFailureThreshold) {
        rep.coolUntil = performance.now() + this.o.replicaCooldownMs;
        rep.consecutiveFailures = 0;
      }
      const message = this.scrub(r.message);
      if (!retryable || attempt >= maxAttempts) {
        const what = r.status !== undefined ? `HTTP ${r.status}` : r.reason;
        const tail = retryable ? ` (gave up after ${attempt} attempt${attempt === 1 ? "" : "s"})` : "";
        throw new ModelRequestError(`${this.model} at ${rep.url}: ${what}: ${message}${tail}`, {
          ...(r.status !== undefined ? { status: r.status } : {}),
          attempts: attempt,
          retryable,
          reason: r.reason,
          url: rep.url,
        });
      }
      this.counts.retries[r.reason]++;
      let delay = 0;
      if (r.reason !== "stale_socket") {
        delay = Math.random() * Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** (attempt - 1));
        if (r.retryAfterMs !== undefined) delay = Math.max(delay, Math.min(r.retryAfterMs, this.o.maxRetryAfterMs));
      }
      this.onRetry?.({ attempt, reason: r.reason, ...(r.status !== undefined ? { status: r.status } : {}), delayMs: delay, url: rep.url, message });
      await sleep(delay, signal);
    }
  }

  private scrub(s: string): string {
    return this.secret !== undefined && s.includes(this.secret) ? s.split(this.secret).join("***") : s;
  }

  /** One HTTP attempt; never rejects (failures are values: no stack capture on the hot path). */
  private attempt(rep: Replica, payload: string, length: string, signal: AbortSignal | undefined): Promise<AttemptResult> {
    return new Promise<AttemptResult>((resolve) => {
      if (signal?.aborted) {
        resolve({ ok: false, reason: "aborted", message: "aborted" });
        return;
      }
      const a = new Attempt(resolve, signal);
      // Headers as a flat array (rawHeaders layout) skip node:http's per-header setHeader path.
      const headers = rep.head.concat("content-length", length);
      const req = rep.request({ host: rep.host, port: rep.port, path: rep.path, method: "POST", agent: rep.agent, headers }, onResponse);
      (req as AttemptRequest)[ATTEMPT] = a;
      a.req = req;
      req.on("error", onRequestError);
      a.timer = setTimeout(onTimeout, this.o.timeoutMs, a, this.o.timeoutMs);
      if (signal) {
        a.onAbort = () => {
          a.finish({ ok: false, reason: "aborted", message: "aborted" });
          req.destroy();
        };
        signal.addEventListener("abort", a.onAbort, { once: true });
      }
      req.end(payload);
    });
  }

  /** Counters since the client was made. */
  stats(): OpenAIChatModelStats {
    const c = this.counts;
    const now = performance.now();
    const retries = REASONS.reduce((s, r) => s + c.retries[r], 0);
    const okAttempts = c.successes - c.cacheHits;
    return {
      requests: c.requests,
      successes: c.successes,
      failures: c.failures,
      aborts: c.aborts,
      cacheHits: c.cacheHits,
      attempts: c.attempts,
      retries,
      retriesByReason: { ...c.retries },
      meanLatencyMs: okAttempts > 0 ? c.latencySum / okAttempts : 0,
      inFlight: this.sem.inUse,
      queued: this.sem.queued,
      replicas: this.replicas.map((r) => ({ url: r.url, attempts: r.attempts, failures: r.failures, inFlight: r.inFlight, coolingDown: r.coolUntil > now })),
    };
  }

  /**
   * Closes the kept-alive sockets; later `chat()` calls throw, and calls still running fail
   * (with `ModelRequestError`, reason "aborted") instead of retrying. Safe to call twice.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.replicas) r.agent.destroy();
  }
}
