import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatRunReport, summarizeRun } from "@advfc/core";
import type { CommandIo } from "../io.js";

export const REPORT_HELP = `Usage: advfc report DIR [--format markdown|json]

Summarises a run directory of "advfc run" (finished, interrupted or still running): one row per
iteration with its steps, why the query phase stopped, rewrites, judge stage-1 and stage-2 pass
rates, attack success rate, bad cases kept and dropped as duplicates, batch diversity, FC
accuracy on the eval split and on the bad cases before and after training, and wall time.

Options:
  --format markdown|json  (default markdown)
  -h, --help              show this help
`;

export async function runReport(argv: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: "string", default: "markdown" }, help: { type: "boolean", short: "h", default: false } } });
  } catch (e) {
    io.stderr.write(`advfc report: ${(e as Error).message}\n\n${REPORT_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  const dir = positionals[0];
  if (dir === undefined || positionals.length > 1) {
    io.stderr.write(`advfc report: expected one run directory\n\n${REPORT_HELP}`);
    return 2;
  }
  if (values.format !== "markdown" && values.format !== "json") {
    io.stderr.write(`advfc report: --format: expected markdown or json but received ${JSON.stringify(values.format)}\n`);
    return 2;
  }
  if (!existsSync(join(dir, "manifest.json"))) {
    io.stderr.write(`advfc report: ${dir} is not an advfc run directory (no manifest.json)\n`);
    return 1;
  }
  const summary = summarizeRun(dir);
  io.stdout.write(values.format === "json" ? JSON.stringify(summary, null, 2) + "\n" : formatRunReport(summary));
  return 0;
}
