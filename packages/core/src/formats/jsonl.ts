import { once } from "node:events";
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { createInterface } from "node:readline";
import { AdvfcError, InvalidInputError } from "../errors.js";
import { parseJsonWithFloats } from "./python-json.js";

/** One line of a JSON Lines input: its parsed value, or why it could not be parsed. */
export type JsonLine =
  | {
      /** 1-based physical line number (blank lines count, and are skipped). */
      line: number;
      value: unknown;
      /** With `pyFloats: true`: JSON Pointers of the integral floats (`50.0`) in `value`. */
      floats?: string[];
      error?: undefined;
    }
  | { line: number; error: InvalidInputError; value?: undefined; floats?: undefined };

/** Where JSON Lines come from: a path (`"-"` = stdin), a readable stream, or lines in memory. */
export type JsonLinesInput = string | NodeJS.ReadableStream | Iterable<string> | AsyncIterable<string>;

export interface ReadJsonLinesOptions {
  /**
   * Name used in errors. @default the path; `"<stdin>"` for `"-"`; `"<input>"` otherwise
   */
  file?: string;
  /**
   * Parse numbers as Python does and report integral floats in {@link JsonLine.floats}
   * (slower than `JSON.parse`; BFCL possible answers need it).
   * @default false
   */
  pyFloats?: boolean;
  /** Stops reading when aborted (the iterator then throws the signal's reason). */
  signal?: AbortSignal;
}

/** The label a reader uses for `input` when no `file` option is given. */
export function inputLabel(input: JsonLinesInput, file?: string): string {
  if (file !== undefined) return file;
  if (typeof input === "string") return input === "-" ? "<stdin>" : input;
  return "<input>";
}

/**
 * Read text lines from a file (`"-"` = stdin), a stream, or an iterable of lines, one at a
 * time (memory stays bounded by the longest line). A missing file is an
 * {@link InvalidInputError}.
 */
export async function* readLines(input: JsonLinesInput, options: { file?: string; signal?: AbortSignal } = {}): AsyncGenerator<string> {
  const label = inputLabel(input, options.file);
  let stream: NodeJS.ReadableStream | undefined;
  if (typeof input === "string") {
    if (input === "-") stream = process.stdin;
    else {
      try {
        await access(input);
      } catch (e) {
        throw new InvalidInputError(`cannot read the file: ${(e as Error).message}`, { file: label });
      }
      stream = createReadStream(input, { encoding: "utf8" });
    }
  } else if (isReadable(input)) stream = input;

  if (stream === undefined) {
    for await (const line of input as Iterable<string> | AsyncIterable<string>) {
      options.signal?.throwIfAborted();
      yield line;
    }
    return;
  }
  let streamError: unknown;
  const onError = (e: unknown): void => {
    streamError = e;
    rl.close();
  };
  stream.on("error", onError);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      options.signal?.throwIfAborted();
      yield line;
    }
    if (streamError !== undefined) throw new InvalidInputError(`cannot read: ${(streamError as Error).message}`, { file: label });
  } finally {
    stream.removeListener("error", onError);
    rl.close();
    if (stream !== process.stdin && "destroy" in stream && typeof stream.destroy === "function") stream.destroy();
  }
}

function isReadable(x: unknown): x is NodeJS.ReadableStream {
  return typeof x === "object" && x !== null && typeof (x as NodeJS.ReadableStream).pipe === "function" && typeof (x as NodeJS.ReadableStream).on === "function";
}

/**
 * Stream JSON Lines: yields one {@link JsonLine} per non-blank line. A malformed line yields
 * an `error` (an {@link InvalidInputError} naming the file and line) and reading goes on.
 */
export async function* readJsonLines(input: JsonLinesInput, options: ReadJsonLinesOptions = {}): AsyncGenerator<JsonLine> {
  const file = inputLabel(input, options.file);
  let n = 0;
  for await (const raw of readLines(input, { file, signal: options.signal })) {
    n++;
    const text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === "") continue;
    yield parseJsonLine(text, { file, line: n, pyFloats: options.pyFloats });
  }
}

/** Parse one JSON Lines line (see {@link readJsonLines}); never throws for bad JSON. */
export function parseJsonLine(text: string, where: { file?: string; line: number; pyFloats?: boolean }): JsonLine {
  try {
    if (where.pyFloats) {
      const { value, floats } = parseJsonWithFloats(text);
      return { line: where.line, value, floats };
    }
    return { line: where.line, value: JSON.parse(text) as unknown };
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError || AdvfcError.isInstance(e)) {
      const msg = (e as Error).message.replace(/^json: /, "");
      return { line: where.line, error: new InvalidInputError(`malformed JSON: ${msg}`, { file: where.file, line: where.line }) };
    }
    throw e;
  }
}

/** One JSON Lines line (no newline) for `value`. @throws {TypeError} when `value` has no JSON form. */
export function formatJsonLine(value: unknown): string {
  const s = JSON.stringify(value);
  if (s === undefined) throw new TypeError(`${typeof value} has no JSON form`);
  return s;
}

export interface WriteJsonLinesOptions {
  /** Turns a value into its line. @default formatJsonLine */
  stringify?: (value: unknown) => string;
}

/**
 * Write one line per value to `out`, honouring back-pressure. Does not end `out`.
 * @returns the number of lines written.
 */
export async function writeJsonLines(
  out: NodeJS.WritableStream,
  values: Iterable<unknown> | AsyncIterable<unknown>,
  options: WriteJsonLinesOptions = {},
): Promise<number> {
  const stringify = options.stringify ?? formatJsonLine;
  let n = 0;
  for await (const v of values) {
    if (!out.write(stringify(v) + "\n")) await once(out, "drain");
    n++;
  }
  return n;
}
