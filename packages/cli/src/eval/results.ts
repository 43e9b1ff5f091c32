import { open, readFile, rename, writeFile, type FileHandle } from "node:fs/promises";
import type { CallOutcome } from "@advfc/core";

/**
 * One line of an `advfc eval` results file (`<category>.jsonl`).
 *
 * `raw_output` is what the model said: in prompt mode its text; in FC mode the `tool_calls`
 * array (as the API returned it) when there were calls, else the text (`advfc check` reads both
 * as `model_output` with mode `openai`). A request that failed after the client's retries has
 * `raw_output: null`, `valid: false`, `error_type: "request_failed"`, `outcome: null` and
 * `error`; a later run with the same `--out` retries it.
 */
export interface ResultLine {
  id: string;
  raw_output: unknown;
  valid: boolean;
  /** BFCL's error type, `request_failed`, or null when valid. */
  error_type: string | null;
  outcome: CallOutcome | null;
  /** Wall-clock time of the successful attempt (or of the whole failed request), ms. */
  latency_ms: number | null;
  /** Why the request failed (only on failed requests). */
  error?: string;
  /** advfc's checker crashed on this output (a bug to report); the answer is kept, scored wrong. */
  checker_error?: string;
}

export const REQUEST_FAILED = "request_failed";

/** What {@link ResultsFile.open} found in an existing file. */
export interface ResumeInfo {
  /** Results kept (one per id, the last good line), in file order. */
  kept: Map<string, ResultLine>;
  /** Lines of failed requests dropped so their ids are asked again. */
  failed: number;
  /** Lines that did not parse as a result (a crash's partial last line included). */
  malformed: number;
  /** True when the file did not end with a newline (a crash in the middle of a write). */
  truncated: boolean;
}

function asResult(text: string): ResultLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const r = v as Partial<ResultLine>;
  if (typeof r.id !== "string" || typeof r.valid !== "boolean") return undefined;
  return r as ResultLine;
}

/** One results line as written: the fixed keys in a fixed order. */
export function formatResultLine(r: ResultLine): string {
  const o: ResultLine = { id: r.id, raw_output: r.raw_output, valid: r.valid, error_type: r.error_type, outcome: r.outcome, latency_ms: r.latency_ms };
  if (r.error !== undefined) o.error = r.error;
  if (r.checker_error !== undefined) o.checker_error = r.checker_error;
  return JSON.stringify(o) + "\n";
}

/**
 * A category's results file, appended to as results arrive: every line is one `write` of the
 * whole line on a file opened for appending, so a crash loses at most the requests in flight
 * (and leaves at most one partial last line, which the next run drops).
 */
export class ResultsFile {
  private chain: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /**
   * Open `path` for appending, reading what an earlier run left there. When the file holds
   * anything that must not stay (a partial last line, malformed lines, failed requests,
   * repeated ids), it is first rewritten (to a temporary file, then renamed over it) with the
   * kept lines only, byte for byte.
   */
  static async open(path: string): Promise<{ file: ResultsFile; resume: ResumeInfo }> {
    let text = "";
    try {
      text = await readFile(path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    const resume: ResumeInfo = { kept: new Map(), failed: 0, malformed: 0, truncated: false };
    const keptText = new Map<string, string>();
    let dirty = false;
    const parts = text.split("\n");
    const last = parts.pop() ?? "";
    if (last !== "") {
      resume.truncated = true;
      dirty = true;
      // A partial line is dropped even when it happens to parse: its write did not complete.
      resume.malformed++;
    }
    for (const line of parts) {
      if (line.trim() === "") {
        dirty = true;
        continue;
      }
      const r = asResult(line);
      if (r === undefined) {
        resume.malformed++;
        dirty = true;
        continue;
      }
      if (r.error !== undefined || r.error_type === REQUEST_FAILED) {
        resume.failed++;
        dirty = true;
        continue;
      }
      if (resume.kept.has(r.id)) {
        dirty = true;
        resume.kept.delete(r.id);
        keptText.delete(r.id);
      }
      resume.kept.set(r.id, r);
      keptText.set(r.id, line);
    }
    if (dirty) {
      const tmp = `${path}.tmp-${process.pid}`;
      await writeFile(tmp, [...keptText.values()].map((l) => l + "\n").join(""), "utf8");
      await rename(tmp, path);
    }
    const fh = await open(path, "a");
    return { file: new ResultsFile(path, fh), resume };
  }

  /** Append one result (writes are queued, in call order). */
  append(r: ResultLine): Promise<void> {
    const text = formatResultLine(r);
    const p = this.chain.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await this.fh.write(text);
      } catch (e) {
        this.failure = e as Error;
        throw e;
      }
    });
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Wait for queued writes and close the file. Safe to call twice. */
  async close(): Promise<void> {
    await this.chain;
    await this.fh.close().catch(() => undefined);
  }
}

/**
 * The results a file holds, one per id: the last line of a scored request, else (the id only
 * failed) its last failed line. Partial and malformed lines are skipped. A missing file is empty.
 */
export async function readResults(path: string): Promise<Map<string, ResultLine>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw e;
  }
  const out = new Map<string, ResultLine>();
  const parts = text.split("\n");
  parts.pop();
  for (const line of parts) {
    const r = asResult(line);
    if (r === undefined) continue;
    const failed = r.error !== undefined || r.error_type === REQUEST_FAILED;
    const seen = out.get(r.id);
    if (failed && seen !== undefined && seen.error_type !== REQUEST_FAILED) continue;
    out.set(r.id, r);
  }
  return out;
}
