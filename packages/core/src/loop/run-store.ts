/**
 * The run directory of `advfc run`, readable with jq:
 *
 *   manifest.json             config, config hash, package versions, start time, seed file hashes
 *   run.lock                  the owner's pid + hostname while a process runs it (lock.ts)
 *   iter-<k>/rollouts.jsonl   every rollout of iteration k, in step order, slot order within a step
 *   iter-<k>/bad-cases.jsonl  the bad cases kept (deduplicated), in the same order
 *   iter-<k>/steps.jsonl      one line per query-model step: metrics + everything needed to resume
 *   iter-<k>/eval.json        FC accuracy before / after training (eval split, the bad cases)
 *   iter-<k>/train.json       what the trainer did (+ fc-state.json: the trained FC model's state)
 *   summary.json              at the end
 *
 * Crash safety. JSONL files are append-only and written per step in this order, each flushed
 * with fsync: rollouts → bad cases → the steps line. The steps line is the commit marker: a step
 * is done exactly when its line is in steps.jsonl. On resume ({@link RunStore.openIteration})
 * a torn last line (no newline: the process died mid-write) is dropped, and rollouts / bad cases
 * of steps without a steps line are truncated away, so the step is redone from scratch — nothing
 * is lost and nothing is duplicated. JSON files are written to a temporary name, fsynced and
 * renamed.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { AdvfcError } from "../errors.js";

/** The run store is damaged or belongs to another config. */
export class RunStoreError extends AdvfcError {
  constructor(message: string) {
    super(message);
    this.name = "RunStoreError";
  }
}

/** The manifest's format marker. */
export const RUN_FORMAT = "advfc-run/1";

/** Atomically replace `path` with `value` as pretty JSON (temp file, fsync, rename). */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    writeAll(fd, Buffer.from(JSON.stringify(value, null, 2) + "\n"));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Read a JSON file, or undefined when it does not exist. */
export function readJsonIfExists<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Complete, parseable lines of a JSONL file and the byte length they span (a torn tail is excluded). */
export function readJsonlPrefix(path: string): { values: unknown[]; ends: number[]; tornBytes: number } {
  if (!existsSync(path)) return { values: [], ends: [], tornBytes: 0 };
  const buf = readFileSync(path);
  const values: unknown[] = [];
  const ends: number[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break;
    let v: unknown;
    try {
      v = JSON.parse(buf.toString("utf8", start, nl));
    } catch {
      break;
    }
    values.push(v);
    ends.push(nl + 1);
    start = nl + 1;
  }
  return { values, ends, tornBytes: buf.length - start };
}

/** An append-only JSONL file flushed with fsync on every append. */
class JsonlAppender {
  private fd: number | undefined;
  constructor(readonly path: string) {}

