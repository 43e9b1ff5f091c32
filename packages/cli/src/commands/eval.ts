import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  AdvfcError,
  BFCL_V4_CATEGORIES,
  type Category,
  type ChatModel,
  computeBfclMetrics,
  formatMetricsTable,
  type MetricsFormula,
  metricsToJson,
  OpenAIChatModel,
} from "@advfc/core";
import { findBfclDir } from "../data.js";
import { dataVersion, type EvalEntry, findQuestionFiles, loadEntries, resultsPath, selectCategories } from "../eval/data.js";
import { Progress } from "../eval/progress.js";
import { FUNCTIONS_PLACEHOLDER } from "../eval/prompt.js";
import { readResults, REQUEST_FAILED, ResultsFile, type ResumeInfo } from "../eval/results.js";
import { type EvalMode, evaluateEntries } from "../eval/run.js";
import type { CommandIo } from "../io.js";

export const EVAL_HELP = `Usage: advfc eval --base-url URL --model NAME [--data DIR] [options]

Evaluate a function-calling model behind an OpenAI-compatible chat API (vLLM, SGLang,
llama.cpp server, Ollama, hosted APIs) on BFCL's single-turn categories, scored exactly as
BFCL's checker scores them, and print the per-category table and BFCL's aggregates.

Data (--data DIR): a BFCL data folder with question files BFCL_v4_<category>.json (or
BFCL_v3_<name>.json) and possible_answer/ (default: $ADVFC_BFCL_DATA, else
shared/data/bfcl/v4 found from the current directory).

Modes (--mode):
  prompt  the function docs go into a system prompt (JSON); the model answers with a
          Python-syntax call list "[f(a=1), g(b='x')]" or "[]" (Java and JavaScript
          categories: their call syntax), decoded by BFCL's prompt-mode decoder (default)
  fc      the function docs go into the API's "tools" field as JSON Schema ("." in names
          sent as "_", as BFCL does); the reply's tool_calls are checked as BFCL's OpenAI FC
          handler reads them (a text reply = no call). The server must support tools (vLLM:
          --enable-auto-tool-choice --tool-call-parser ...)

Output folder (--out, default runs/eval-<model>-<time>):
  <category>.jsonl  one line per entry, written as results arrive:
                    {"id", "raw_output", "valid", "error_type", "outcome", "latency_ms"}
                    raw_output: the reply's text (prompt mode), or its tool_calls array
                    (fc mode; the text when it made no call)
  scores.json       {model, base_url, mode, formula, categories: {<category>: {correct,
                    total, accuracy, failed_requests}}, aggregates: {overall, non_live,
                    non_live_ast, simple, live, live_ast, irrelevance, relevance}, ...}
  run.json          the settings of the run (model, mode, base URL, data folder)

Resume: run again with the same --out. Entries that already have a result are skipped; a
partial last line left by a crash is dropped; the scores cover old and new results (every
results file in the folder). A request that still fails after the client's retries is
written as {"error_type": "${REQUEST_FAILED}", "error": "...", "valid": false}, counted as
wrong in the scores (as BFCL counts errors), reported on standard error, and asked again by
the next run with the same --out.

Options:
  --base-url URL[,URL...]  the API's base URL, e.g. http://localhost:8000/v1 (required;
                           several: requests are spread over them)
  --model NAME             model name sent in requests (required)
  --data DIR               BFCL data folder (see above)
  --categories LIST        comma-separated categories, v4 or v3 names (default: every
                           single-turn category with a question file in DIR)
  --mode prompt|fc         (default: prompt)
  --formula v3|v4          BFCL aggregate formula (default: the data's version)
  --out DIR                output folder (see above)
  --limit N                only the first N entries of each category
  --concurrency N          requests in flight at most (default: 8)
  --timeout S              seconds per request attempt (default: 120)
  --max-retries N          retries of a failed attempt (429, 5xx, timeouts, dropped
                           connections) before the request counts as failed (default: 4)
  --api-key-env VAR        environment variable holding the API key (default:
                           OPENAI_API_KEY when set, else no key). The key is never printed
                           or written.
  --temperature T          (default: 0)
  --max-tokens N           (default: the server's)
  --extra-body JSON        extra request fields, e.g.
                           '{"chat_template_kwargs": {"enable_thinking": false}}'
  --system-prompt FILE     prompt mode: the system prompt template; "${FUNCTIONS_PLACEHOLDER}" in it is
                           replaced by the function docs as JSON (appended at the end when
                           the file has no placeholder). An entry's own system message
                           follows the prompt.
  --strip-think            decode only what follows the last </think>
  -q, --quiet              no progress on standard error
  -h, --help               show this help

Exit codes: 0 every entry scored; 1 unreadable or malformed data, or some requests failed
(rerun with the same --out to retry them), or interrupted; 2 usage errors.
`;

