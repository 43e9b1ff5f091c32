import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createEmbedder, EmbedError, OnnxEmbedder, PAPER_ONNX_MODEL, terminalDownloadProgress, writeNpy, type Embedder } from "@advfc/native-embed";
import type { CommandIo } from "../io.js";

export const EMBED_HELP = `Usage: advfc embed [FILE|-] --embedder SPEC --out FILE.npy [options]

Embed texts with a sentence embedder and write the n × dim float32 matrix as a NumPy .npy
file (row i = the i-th text, every row unit-length; numpy.load reads it).

Input (FILE, or standard input when FILE is "-" or missing):
  jsonl   one JSON object per line with the text in --field, or a JSON string; blank lines
          are skipped
  lines   one text per line; every line is a row (an empty line is an empty text)
  The format is jsonl when FILE ends in .jsonl or .json, else lines (override with
  --input-format).

Embedders (--embedder, required):
  onnx:<folder>                     a folder with model.onnx (or onnx/model.onnx) and
                                    tokenizer.json, e.g. an optimum-cli ONNX export
  onnx:<owner>/<name>[@<revision>]  a Hugging Face hub model with an ONNX export,
                                    downloaded once into $ADVFC_MODEL_CACHE (default
                                    ~/.cache/advfc/models). The paper's embedder is
                                    onnx:${PAPER_ONNX_MODEL}; it has no ONNX
                                    export on the hub: the error message says how to make one.
  hash[:<dim>[:<min>-<max>]]         character n-gram hashing (default 512 dims, 2-4-grams):
                                    no model, instant, but it measures surface (character)
                                    similarity, NOT meaning

Options:
  --out FILE.npy            output matrix (required)
  --embedder SPEC           see above (required)
  --field NAME              jsonl: field holding the text (default: text)
  --id-field NAME           jsonl: field copied into --ids-out when present (default: id)
  --input-format jsonl|lines
  --ids-out FILE            JSON Lines, one per row: {"row": i, "line": <input line number>,
                            "id": <the --id-field value, if any>}
  --batch-size N            texts per model call (default: 32)
  --max-length N            onnx: truncate to N tokens (default: from the model folder's
                            configuration, capped by its position table, else 512)
  --device auto|cpu|cuda    onnx: execution provider (default: $ADVFC_EMBED_DEVICE, else
                            auto = CUDA when onnxruntime-node's CUDA provider is installed,
                            else CPU)
  -q, --quiet               no progress and no summary on standard error
  -h, --help                show this help

Environment: ADVFC_MODEL_CACHE, ADVFC_HF_ENDPOINT (or HF_ENDPOINT), HF_TOKEN (never printed),
ADVFC_OFFLINE=1 (or HF_HUB_OFFLINE=1: no downloads), ADVFC_EMBED_DEVICE.

A malformed input line is reported as "FILE, line N, field: ..." and nothing is written (exit
code 1); a model that cannot be loaded exits with 1, usage errors with 2. On a terminal,
standard error shows download and embedding progress; a summary line follows unless --quiet.
`;

interface Row {
  text: string;
  line: number;
  id?: string | number;
}

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

