import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { once } from "node:events";
import { parseArgs } from "node:util";
import {
  AdvfcError,
  type BfclVersion,
  type ConvertItem,
  InvalidInputError,
  LANGUAGES,
  type Language,
  readBfcl,
  readBfclDir,
  readOpenAI,
  readSamples,
  readXlam,
  type Sample,
  sampleToBfcl,
  sampleToJsonLine,
  tryV4Category,
  writeBfcl,
} from "@advfc/core";

export const CONVERT_HELP = `Usage: advfc convert --from FORMAT --to FORMAT [options] [FILE|DIR|-]

Convert function-calling data to advfc samples (JSON Lines), or samples to BFCL files.

Input (FILE, or standard input when FILE is "-" or missing):
  --from bfcl      a BFCL question file BFCL_v3_<category>.json or BFCL_v4_<category>.json,
                   with its possible answers from --answers, else from
                   possible_answer/<same name> next to it; category and version come from
                   the file name (or, on standard input, from the ids). A folder (DIR)
                   converts every BFCL_v*_*.json in it.
  --from xlam      xLAM JSON Lines: {"query", "tools", "answers"} (tools/answers may be
                   JSON strings); the category follows from the answers (0 calls:
                   irrelevance, 1 call: simple or multiple by tool count, several calls:
                   parallel or parallel_multiple by distinct names)
  --from openai    OpenAI chat logs: {"messages", "tools"}; the last assistant turn with
                   tool_calls is the answer, the messages before it the sample
  --from samples   advfc samples (validated and rewritten)

Output:
  --to samples     JSON Lines, one sample a line, to --out FILE or standard output
  --to bfcl        BFCL files into the folder --out DIR (required):
                   BFCL_vN_<category>.json and possible_answer/BFCL_vN_<category>.json

Options:
  --from FORMAT          bfcl | xlam | openai | samples
  --to FORMAT            samples | bfcl
  --answers FILE         possible-answer file of a BFCL question file
  --out FILE|DIR         output file (--to samples) or folder (--to bfcl)
  --category NAME        force the category (v3 or v4 name) instead of inferring it
  --language LANG        python | java | javascript: language of xlam/openai calls
                         (default: python)
  --bfcl-version v3|v4   file names and category spelling written by --to bfcl
                         (default: v4)
  -h, --help             show this help

A malformed input line is reported on standard error as "FILE, line N: ..."; the other
lines are still converted and the exit code is 1. Usage errors exit with 2.
`;

/** The streams convert writes to; `stdin` is read for input "-" (default: process.stdin). */
export interface ConvertIo {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const FROM = ["bfcl", "xlam", "openai", "samples"] as const;
const TO = ["samples", "bfcl"] as const;

/** `advfc convert`: see {@link CONVERT_HELP}. Returns the exit code (0 ok, 1 bad input, 2 usage). */
export async function runConvert(argv: string[], io: ConvertIo): Promise<number> {
  const usage = (msg: string): number => {
    io.stderr.write(`advfc convert: ${msg}\n\n${CONVERT_HELP}`);
    return 2;
  };
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        answers: { type: "string" },
        out: { type: "string" },
        category: { type: "string" },
        language: { type: "string" },
        "bfcl-version": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(CONVERT_HELP);
    return 0;
  }
  const from = values.from as (typeof FROM)[number] | undefined;
  const to = values.to as (typeof TO)[number] | undefined;
  if (from === undefined || !FROM.includes(from)) return usage(`--from must be one of ${FROM.join(", ")}${values.from ? `, got ${JSON.stringify(values.from)}` : ""}`);
  if (to === undefined || !TO.includes(to)) return usage(`--to must be one of ${TO.join(", ")}${values.to ? `, got ${JSON.stringify(values.to)}` : ""}`);
  if (positionals.length > 1) return usage(`expected at most one input, got ${positionals.length}`);
  if (values.category !== undefined && tryV4Category(values.category) === undefined) {
    return usage(`--category must be a BFCL single-turn category, got ${JSON.stringify(values.category)}`);
  }
  const language = (values.language ?? "python") as Language;
  if (!LANGUAGES.includes(language)) return usage(`--language must be one of ${LANGUAGES.join(", ")}, got ${JSON.stringify(values.language)}`);
  const bfclVersion = (values["bfcl-version"] ?? "v4") as BfclVersion;
  if (bfclVersion !== "v3" && bfclVersion !== "v4") return usage(`--bfcl-version must be v3 or v4, got ${JSON.stringify(values["bfcl-version"])}`);
  if (values.answers !== undefined && from !== "bfcl") return usage("--answers is for --from bfcl");
  if (to === "bfcl" && values.out === undefined) return usage("--to bfcl needs --out DIR");

