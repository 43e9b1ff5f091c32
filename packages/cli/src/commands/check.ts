import { createReadStream } from "node:fs";
import { parseArgs } from "node:util";
import { CheckStream, formatMetricsTable, MetricsAccumulator, metricsToJson, type CheckCaseOptions } from "@advfc/core";
import { LineWriter, type CommandIo } from "../io.js";

export const CHECK_HELP = `Usage: advfc check [FILE|-] [options]

Score model outputs exactly as BFCL's checker does, one case per line.

Input (JSON Lines, FILE or standard input):
  {"id": "...", "category": "<BFCL category, v4 or v3 name>",
   "functions": [<function docs as in BFCL's question files>],
   "possible_answer": [<BFCL ground_truth>] | null,
   "model_output": "<raw output>" | [<OpenAI tool_calls>],
   "mode": "prompt" | "json" | "hermes" | "openai"}

Output (JSON Lines on standard output, one per valid input line, in input order):
  {"id": "...", "valid": true|false, "error_type": "<BFCL error type>"|null,
   "outcome": "call"|"abstain"|"unparseable"}

Lines end in \\n or \\r\\n (a leading UTF-8 byte-order mark is ignored, blank lines are skipped).
A malformed input line is reported on standard error with its line number and field; the
other lines are still scored and the exit code is 1. A line longer than 64 MiB is reported
and skipped without being held in memory. On a terminal, standard error also shows
the progress (lines scored and the rate) on long inputs.

Options:
  --summary              print per-category accuracy and the BFCL aggregates to stderr
  --format text|json     format of the summary (default: text)
  --formula v3|v4        BFCL aggregate formula for the summary (default: v4)
  --strip-think          drop everything up to the last </think> before decoding
  --underscore-to-dot    compare function names with "." written as "_" (BFCL's
                         underscore_to_dot model setting, for OpenAI-style tool names)
  -h, --help             show this help
`;

export async function runCheck(argv: string[], io: CommandIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  let positionals: string[];
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        summary: { type: "boolean", default: false },
        format: { type: "string", default: "text" },
        formula: { type: "string", default: "v4" },
        "strip-think": { type: "boolean", default: false },
        "underscore-to-dot": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  }
  try {
    ({ values, positionals } = parse());
  } catch (e) {
    io.stderr.write(`advfc check: ${(e as Error).message}\n\n${CHECK_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(CHECK_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr.write(`advfc check: expected at most one input file, got ${positionals.length}\n`);
    return 2;
  }
  if (values.format !== "text" && values.format !== "json") {
    io.stderr.write(`advfc check: --format must be text or json, got ${JSON.stringify(values.format)}\n`);
    return 2;
  }
  if (values.formula !== "v3" && values.formula !== "v4") {
    io.stderr.write(`advfc check: --formula must be v3 or v4, got ${JSON.stringify(values.formula)}\n`);
    return 2;
  }
  const file = positionals[0] ?? "-";
  const name = file === "-" ? "<stdin>" : file;
  const options: CheckCaseOptions = { stripThink: values["strip-think"], underscoreToDot: values["underscore-to-dot"] };

  // Bytes in (no readline, no per-line await): each chunk's lines are scored in one synchronous
  // call and their verdicts written as one string, with backpressure.
  const input: NodeJS.ReadableStream = file === "-" ? io.stdin : createReadStream(file, { highWaterMark: 256 * 1024 });
  const out = new LineWriter(io.stdout);
  const summary = values.summary ? new MetricsAccumulator() : undefined;
  const stream = new CheckStream({
    file: name,
    check: options,
    onScored: summary ? (category, verdict) => summary.add(category, verdict.valid) : undefined,
    onError: (message) => io.stderr.write(`advfc check: ${message}\n`),
  });
  let failure: Error | undefined;
  // Progress for people: on a terminal only, at most once a second, overwritten in place.
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  const started = Date.now();
  let lastReport = started;
  const report = (final: boolean) => {
    const secs = (Date.now() - started) / 1000;
    io.stderr.write(`\radvfc check: ${stream.line.toLocaleString("en-US")} lines, ${Math.round(stream.line / Math.max(secs, 1e-3)).toLocaleString("en-US")}/s${final ? "\n" : ""}`);
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const verdicts = stream.push(chunk);
      if (verdicts !== "") await out.write(verdicts);
      if (tty && Date.now() - lastReport >= 1000) {
        lastReport = Date.now();
        report(false);
      }
    }
    const last = stream.end();
    if (last !== "") await out.write(last);
  } catch (e) {
    failure = e as Error;
  }
  await out.flush();
  if (tty && lastReport !== started) report(true);
  if (failure) {
    io.stderr.write(`advfc check: cannot read ${name}: ${failure.message}\n`);
    return 2;
  }
  if (summary) {
    const m = summary.metrics({ formula: values.formula as "v3" | "v4" });
    io.stderr.write(values.format === "json" ? JSON.stringify(metricsToJson(m)) + "\n" : formatMetricsTable(m));
  }
  const malformed = stream.malformed;
  if (malformed > 0) {
    io.stderr.write(`advfc check: ${malformed} malformed line${malformed === 1 ? "" : "s"} in ${name} (not scored)\n`);
    return 1;
  }
  return 0;
}
