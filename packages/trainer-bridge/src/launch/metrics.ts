/**
 * verl's file logger (`trainer.logger` containing `file`) appends one JSON object per step to
 * `$VERL_FILE_LOGGER_PATH`: `{"step": N, "data": {"critic/score/mean": …, …}}` (steps from 1).
 * {@link MetricsFollower} tails that file while it grows, tolerating a torn last line.
 */
import { closeSync, existsSync, openSync, readSync, fstatSync, readdirSync, renameSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";

/** One line of verl's file logger. */
export interface VerlMetricsRecord {
  step: number;
  data: Record<string, number>;
}

/** The metric that is the mean reward of a PPO step. */
export const MEAN_REWARD_METRIC = "critic/score/mean";

/** Parse one logger line; undefined for a line that is not a step record. */
export function parseMetricsLine(line: string): VerlMetricsRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== "object") return undefined;
  const { step, data } = v as { step?: unknown; data?: unknown };
  if (typeof step !== "number" || data === null || typeof data !== "object") return undefined;
  return { step, data: data as Record<string, number> };
}

/** Reads the complete lines appended to a file since the last call. */
export class MetricsFollower {
  private offset = 0;
  private partial = "";

  constructor(readonly file: string) {}

  /** New complete records since the last poll (none while the file does not exist). */
  poll(): VerlMetricsRecord[] {
    if (!existsSync(this.file)) return [];
    const fd = openSync(this.file, "r");
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) [this.offset, this.partial] = [0, ""];
      if (size === this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString("utf8");
      const lines = text.split("\n");
      this.partial = lines.pop() ?? "";
      return lines.map(parseMetricsLine).filter((r): r is VerlMetricsRecord => r !== undefined);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Move an earlier attempt's metrics file aside before a job is (re)launched with the same
 * `$VERL_FILE_LOGGER_PATH` (verl's file logger appends): `metrics.jsonl` becomes
 * `metrics.attempt-<N>.jsonl`, N one more than the highest already there, so the new attempt's
 * steps are counted alone and nothing is lost. An absent or empty file is left as it is.
 * @returns the new path, or undefined when nothing was moved
 */
export function setAsideMetrics(file: string): string | undefined {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return undefined;
  }
  if (size === 0) return undefined;
  const dir = dirname(file);
  const ext = extname(file);
  const stem = basename(file, ext);
  const prefix = `${stem}.attempt-`;
  let last = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(ext)) continue;
    const n = name.slice(prefix.length, name.length - ext.length);
    if (/^\d+$/.test(n)) last = Math.max(last, Number(n));
  }
  const to = join(dir, `${prefix}${last + 1}${ext}`);
  renameSync(file, to);
  return to;
}
