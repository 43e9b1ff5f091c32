import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { checkRawLine, formatMetricsTable, MetricsAccumulator, metricsToJson, type CheckCaseOptions } from "@advfc/core";
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

A malformed input line is reported on standard error with its line number and field; the
other lines are still scored and the exit code is 1. On a terminal, standard error also shows
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

  const input: NodeJS.ReadableStream = file === "-" ? io.stdin : createReadStream(file, { encoding: "utf8" });
  const rl = createInterface({ input, crlfDelay: Infinity });
  const out = new LineWriter(io.stdout);
  const summary = values.summary ? new MetricsAccumulator() : undefined;
  let malformed = 0;
  let lineNo = 0;
  let failure: Error | undefined;
  // Progress for people: on a terminal only, at most once a second, overwritten in place.
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  const started = Date.now();
  let lastReport = started;
  const report = (final: boolean) => {
    const secs = (Date.now() - started) / 1000;
    io.stderr.write(`\radvfc check: ${lineNo.toLocaleString("en-US")} lines, ${Math.round(lineNo / Math.max(secs, 1e-3)).toLocaleString("en-US")}/s${final ? "\n" : ""}`);
  };
  try {
    for await (const text of rl) {
      lineNo++;
      if (tty && (lineNo & 1023) === 0 && Date.now() - lastReport >= 1000) {
        lastReport = Date.now();
        report(false);
      }
      if (text.trim() === "") continue;
      let result: ReturnType<typeof checkRawLine>;
      try {
        result = checkRawLine(text, { file: name, line: lineNo }, options);
      } catch (e) {
        // A bug in advfc, not in the input: report it against the line and keep going.
        io.stderr.write(`advfc check: ${name}, line ${lineNo}: internal error: ${(e as Error).stack ?? String(e)}\n`);
        malformed++;
        continue;
      }
      if ("error" in result) {
        io.stderr.write(`advfc check: ${result.error.message}\n`);
        malformed++;
        continue;
      }
      summary?.add(result.category, result.verdict.valid);
      await out.write(JSON.stringify(result.verdict) + "\n");
    }
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
  if (malformed > 0) {
    io.stderr.write(`advfc check: ${malformed} malformed line${malformed === 1 ? "" : "s"} in ${name} (not scored)\n`);
    return 1;
  }
  return 0;
}