/** Where the model comes from; tests and other front ends may pass their own. */
export interface EvalDeps {
  createModel?: (options: ModelSettings) => ChatModel;
}

/** What `advfc eval` asks of a model client. */
export interface ModelSettings {
  baseUrls: string[];
  model: string;
  apiKeyEnv?: string;
  maxConcurrency: number;
  maxRetries: number;
  timeoutMs: number;
}

const defaultCreateModel = (s: ModelSettings): ChatModel =>
  new OpenAIChatModel({
    baseUrls: s.baseUrls,
    model: s.model,
    ...(s.apiKeyEnv !== undefined ? { apiKeyEnv: s.apiKeyEnv } : {}),
    maxConcurrency: s.maxConcurrency,
    maxRetries: s.maxRetries,
    timeoutMs: s.timeoutMs,
  });

/** A URL without user, password and query (where keys sometimes travel). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "<invalid URL>";
  }
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

class UsageError extends Error {}

function positiveInt(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

function finiteNumber(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < min) throw new UsageError(`${name} must be a number >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      "base-url": { type: "string" },
      model: { type: "string" },
      data: { type: "string" },
      categories: { type: "string" },
      mode: { type: "string", default: "prompt" },
      formula: { type: "string" },
      out: { type: "string" },
      limit: { type: "string" },
      concurrency: { type: "string", default: "8" },
      timeout: { type: "string", default: "120" },
      "max-retries": { type: "string", default: "4" },
      "api-key-env": { type: "string" },
      temperature: { type: "string", default: "0" },
      "max-tokens": { type: "string" },
      "extra-body": { type: "string" },
      "system-prompt": { type: "string" },
      "strip-think": { type: "boolean", default: false },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

interface RunManifest {
  model: string;
  mode: EvalMode;
  base_url: string;
  data: string;
  created: string;
}

/** Scores of every results file in `dir`. */
async function scoreFolder(dir: string, formula: MetricsFormula) {
  const tallies = new Map<Category, { correct: number; total: number; failed: number }>();
  const names = new Set(await readdir(dir));
  for (const c of BFCL_V4_CATEGORIES) {
    if (!names.has(`${c}.jsonl`)) continue;
    const results = await readResults(resultsPath(dir, c));
    if (results.size === 0) continue;
    const t = { correct: 0, total: 0, failed: 0 };
    for (const r of results.values()) {
      t.total++;
      if (r.valid) t.correct++;
      if (r.error_type === REQUEST_FAILED) t.failed++;
    }
    tallies.set(c, t);
  }
  const metrics = computeBfclMetrics(tallies, { formula });
  return { tallies, metrics };
}

