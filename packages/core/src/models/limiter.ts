/**
 * The client's flow control: a FIFO semaphore (bounded concurrency; waiters can be aborted), a
 * pacer that spaces request starts evenly (requests per minute) and an abortable sleep.
 */

/** The reason an `AbortSignal` carries, or a standard `AbortError`. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** Resolves after `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Set when aborted while queued: skipped when its turn comes. */
  gone: boolean;
}

/** Counting semaphore with a FIFO queue. */
export class Semaphore {
  private active = 0;
  // A ring-less queue: an array plus a head index, compacted now and then (shift() is O(n)).
  private queue: Waiter[] = [];
  private head = 0;
  private waiting = 0;

  constructor(readonly limit: number) {}

  /** Holders now. */
  get inUse(): number {
    return this.active;
  }
  /** Callers waiting (aborted ones excluded). */
  get queued(): number {
    return this.waiting;
  }

  /** Takes a slot, waiting in FIFO order; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.active < this.limit && this.waiting === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: undefined, gone: false };
      if (signal) {
        w.onAbort = () => {
          w.gone = true;
          this.waiting--;
          reject(abortReason(signal));
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.waiting++;
    });
  }

  /** Gives a slot back, handing it straight to the next live waiter. */
  release(): void {
    while (this.head < this.queue.length) {
      const w = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Waiter;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (w.gone) continue;
      this.waiting--;
      if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
      w.resolve();
      return;
    }
    this.active--;
  }
}

/** Spaces starts at least `60000 / perMinute` ms apart (the first one starts at once). */
export class Pacer {
  private next = 0;
  private readonly interval: number;
  constructor(perMinute: number) {
    this.interval = 60_000 / perMinute;
  }
  /** Reserves the next start time and waits for it. */
  wait(signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + this.interval;
    return sleep(at - now, signal);
  }
}
