/**
 * The baselines' seeded random numbers: mulberry32 (Tommy Ettinger's 32-bit PRNG, public domain;
 * period 2^32) with its state exposed, so a learner can save and restore it exactly. The same
 * generator as the curriculum's, so runs are identical on every machine.
 */

/** A seeded PRNG whose whole state is one 32-bit integer. */
export class BaselineRng {
  /** The current state (a uint32); `new BaselineRng(rng.state)` continues the same sequence. */
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), 1 | t);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/** FNV-1a 32-bit hash of a string: stable seeds and feature indices. */
export function baselineHash(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A seed mixed from several parts (iteration, step, sample id, index…). */
export function baselineSeed(...parts: ReadonlyArray<string | number>): number {
  return baselineHash(parts.map(String).join("\u0000"));
}
