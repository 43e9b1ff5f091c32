import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { runCheck } from "./check.js";
import type { CommandIo } from "../io.js";

export const DEMO_HELP = `Usage: advfc demo [--format text|json] [--formula v3|v4]

Scores the example results shipped in examples/bfcl-results.jsonl (hand-written model outputs
for BFCL v4 entries in all four output modes, some right and some wrong) with advfc's
BFCL-exact checker, and prints one line per case and the BFCL metrics table.
`;

/** examples/ of the checkout this CLI runs from. */
export function examplesDir(): string {
  return fileURLToPath(new URL("../../../../examples/", import.meta.url));
}

export async function runDemo(argv: string[], io: CommandIo): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }
  const file = `${examplesDir()}bfcl-results.jsonl`;
  if (!existsSync(file)) {
    io.stderr.write(`advfc demo: ${file} is missing\n`);
    return 2;
  }
  const verdicts = new PassThrough();
  const report = new PassThrough();
  let text = "";
  let summary = "";
  verdicts.on("data", (c: Buffer) => (text += c.toString("utf8")));
  report.on("data", (c: Buffer) => (summary += c.toString("utf8")));
  const code = await runCheck([file, "--summary", ...argv], { stdin: io.stdin, stdout: verdicts, stderr: report });
  verdicts.end();
  report.end();
  const rows = text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { id: string; valid: boolean; error_type: string | null; outcome: string });
  io.stdout.write(`advfc demo: ${rows.length} example outputs from ${file}\n\n`);
  const w = Math.max(...rows.map((r) => r.id.length), 2);
  io.stdout.write(`${"id".padEnd(w)}  valid  outcome      error_type\n`);
  for (const r of rows) io.stdout.write(`${r.id.padEnd(w)}  ${String(r.valid).padEnd(5)}  ${r.outcome.padEnd(11)}  ${r.error_type ?? ""}\n`);
  io.stdout.write("\n");
  // the summary (or, if something went wrong, check's error messages)
  (code === 0 ? io.stdout : io.stderr).write(summary);
  return code;
}
