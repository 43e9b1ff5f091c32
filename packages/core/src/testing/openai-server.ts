/**
 * A scripted OpenAI-compatible chat server on 127.0.0.1 for tests and benchmarks: it answers
 * `POST /v1/chat/completions` in vLLM's response format (what `respond` scripts, after a fixed
 * latency) and `GET /v1/models`, records every chat request, counts requests in flight, and can
 * inject faults (429 / 5xx with `Retry-After`, a dropped connection, a malformed body, a hang).
 * Built on `node:http` with no per-connection limits, so it holds thousands of concurrent
 * connections; `close()` ends hung and kept-alive sockets too.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A tool call the scripted model makes; object arguments are sent as JSON text. */
export interface ScriptedToolCall {
  name: string;
  arguments: string | Record<string, unknown>;
}

/** What the server answers to one request. */
export interface ScriptedReply {
  /** The assistant message's content. @default "" when `toolCalls` is set, else an echo of the last user message */
  content?: string | null;
  toolCalls?: ScriptedToolCall[];
  /** Sent as `message.reasoning_content` (vLLM's reasoning parser field). */
  reasoning?: string;
  /** @default "tool_calls" when there are tool calls, else "stop" */
  finishReason?: string;
  /** Extra latency for this reply, ms, on top of the server's `latencyMs`. @default 0 */
  delayMs?: number;
  /**
   * Answer with a fault instead: "429" / "500" / "503" = that status with an OpenAI-format error
   * body; "drop" = send the status line and part of the body, then destroy the socket;
   * "malformed" = status 200 with a body that is not valid JSON; "hang" = never answer (until
   * the client gives up or the server closes).
   */
  fault?: "429" | "500" | "503" | "drop" | "malformed" | "hang";
  /** With a 429 / 503 fault: the `Retry-After` header, seconds. */
  retryAfterS?: number;
}

/** One chat request the server received (recorded before faults and scripting are applied). */
export interface RecordedRequest {
  /** Arrival number, 0-based: `server.requests[n]` is this request, `faults[n]` applies to it. */
  n: number;
  /** The parsed JSON body (`undefined` when the body was not valid JSON: answered with 400). */
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** `Date.now()` when the request's body had arrived, ms. */
  receivedAt: number;
}

export interface OpenAIServerOptions {
  /** Fixed latency of every response, ms. @default 0 */
  latencyMs?: number;
  /**
   * Scripts the reply to a request. @default an echo: content `"echo: <last user message>"`, no
   * tool calls
   */
  respond?: (req: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;
  /**
   * Faults by arrival number: `faults[n]` (when set) replaces the reply to request `n`, and
   * `respond` is not called for it. E.g. `["429", "429"]` = the first two requests get 429.
   * @default none
   */
  faults?: Array<ScriptedReply["fault"]>;
  /** Model name in responses and in `/v1/models`. @default "test-model" */
  model?: string;
  /** When set, requests without `Authorization: Bearer <key>` get 401. @default none */
  requireApiKey?: string;
  /** Port to listen on. @default 0 (any free port) */
  port?: number;
  /**
   * Keep every request in `requests`. Benchmarks turn this off so that a long run holds no
   * memory; arrival numbers still count up.
   * @default true
   */
  record?: boolean;
}

export interface OpenAIServer {
  /** Base URL ending in `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  /** Every chat request received, in arrival order (empty with `record: false`). */
  requests: RecordedRequest[];
  /** Chat requests received so far (also with `record: false`). */
  received: number;
  /** Chat requests being answered now (received, response not yet finished or dropped). */
  inFlight: number;
  /** The highest `inFlight` seen. */
  maxInFlight: number;
  /** Stops listening and destroys every open socket (hung and kept-alive ones too). */
  close(): Promise<void>;
}

interface ErrorShape {
  status: number;
  message: string;
  type: string;
  code: string | null;
}

const ERRORS: Record<"429" | "500" | "503", ErrorShape> = {
  "429": { status: 429, message: "Rate limit exceeded (scripted)", type: "rate_limit_error", code: "rate_limit_exceeded" },
  "500": { status: 500, message: "Internal server error (scripted)", type: "internal_server_error", code: null },
  "503": { status: 503, message: "Service unavailable (scripted)", type: "service_unavailable", code: null },
};

function sendError(res: ServerResponse, e: ErrorShape, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { message: e.message, type: e.type, code: e.code } });
  res.writeHead(e.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function lastUserText(body: unknown): string {
  const msgs = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(msgs)) return "";
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i] as { role?: unknown; content?: unknown } | null;
    if (m && m.role === "user" && typeof m.content === "string") return m.content;
  }
  return "";
}

const defaultRespond = (req: RecordedRequest): ScriptedReply => ({ content: `echo: ${lastUserText(req.body)}` });

let idCounter = 0;
const idPrefix = randomBytes(4).toString("hex");
function nextId(): string {
  return `${idPrefix}${(idCounter++).toString(16).padStart(8, "0")}`;
}