  /** Cut the file to `bytes` (recovery), creating it when missing. */
  truncate(bytes: number): void {
    const fd = openSync(this.path, existsSync(this.path) ? "r+" : "w");
    try {
      ftruncateSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  append(values: readonly unknown[]): void {
    if (values.length === 0) return;
    this.fd ??= openSync(this.path, "a");
    writeAll(this.fd, Buffer.from(values.map((v) => JSON.stringify(v)).join("\n") + "\n"));
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** A committed step line: at least its step number and how many records it wrote. */
export interface StepLine {
  iteration: number;
  step: number;
  /** Rollouts written for the step (checked on recovery). */
  rollouts: number;
  /** Bad cases kept in the step (checked on recovery). */
  kept: number;
  [key: string]: unknown;
}

/** What recovery found in one iteration's folder. */
export interface IterationRecovery {
  /** Committed steps, in order (0 … n−1). */
  steps: StepLine[];
  /** The committed rollouts / bad cases (parsed JSON, not re-validated). */
  rollouts: unknown[];
  badCases: unknown[];
  /** Bytes dropped: torn lines and records of uncommitted steps. */
  droppedBytes: number;
  /** Records of uncommitted steps dropped (rollouts + bad cases). */
  droppedRecords: number;
}

/** The append side of one iteration: writes a step's records, commit marker last. */
export class IterationLog {
  private readonly rolloutsFile: JsonlAppender;
  private readonly badCasesFile: JsonlAppender;
  private readonly stepsFile: JsonlAppender;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.rolloutsFile = new JsonlAppender(join(dir, "rollouts.jsonl"));
    this.badCasesFile = new JsonlAppender(join(dir, "bad-cases.jsonl"));
    this.stepsFile = new JsonlAppender(join(dir, "steps.jsonl"));
  }

  /**
   * Recover the folder after a crash (or just read it): keep committed steps and their records,
   * truncate everything after them. Idempotent.
   * @throws {RunStoreError} when committed records disagree with their steps lines.
   */
  recover(): IterationRecovery {
    const steps = readJsonlPrefix(this.stepsFile.path);
    const lines: StepLine[] = [];
    for (const v of steps.values) {
      const s = v as StepLine;
      if (typeof s !== "object" || s === null || s.step !== lines.length) break;
      lines.push(s);
    }
    const n = lines.length;
    const stepsEnd = n === 0 ? 0 : steps.ends[n - 1]!;
    const keep = (path: string, stepOf: (v: unknown) => unknown): { values: unknown[]; end: number; dropped: number; size: number } => {
      const r = readJsonlPrefix(path);
      let i = 0;
      while (i < r.values.length) {
        const s = stepOf(r.values[i]);
        if (typeof s !== "number" || s >= n) break;
        i++;
      }
      const end = i === 0 ? 0 : r.ends[i - 1]!;
      const size = (r.ends[r.ends.length - 1] ?? 0) + r.tornBytes;
      return { values: r.values.slice(0, i), end, dropped: r.values.length - i, size };
    };
    const rollouts = keep(this.rolloutsFile.path, (v) => (v as { step?: unknown }).step);
    const bad = keep(this.badCasesFile.path, (v) => (v as { rollout?: { step?: unknown } }).rollout?.step);
    const perStep = (values: unknown[], stepOf: (v: unknown) => number) => {
      const c = new Array<number>(n).fill(0);
      for (const v of values) c[stepOf(v)]!++;
      return c;
    };
    const rc = perStep(rollouts.values, (v) => (v as { step: number }).step);
    const bc = perStep(bad.values, (v) => (v as { rollout: { step: number } }).rollout.step);
    lines.forEach((s, i) => {
      if (rc[i] !== s.rollouts || bc[i] !== s.kept) {
        throw new RunStoreError(
          `${this.dir}: step ${i} committed ${s.rollouts} rollouts and ${s.kept} bad cases but the files hold ${rc[i]} and ${bc[i]}; the run directory was modified or damaged`,
        );
      }
    });
    const stepsSize = (steps.ends[steps.ends.length - 1] ?? 0) + steps.tornBytes;
    let droppedBytes = 0;
    for (const [file, end, size] of [
      [this.stepsFile, stepsEnd, stepsSize],
      [this.rolloutsFile, rollouts.end, rollouts.size],
      [this.badCasesFile, bad.end, bad.size],
    ] as const) {
      if (size !== end || !existsSync(file.path)) file.truncate(end);
      droppedBytes += size - end;
    }
    return { steps: lines, rollouts: rollouts.values, badCases: bad.values, droppedBytes, droppedRecords: rollouts.dropped + bad.dropped };
  }

  /** Write one step: rollouts, then bad cases, then the steps line (the commit marker), each fsynced. */
  commitStep(rollouts: readonly unknown[], badCases: readonly unknown[], step: StepLine): void {
    this.rolloutsFile.append(rollouts);
    this.badCasesFile.append(badCases);
    this.stepsFile.append([step]);
  }

  close(): void {
    this.rolloutsFile.close();
    this.badCasesFile.close();
    this.stepsFile.close();
  }
}

/** Paths of a run directory. */
export class RunStore {
  constructor(readonly dir: string) {}

  get manifestPath(): string {
    return join(this.dir, "manifest.json");
  }
  get summaryPath(): string {
    return join(this.dir, "summary.json");
  }
  iterationDir(k: number): string {
    return join(this.dir, `iter-${k}`);
  }
  evalPath(k: number): string {
    return join(this.iterationDir(k), "eval.json");
  }
  trainPath(k: number): string {
    return join(this.iterationDir(k), "train.json");
  }
  fcStatePath(k: number): string {
    return join(this.iterationDir(k), "fc-state.json");
  }
  /** Iteration folders present, in order. */
  iterations(): number[] {
    const out: number[] = [];
    for (let k = 0; existsSync(this.iterationDir(k)); k++) out.push(k);
    return out;
  }
  hasManifest(): boolean {
    return existsSync(this.manifestPath);
  }
  readManifest<T>(): T {
    const m = readJsonIfExists<T>(this.manifestPath);
    if (m === undefined) throw new RunStoreError(`${this.dir} is not an advfc run directory (no manifest.json)`);
    return m;
  }
  writeManifest(value: unknown): void {
    mkdirSync(this.dir, { recursive: true });
    writeJsonAtomic(this.manifestPath, value);
  }
}
