/** Terminal rendering of download progress (one line per file, redrawn in place). */
import type { DownloadProgress } from "./download.js";

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** One progress line: label, a 20-cell bar when the total is known, bytes, percent and rate. */
export function formatDownloadProgress(p: DownloadProgress): string {
  const rate = `${formatBytes(p.bytesPerSecond)}/s`;
  if (p.total === undefined || p.total === 0) return `${p.file}  ${formatBytes(p.received)}  ${rate}`;
  const frac = Math.min(1, p.received / p.total);
  const cells = Math.round(frac * 20);
  return `${p.file}  [${"#".repeat(cells)}${"-".repeat(20 - cells)}] ${formatBytes(p.received)} / ${formatBytes(p.total)}  ${(frac * 100).toFixed(1)}%  ${rate}`;
}

/**
 * A progress callback that redraws one line per file on `stream` (a terminal), ending it with a
 * newline when the file is done.
 */
export function terminalDownloadProgress(stream: NodeJS.WritableStream, prefix = "downloading "): (p: DownloadProgress) => void {
  return (p) => {
    stream.write(`\r\x1b[2K${prefix}${formatDownloadProgress(p)}${p.done ? "\n" : ""}`);
  };
}