export async function runEval(argv: string[], io: CommandIo, deps: EvalDeps = {}): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(argv));
  } catch (e) {
    io.stderr.write(`advfc eval: ${(e as Error).message}\n\n${EVAL_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  const err = (msg: string) => io.stderr.write(`advfc eval: ${msg}\n`);

  // ---- settings (usage errors: 2) ----
  let mode: EvalMode;
  let limit: number | undefined;
  let concurrency: number;
  let timeoutS: number;
  let maxRetries: number;
  let temperature: number;
  let maxTokens: number | undefined;
  let extraBody: Record<string, unknown> | undefined;
  let apiKeyEnv: string | undefined;
  let systemPrompt: string | undefined;
  let baseUrls: string[];
  let model: string;
  try {
    if (values["base-url"] === undefined) throw new UsageError("--base-url is required (e.g. http://localhost:8000/v1)");
    if (values.model === undefined || values.model === "") throw new UsageError("--model is required");
    model = values.model;
    baseUrls = values["base-url"]
      .split(",")
      .map((u) => u.trim())
      .filter((u) => u !== "");
    for (const u of baseUrls) {
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new UsageError(`--base-url: not a URL: ${JSON.stringify(redactUrl(u))}`);
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new UsageError(`--base-url must be http(s), got ${parsed.protocol}`);
    }
    if (baseUrls.length === 0) throw new UsageError("--base-url is empty");
    if (values.mode !== "prompt" && values.mode !== "fc") throw new UsageError(`--mode must be prompt or fc, got ${JSON.stringify(values.mode)}`);
    mode = values.mode;
    if (values.formula !== undefined && values.formula !== "v3" && values.formula !== "v4")
      throw new UsageError(`--formula must be v3 or v4, got ${JSON.stringify(values.formula)}`);
    limit = positiveInt("--limit", values.limit);
    concurrency = positiveInt("--concurrency", values.concurrency)!;
    timeoutS = finiteNumber("--timeout", values.timeout, 0.001)!;
    maxRetries = positiveInt("--max-retries", values["max-retries"], 0)!;
    temperature = finiteNumber("--temperature", values.temperature, 0)!;
    maxTokens = positiveInt("--max-tokens", values["max-tokens"]);
    if (values["extra-body"] !== undefined) {
      let v: unknown;
      try {
        v = JSON.parse(values["extra-body"]);
      } catch (e) {
        throw new UsageError(`--extra-body is not valid JSON: ${(e as Error).message}`);
      }
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new UsageError("--extra-body must be a JSON object");
      extraBody = v as Record<string, unknown>;
    }
    apiKeyEnv = values["api-key-env"];
    if (apiKeyEnv !== undefined) {
      if (!process.env[apiKeyEnv]) throw new UsageError(`--api-key-env: environment variable ${apiKeyEnv} is not set`);
    } else if (process.env.OPENAI_API_KEY) apiKeyEnv = "OPENAI_API_KEY";
    if (values["system-prompt"] !== undefined) {
      if (mode !== "prompt") throw new UsageError("--system-prompt applies to --mode prompt only");
      try {
        systemPrompt = await readFile(values["system-prompt"], "utf8");
      } catch (e) {
        throw new UsageError(`cannot read --system-prompt ${values["system-prompt"]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (!systemPrompt.includes(FUNCTIONS_PLACEHOLDER)) {
        err(`note: ${values["system-prompt"]} has no ${FUNCTIONS_PLACEHOLDER} placeholder; the function docs are appended at its end`);
        systemPrompt = `${systemPrompt.replace(/\s+$/, "")}\n\n${FUNCTIONS_PLACEHOLDER}`;
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return 2;
    }
    throw e;
  }

  // ---- data (errors: 1) ----
  const dataDir = values.data ?? findBfclDir();
  if (dataDir === undefined) {
    err("no BFCL data folder: pass --data DIR (a folder with BFCL_v4_<category>.json files) or set ADVFC_BFCL_DATA");
    return 2;
  }
  let files: Awaited<ReturnType<typeof findQuestionFiles>>;
  try {
    files = await findQuestionFiles(dataDir);
  } catch (e) {
    err(`cannot read the data folder ${dataDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 1;
  }
  if (files.size === 0) {
    err(`no BFCL single-turn question files (BFCL_v4_<category>.json or BFCL_v3_<name>.json) in ${dataDir}`);
    return 1;
  }
  let categories: Category[];
  try {
    categories = selectCategories(values.categories, files, dataDir);
  } catch (e) {
    err((e as Error).message);
    return 2;
  }
  const formula: MetricsFormula = (values.formula as MetricsFormula | undefined) ?? dataVersion(categories.map((c) => files.get(c)!));
  const entries = new Map<Category, EvalEntry[]>();
  let dataErrors = 0;
  for (const c of categories) {
    try {
      entries.set(c, await loadEntries(files.get(c)!, limit !== undefined ? { limit } : {}));
    } catch (e) {
      if (!AdvfcError.isInstance(e)) throw e;
      err(e.message);
      dataErrors++;
    }
  }
  if (dataErrors > 0) {
    err(`${dataErrors} categor${dataErrors === 1 ? "y has" : "ies have"} unreadable data; nothing was sent`);
    return 1;
  }

  // ---- output folder and resume ----
  const outDir = values.out ?? join("runs", `eval-${model.replace(/[^A-Za-z0-9._-]+/g, "_")}-${timestamp()}`);
  const baseUrl = baseUrls.map(redactUrl).join(",");
  const manifest: RunManifest = { model, mode, base_url: baseUrl, data: dataDir, created: new Date().toISOString() };
  try {
    await mkdir(outDir, { recursive: true });
    const manifestPath = join(outDir, "run.json");
    let old: Partial<RunManifest> | undefined;
    try {
      old = JSON.parse(await readFile(manifestPath, "utf8")) as Partial<RunManifest>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (old !== undefined) {
      if (old.model !== model || old.mode !== mode) {
        err(`${outDir} holds results of model ${JSON.stringify(old.model)} in mode ${old.mode}; pass another --out for model ${JSON.stringify(model)} in mode ${mode}`);
        return 2;
      }
    } else await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  } catch (e) {
    err(`cannot use the output folder ${outDir}: ${(e as Error).message}`);
    return 1;
  }

  const resultFiles = new Map<Category, ResultsFile>();
  const pending: EvalEntry[] = [];
  let resumed = 0;
  let retried = 0;
  let dropped = 0;
  try {
    for (const c of categories) {
      let opened: { file: ResultsFile; resume: ResumeInfo };
      try {
        opened = await ResultsFile.open(resultsPath(outDir, c));
      } catch (e) {
        err(`cannot open ${resultsPath(outDir, c)}: ${(e as Error).message}`);
        return 1;
      }
      resultFiles.set(c, opened.file);
      const { kept, failed, malformed } = opened.resume;
      retried += failed;
      dropped += malformed;
      for (const e of entries.get(c)!) {
        if (kept.has(e.id)) resumed++;
        else pending.push(e);
      }
    }
    const total = [...entries.values()].reduce((n, es) => n + es.length, 0);
    if (!values.quiet) {
      err(`${total} entries in ${categories.length} categor${categories.length === 1 ? "y" : "ies"} (${categories.join(", ")}), mode ${mode}, model ${model} at ${baseUrl}`);
      err(`results in ${outDir}${values.out === undefined ? ` (to resume, rerun with --out ${outDir})` : ""}`);
      if (resumed > 0 || retried > 0 || dropped > 0)
        err(
          `resuming: ${resumed} already scored${retried > 0 ? `, ${retried} failed request${retried === 1 ? "" : "s"} to retry` : ""}${dropped > 0 ? `, ${dropped} partial or malformed line${dropped === 1 ? "" : "s"} dropped` : ""}`,
        );
    }

    // ---- requests ----
    let failed = 0;
    let interrupted = false;
    if (pending.length > 0) {
      const settings: ModelSettings = { baseUrls, model, maxConcurrency: concurrency, maxRetries, timeoutMs: Math.round(timeoutS * 1000) };
      if (apiKeyEnv !== undefined) settings.apiKeyEnv = apiKeyEnv;
      const chatModel = (deps.createModel ?? defaultCreateModel)(settings);
      const abort = new AbortController();
      let sigints = 0;
      const onSigint = () => {
        sigints++;
        if (sigints > 1) process.exit(130);
        interrupted = true;
        abort.abort();
      };
      process.on("SIGINT", onSigint);
      const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
      const progress = new Progress(io.stderr, pending.length, { tty, enabled: !values.quiet });
      let writeError: Error | undefined;
      try {
        const summary = await evaluateEntries(pending, {
          model: chatModel,
          mode,
          ...(systemPrompt !== undefined ? { systemPrompt } : {}),
          temperature,
          ...(maxTokens !== undefined ? { maxTokens } : {}),
          ...(extraBody !== undefined ? { extraBody } : {}),
          concurrency,
          stripThink: values["strip-think"],
          signal: abort.signal,
          onResult: async (entry, result) => {
            try {
              await resultFiles.get(entry.category)!.append(result);
            } catch (e) {
              // The disk is the record: without it, stop rather than ask for answers that are lost.
              writeError ??= e as Error;
              abort.abort();
            }
            progress.tick(result.error_type === REQUEST_FAILED);
          },
        });
        failed = summary.failed;
      } finally {
        process.off("SIGINT", onSigint);
        progress.finish();
        await chatModel.close?.();
      }
      if (writeError) {
        err(`cannot write results in ${outDir}: ${(writeError as Error).message}`);
        return 1;
      }
    }
    for (const f of resultFiles.values()) await f.close();
    resultFiles.clear();
    if (interrupted) {
      err(`interrupted; results so far are in ${outDir}: rerun with --out ${outDir} to finish`);
      return 1;
    }

    // ---- scores ----
    const { tallies, metrics } = await scoreFolder(outDir, formula);
    const json = metricsToJson(metrics);
    const cats: Record<string, { correct: number; total: number; accuracy: number; failed_requests: number }> = {};
    let failedTotal = 0;
    for (const [c, t] of tallies) {
      cats[c] = { correct: t.correct, total: t.total, accuracy: t.total > 0 ? t.correct / t.total : 0, failed_requests: t.failed };
      failedTotal += t.failed;
    }
    const scores = {
      model,
      base_url: baseUrl,
      mode,
      formula,
      data: dataDir,
      categories: cats,
      aggregates: json.aggregates,
      failed_requests: failedTotal,
      updated: new Date().toISOString(),
    };
    await writeFile(join(outDir, "scores.json"), JSON.stringify(scores, null, 2) + "\n");
    io.stdout.write(formatMetricsTable(metrics));
    if (failedTotal > 0) {
      err(
        `warning: ${failedTotal} request${failedTotal === 1 ? "" : "s"} failed after retries (${failed} in this run) and ${failedTotal === 1 ? "is" : "are"} counted as wrong; rerun with --out ${outDir} to retry ${failedTotal === 1 ? "it" : "them"}`,
      );
      return 1;
    }
    return 0;
  } finally {
    for (const f of resultFiles.values()) await f.close();
  }
}