/** Starts the server on 127.0.0.1 (a free port unless `port` is given). */
export async function startOpenAIServer(opts: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const latencyMs = opts.latencyMs ?? 0;
  const respond = opts.respond ?? defaultRespond;
  const faults = opts.faults ?? [];
  const model = opts.model ?? "test-model";
  const record = opts.record ?? true;
  const auth = opts.requireApiKey !== undefined ? `Bearer ${opts.requireApiKey}` : undefined;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const state: OpenAIServer = {
    url: "",
    requests: [],
    received: 0,
    inFlight: 0,
    maxInFlight: 0,
    close,
  };

  function later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  function completion(body: unknown, reply: ScriptedReply, promptBytes: number): string {
    const calls = reply.toolCalls ?? [];
    const content = reply.content !== undefined ? reply.content : calls.length > 0 ? null : `echo: ${lastUserText(body)}`;
    const message: Record<string, unknown> = { role: "assistant", content };
    if (calls.length > 0) {
      message.tool_calls = calls.map((c) => ({
        id: `chatcmpl-tool-${nextId()}`,
        type: "function",
        function: { name: c.name, arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments) },
      }));
    }
    if (reply.reasoning !== undefined) message.reasoning_content = reply.reasoning;
    // Token counts are rough (4 bytes a token): enough for usage accounting tests.
    const prompt = Math.max(1, Math.round(promptBytes / 4));
    const completionTokens = Math.max(1, Math.round(((content ?? "").length + JSON.stringify(message.tool_calls ?? "").length) / 4));
    return JSON.stringify({
      id: `chatcmpl-${nextId()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, finish_reason: reply.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop"), logprobs: null }],
      usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens },
    });
  }

  function answer(req: RecordedRequest, res: ServerResponse, reply: ScriptedReply, promptBytes: number): void {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      state.inFlight--;
    };
    res.on("close", finish);
    if (reply.fault === "hang") return;
    later(latencyMs + (reply.delayMs ?? 0), () => {
      if (res.destroyed || closed) return;
      const retry: Record<string, string> = reply.retryAfterS !== undefined ? { "retry-after": String(reply.retryAfterS) } : {};
      switch (reply.fault) {
        case "429":
        case "500":
        case "503":
          sendError(res, ERRORS[reply.fault], retry);
          return;
        case "malformed": {
          const bad = '{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assis';
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(bad) });
          res.end(bad);
          return;
        }
        case "drop": {
          const full = completion(req.body, reply, promptBytes);
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(full) });
          res.write(full.slice(0, full.length >> 1));
          // Let the partial body reach the client before the reset.
          setImmediate(() => res.socket?.destroy());
          return;
        }
        default: {
          const text = completion(req.body, reply, promptBytes);
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
          res.end(text);
        }
      }
    });
  }

  function onChat(httpReq: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    let body: unknown;
    let parsedOk = true;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      parsedOk = false;
    }
    const rec: RecordedRequest = { n: state.received++, body, headers: httpReq.headers, receivedAt: Date.now() };
    if (record) state.requests.push(rec);
    state.inFlight++;
    if (state.inFlight > state.maxInFlight) state.maxInFlight = state.inFlight;
    if (auth !== undefined && httpReq.headers.authorization !== auth) {
      res.on("close", () => state.inFlight--);
      sendError(res, { status: 401, message: "Invalid or missing API key", type: "invalid_request_error", code: "invalid_api_key" });
      return;
    }
    if (!parsedOk || typeof body !== "object" || body === null || !Array.isArray((body as { messages?: unknown }).messages)) {
      res.on("close", () => state.inFlight--);
      sendError(res, {
        status: 400,
        message: parsedOk ? "Expected a JSON object with a messages array for the request body" : "Expected JSON for the request body",
        type: "invalid_request_error",
        code: null,
      });
      return;
    }
    const fault = faults[rec.n];
    if (fault !== undefined) {
      answer(rec, res, { fault }, raw.length);
      return;
    }
    let reply: ScriptedReply | Promise<ScriptedReply>;
    try {
      reply = respond(rec);
    } catch (e) {
      reply = Promise.reject(e);
    }
    if (reply instanceof Promise) {
      reply.then(
        (r) => answer(rec, res, r, raw.length),
        (e: unknown) => {
          res.on("close", () => state.inFlight--);
          sendError(res, { status: 500, message: `respond() threw: ${(e as Error)?.message ?? String(e)}`, type: "internal_server_error", code: null });
        },
      );
    } else {
      answer(rec, res, reply, raw.length);
    }
  }

  const server = createServer((httpReq, res) => {
    const url = httpReq.url ?? "/";
    const path = url.split("?", 1)[0]!;
    if (httpReq.method === "GET" && (path === "/v1/models" || path === "/models")) {
      httpReq.resume();
      const body = JSON.stringify({ object: "list", data: [{ id: model, object: "model", created: 0, owned_by: "advfc", max_model_len: 32768 }] });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (path !== "/v1/chat/completions" && path !== "/chat/completions") {
      httpReq.resume();
      sendError(res, { status: 404, message: `Not found: ${httpReq.method} ${path}`, type: "not_found_error", code: null });
      return;
    }
    if (httpReq.method !== "POST") {
      httpReq.resume();
      sendError(res, { status: 405, message: `Method not allowed: ${httpReq.method}`, type: "invalid_request_error", code: null });
      return;
    }
    const chunks: Buffer[] = [];
    httpReq.on("data", (c: Buffer) => chunks.push(c));
    httpReq.on("end", () => onChat(httpReq, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  });
  // A hang must last until the client gives up; kept-alive sockets idle out as with uvicorn (5 s).
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 0;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.setNoDelay(true);
    s.on("close", () => sockets.delete(s));
  });
  // Client resets (a dropped attempt, an abort) are expected here, not failures.
  server.on("clientError", (_e, s: Socket) => s.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: opts.port ?? 0, backlog: 8192 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/v1`;

  function close(): Promise<void> {
    if (closed) return Promise.resolve();
    closed = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      sockets.clear();
    });
  }

  return state;
}
