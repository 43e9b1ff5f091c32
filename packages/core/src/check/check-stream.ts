import { AdvfcError, InvalidInputError } from "../errors.js";
import type { Category } from "../schema/category.js";
import type { CheckCaseOptions } from "./check-case.js";
import { checkLine, defaultDocCache, DocCache, MAX_CHECK_LINE, parseCheckLineBytes, type CheckVerdict } from "./check-line.js";

export interface CheckStreamOptions {
  /** Name of the input in error messages (`<stdin>`, a path). */
  file?: string;
  /** Decoder and checker options for every line. */
  check?: CheckCaseOptions;
  /** Cache of parsed tool docs and answers; null parses every line in full. @default defaultDocCache */
  cache?: DocCache | null;
  /** Longest accepted line in bytes (without its line break). @default MAX_CHECK_LINE (64 MiB) */
  maxLineBytes?: number;
  /** Called for every scored line. */
  onScored?: (category: Category, verdict: CheckVerdict) => void;
  /** Called for every line that cannot be scored, with a message naming the input, line and field. */
  onError?: (message: string, line: number) => void;
}

/** One verdict as a JSON line: the text of `JSON.stringify(verdict) + "\n"`, built without the generic serialiser. */
export function verdictJsonLine(v: CheckVerdict): string {
  return `{"id":${jsonString(v.id)},"valid":${v.valid},"error_type":${v.error_type === null ? "null" : jsonString(v.error_type)},"outcome":"${v.outcome}"}\n`;
}

/** Characters `JSON.stringify` escapes in a string (a lone surrogate among them). */
const NEEDS_ESCAPE = /["\\\x00-\x1f\ud800-\udfff]/;

/** `JSON.stringify(s)`, without the call for the common string that needs no escape. */
function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

const LF = 10;
const CR = 13;

/**
 * `advfc check`'s pipeline from bytes to verdicts: JSON Lines in (chunks of UTF-8 of any size,
 * lines ending in `\n` or `\r\n`, a leading byte-order mark ignored), one verdict JSON line out per
 * scored line, in input order. Synchronous and allocation-light: each chunk's complete lines are
 * decoded, parsed and scored in one call, and {@link push} returns their verdict lines as one
 * string for the caller to write (with backpressure). Memory is bounded by the chunk size and the
 * longest line: a line longer than `maxLineBytes` is reported and skipped without being buffered.
 * Blank lines are skipped (and counted in the line numbers).
 */
export class CheckStream {
  /** Lines seen so far (blank ones included). */
  line = 0;
  scored = 0;
  malformed = 0;
  private readonly name: string | undefined;
  private readonly check: CheckCaseOptions;
  private readonly cache: DocCache | null;
  private readonly maxLineBytes: number;
  private readonly onScored: CheckStreamOptions["onScored"];
  private readonly onError: CheckStreamOptions["onError"];
  /** Bytes of the current incomplete line. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while the rest of an overlong line is being skipped. */
  private skipping = false;
  private started = false;

  constructor(options: CheckStreamOptions = {}) {
    this.name = options.file;
    this.check = options.check ?? {};
    this.cache = options.cache === undefined ? defaultDocCache : options.cache;
    this.maxLineBytes = options.maxLineBytes ?? MAX_CHECK_LINE;
    this.onScored = options.onScored;
    this.onError = options.onError;
  }

  /** Feed the next chunk; returns the verdict lines of the lines it completes ("" when none). */
  push(chunk: Uint8Array | string): string {
    let buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.started && buf.length > 0) {
      this.started = true;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    let out = "";
    let a = 0;
    if (this.pendingBytes > 0 || this.skipping) {
      const nl = buf.indexOf(LF);
      const head = nl < 0 ? buf : buf.subarray(0, nl);
      if (!this.skipping) {
        // (+ 1: a `\r` before the `\n` is not part of the line; scoreLine checks the exact length)
        if (this.pendingBytes + head.length > this.maxLineBytes + 1) this.startSkipping();
        else {
          // copied: the caller may reuse its chunk
          this.pending.push(Buffer.from(head));
          this.pendingBytes += head.length;
        }
      }
      if (nl < 0) return "";
      if (this.skipping) this.skipping = false;
      else {
        const line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
        this.pending = [];
        this.pendingBytes = 0;
        out += this.scoreLine(line, 0, line.length);
      }
      a = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(LF, a);
      if (nl < 0) break;
      out += this.scoreLine(buf, a, nl);
      a = nl + 1;
    }
    if (a < buf.length) {
      if (buf.length - a > this.maxLineBytes + 1) this.startSkipping();
      else {
        this.pending.push(Buffer.from(buf.subarray(a)));
        this.pendingBytes = buf.length - a;
      }
    }
    return out;
  }

  /** The input ended: score a last line that has no line break. */
  end(): string {
    if (this.skipping) {
      this.skipping = false;
      return "";
    }
    if (this.pendingBytes === 0) return "";
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return this.scoreLine(line, 0, line.length);
  }

  /** The current line is too long: report it now and drop its bytes up to the next line break. */
  private startSkipping(): void {
    this.line++;
    this.malformed++;
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = true;
    this.onError?.(new InvalidInputError(`line longer than ${this.maxLineBytes} bytes (not scored)`, this.where(this.line)).message, this.line);
  }

  private where(line: number): { file?: string; line: number } {
    return this.name === undefined ? { line } : { file: this.name, line };
  }

  /** Score `buf[a..b)` (one line without its `\n`); returns its verdict line or "". */
  private scoreLine(buf: Buffer, a: number, b: number): string {
    const lineNo = ++this.line;
    if (b > a && buf[b - 1] === CR) b--;
    if (b - a > this.maxLineBytes) {
      this.malformed++;
      this.onError?.(new InvalidInputError(`line longer than ${this.maxLineBytes} bytes (not scored)`, this.where(lineNo)).message, lineNo);
      return "";
    }
    // blank: skipped. `{` first (the normal case) is never blank.
    if (buf[a] !== 123 && buf.toString("utf8", a, b).trim() === "") return "";
    try {
      const line = parseCheckLineBytes(buf, a, b, this.where(lineNo), this.cache);
      const verdict = checkLine(line, this.check);
      this.scored++;
      this.onScored?.(line.category, verdict);
      return verdictJsonLine(verdict);
    } catch (e) {
      this.malformed++;
      if (e instanceof AdvfcError) this.onError?.(e.message, lineNo);
      // a bug in advfc, not in the input: reported against the line, and the rest goes on
      else this.onError?.(`${this.name === undefined ? "" : `${this.name}, `}line ${lineNo}: internal error: ${(e as Error)?.stack ?? String(e)}`, lineNo);
      return "";
    }
  }
}
