/**
 * Progress of a long run on standard error: on a terminal one live line (done/total, rate, ETA)
 * rewritten at most 5 times a second; elsewhere (logs, CI) a plain line every `intervalMs` or
 * every 10% of the total, whichever comes first.
 */
export class Progress {
  private done = 0;
  private failed = 0;
  private readonly started = Date.now();
  private lastWrite = Date.now();
  private lastDecile = 0;
  private liveShown = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly total: number,
    private readonly opts: { tty: boolean; label?: string; intervalMs?: number; enabled?: boolean },
  ) {}

  /** Count one finished entry. */
  tick(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    if (this.opts.enabled === false) return;
    const now = Date.now();
    if (this.opts.tty) {
      if (now - this.lastWrite >= 200 || this.done === this.total) this.write(now);
      return;
    }
    const decile = this.total > 0 ? Math.floor((this.done * 10) / this.total) : 10;
    if (decile > this.lastDecile || now - this.lastWrite >= (this.opts.intervalMs ?? 10_000)) {
      this.lastDecile = decile;
      this.write(now);
    }
  }

  /** Ends the live line (terminal) so that what follows starts on a new line. */
  finish(): void {
    if (this.opts.tty && this.liveShown) this.out.write("\n");
    this.liveShown = false;
  }

  /** The status text, e.g. `120/500 (24%), 8.3/s, ETA 46s, 2 failed`. */
  line(now = Date.now()): string {
    const secs = Math.max((now - this.started) / 1000, 1e-3);
    const rate = this.done / secs;
    const pct = this.total > 0 ? Math.floor((this.done * 100) / this.total) : 100;
    const left = this.total - this.done;
    const eta = rate > 0 && left > 0 ? `, ETA ${formatDuration(left / rate)}` : "";
    const failed = this.failed > 0 ? `, ${this.failed} failed` : "";
    return `${this.done}/${this.total} (${pct}%), ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s${eta}${failed}`;
  }

  private write(now: number): void {
    this.lastWrite = now;
    const label = this.opts.label ?? "advfc eval";
    if (this.opts.tty) {
      this.out.write(`\r\x1b[K${label}: ${this.line(now)}`);
      this.liveShown = true;
    } else this.out.write(`${label}: ${this.line(now)}\n`);
  }
}

/** `75` → `1m15s`, `4000` → `1h06m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