  const file = positionals[0] ?? "-";
  const stdin = file === "-";
  const input = stdin ? (io.stdin ?? process.stdin) : file;
  const label = stdin ? "<stdin>" : file;
  let isDir = false;
  if (!stdin) {
    try {
      isDir = (await stat(file)).isDirectory();
    } catch (e) {
      io.stderr.write(`advfc convert: cannot read ${file}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  if (isDir && from !== "bfcl") return usage(`a folder is only accepted with --from bfcl (${file})`);
  if (isDir && (values.answers !== undefined || values.category !== undefined)) {
    return usage("--answers and --category are for a single BFCL file, not a folder");
  }

  let items: AsyncIterable<ConvertItem>;
  switch (from) {
    case "bfcl":
      items = isDir
        ? readBfclDir(file)
        : readBfcl(input, { file: label, ...(values.answers !== undefined ? { answers: values.answers } : {}), category: values.category });
      break;
    case "xlam":
      items = readXlam(input, { file: label, language, category: values.category });
      break;
    case "openai":
      items = readOpenAI(input, { file: label, language, category: values.category });
      break;
    case "samples":
      items = readSamples(input, { file: label });
      break;
  }

  let bad = 0;
  let converted = 0;
  const report = (e: InvalidInputError): void => {
    bad++;
    io.stderr.write(`advfc convert: ${e.message}\n`);
  };
  // Samples that convert, with every error reported as it comes; for --to bfcl, samples BFCL
  // cannot express are reported here too instead of aborting the write.
  async function* good(): AsyncGenerator<Sample> {
    for await (const item of items) {
      if (item.error) {
        report(item.error);
        continue;
      }
      if (to === "bfcl") {
        try {
          sampleToBfcl(item.sample);
        } catch (e) {
          if (e instanceof InvalidInputError) {
            // Name the input line the sample came from (a samples file line, else its source).
            const src = from === "samples" ? { file: label, line: item.line } : item.sample.source;
            report(new InvalidInputError(e.message, { file: src.file ?? label, line: src.line ?? item.line }));
            continue;
          }
          throw e;
        }
      }
      converted++;
      yield item.sample;
    }
  }

  try {
    if (to === "bfcl") {
      const counts = await writeBfcl(good(), values.out!, { version: bfclVersion });
      for (const [name, n] of counts) io.stderr.write(`advfc convert: wrote ${n} entries to ${name}\n`);
    } else {
      const out: NodeJS.WritableStream = values.out === undefined ? io.stdout : createWriteStream(values.out, { encoding: "utf8" });
      try {
        for await (const sample of good()) {
          if (!out.write(sampleToJsonLine(sample) + "\n")) await once(out, "drain");
        }
      } finally {
        if (out !== io.stdout) {
          await new Promise<void>((resolve, reject) => {
            out.once("error", reject);
            out.end(() => resolve());
          });
        }
      }
    }
  } catch (e) {
    if (AdvfcError.isInstance(e)) {
      io.stderr.write(`advfc convert: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  io.stderr.write(`advfc convert: ${converted} sample${converted === 1 ? "" : "s"} converted${bad > 0 ? `, ${bad} input${bad === 1 ? "" : "s"} skipped` : ""}\n`);
  return bad > 0 ? 1 : 0;
}