export async function runEmbed(argv: string[], io: CommandIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  let positionals: string[];
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        embedder: { type: "string" },
        field: { type: "string", default: "text" },
        "id-field": { type: "string", default: "id" },
        "input-format": { type: "string" },
        "ids-out": { type: "string" },
        "batch-size": { type: "string", default: "32" },
        "max-length": { type: "string" },
        device: { type: "string" },
        quiet: { type: "boolean", short: "q", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  }
  const usage = (msg: string) => {
    io.stderr.write(`advfc embed: ${msg}\n\nRun "advfc embed --help" for the options.\n`);
    return 2;
  };
  try {
    ({ values, positionals } = parse());
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.help) {
    io.stdout.write(EMBED_HELP);
    return 0;
  }
  if (positionals.length > 1) return usage(`expected at most one input file, got ${positionals.length}`);
  if (values.out === undefined) return usage("--out FILE.npy is required");
  if (values.embedder === undefined) return usage(`--embedder is required: onnx:<folder>, onnx:<owner>/<name> (the paper's: onnx:${PAPER_ONNX_MODEL}) or hash[:<dim>]`);
  const batchSize = Number(values["batch-size"]);
  if (!/^\d+$/.test(values["batch-size"]) || batchSize < 1) return usage(`--batch-size must be a positive integer, got ${JSON.stringify(values["batch-size"])}`);
  let maxLength: number | undefined;
  if (values["max-length"] !== undefined) {
    maxLength = Number(values["max-length"]);
    if (!/^\d+$/.test(values["max-length"]) || maxLength < 1) return usage(`--max-length must be a positive integer, got ${JSON.stringify(values["max-length"])}`);
  }
  const device = values.device;
  if (device !== undefined && device !== "auto" && device !== "cpu" && device !== "cuda") return usage(`--device must be auto, cpu or cuda, got ${JSON.stringify(device)}`);
  const file = positionals[0] ?? "-";
  const name = file === "-" ? "<stdin>" : file;
  const format = values["input-format"] ?? (/\.jsonl?$/i.test(file) ? "jsonl" : "lines");
  if (format !== "jsonl" && format !== "lines") return usage(`--input-format must be jsonl or lines, got ${JSON.stringify(format)}`);
  const field = values.field;
  const idField = values["id-field"];
  const tty = !values.quiet && (io.stderr as NodeJS.WriteStream).isTTY === true;

  // Read and validate every line before loading a model: a typo on line 90 000 should not cost
  // a model download and an hour of embedding.
  const rows: Row[] = [];
  const problems: string[] = [];
  let malformed = 0;
  const input: NodeJS.ReadableStream = file === "-" ? io.stdin : createReadStream(file, { encoding: "utf8" });
  try {
    let lineNo = 0;
    for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      const text = lineNo === 1 ? raw.replace(/^\uFEFF/, "") : raw;
      if (format === "lines") {
        rows.push({ text, line: lineNo });
        continue;
      }
      if (text.trim() === "") continue;
      const bad = (msg: string) => {
        malformed++;
        if (problems.length < 20) problems.push(`${name}, line ${lineNo}${msg}`);
      };
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        bad(`: not valid JSON (${(e as Error).message})`);
        continue;
      }
      if (typeof v === "string") {
        rows.push({ text: v, line: lineNo });
        continue;
      }
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        bad(`: expected a JSON object with a "${field}" field or a JSON string but received ${describeType(v)}`);
        continue;
      }
      const rec = v as Record<string, unknown>;
      const t = rec[field];
      if (typeof t !== "string") {
        bad(`, field "${field}": expected a string but received ${t === undefined ? "nothing (field missing)" : describeType(t)}`);
        continue;
      }
      const id = rec[idField];
      rows.push(typeof id === "string" || typeof id === "number" ? { text: t, line: lineNo, id } : { text: t, line: lineNo });
    }
  } catch (e) {
    io.stderr.write(`advfc embed: cannot read ${name}: ${(e as Error).message}\n`);
    return 2;
  }
  if (malformed > 0) {
    for (const p of problems) io.stderr.write(`advfc embed: ${p}\n`);
    if (malformed > problems.length) io.stderr.write(`advfc embed: … and ${malformed - problems.length} more\n`);
    io.stderr.write(`advfc embed: ${malformed} malformed line${malformed === 1 ? "" : "s"} in ${name}; nothing written\n`);
    return 1;
  }

  const started = performance.now();
  let embedder: Embedder;
  try {
    embedder = await createEmbedder(values.embedder, {
      ...(device !== undefined ? { device } : {}),
      ...(maxLength !== undefined ? { maxLength } : {}),
      onProgress: tty ? terminalDownloadProgress(io.stderr, "advfc embed: downloading ") : false,
    });
  } catch (e) {
    io.stderr.write(`advfc embed: ${EmbedError.isInstance(e) || e instanceof RangeError ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
    return 1;
  }
  let matrix: Float32Array;
  try {
    let last = 0;
    matrix = await embedder.embed(
      rows.map((r) => r.text),
      {
        batchSize,
        onProgress: (done, total) => {
          if (!tty || (done < total && performance.now() - last < 250)) return;
          last = performance.now();
          const secs = (performance.now() - started) / 1000;
          io.stderr.write(`\r\x1b[2Kadvfc embed: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} texts (${Math.floor((100 * done) / total)}%), ${Math.round(done / Math.max(secs, 1e-3)).toLocaleString("en-US")}/s${done === total ? "\n" : ""}`);
        },
      },
    );
  } catch (e) {
    io.stderr.write(`advfc embed: ${embedder.name}: ${(e as Error).message}\n`);
    await embedder.dispose();
    return 1;
  }
  const { dim } = embedder;
  const ep = embedder instanceof OnnxEmbedder ? ` on ${embedder.executionProvider}` : "";
  const note = embedder instanceof OnnxEmbedder && device !== "cpu" && embedder.executionProvider === "cpu" && embedder.executionProviderNote?.startsWith("creating") ? embedder.executionProviderNote : undefined;
  await embedder.dispose();
  try {
    await writeNpy(values.out, matrix, rows.length, dim);
    if (values["ids-out"] !== undefined) {
      await writeFile(values["ids-out"], rows.map((r, i) => JSON.stringify(r.id === undefined ? { row: i, line: r.line } : { row: i, line: r.line, id: r.id }) + "\n").join(""));
    }
  } catch (e) {
    io.stderr.write(`advfc embed: cannot write output: ${(e as Error).message}\n`);
    return 1;
  }
  if (!values.quiet) {
    if (note) io.stderr.write(`advfc embed: note: CUDA not used: ${note}\n`);
    const secs = (performance.now() - started) / 1000;
    io.stderr.write(
      `advfc embed: ${rows.length} text${rows.length === 1 ? "" : "s"} → ${values.out} (${rows.length} × ${dim} float32), embedder ${embedder.name}${ep} [${embedder.description}], ${secs.toFixed(2)} s\n`,
    );
  }
  return 0;
}
