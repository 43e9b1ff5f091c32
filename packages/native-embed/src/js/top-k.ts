import { normalizeAll, Slicer, type JsCallOptions } from "./common.js";
import { dotTile, TILE_ROWS, tileCols } from "./dot-tile.js";

/**
 * Keeps the k best (score, index) of a stream in a binary heap whose root is the worst kept
 * entry. "Better" is a higher score, then a lower index: the tie rule of the addon.
 */
class TopKHeap {
  readonly s: Float32Array;
  readonly j: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.s = new Float32Array(k);
    this.j = new Int32Array(k);
  }

  /** a is worse than b. */
  private worse(a: number, b: number): boolean {
    const sa = this.s[a]!;
    const sb = this.s[b]!;
    return sa < sb || (sa === sb && this.j[a]! > this.j[b]!);
  }

  private swap(a: number, b: number): void {
    const s = this.s[a]!;
    this.s[a] = this.s[b]!;
    this.s[b] = s;
    const j = this.j[a]!;
    this.j[a] = this.j[b]!;
    this.j[b] = j;
  }

  private down(p: number): void {
    for (;;) {
      const l = 2 * p + 1;
      if (l >= this.size) return;
      const r = l + 1;
      const c = r < this.size && this.worse(r, l) ? r : l;
      if (!this.worse(c, p)) return;
      this.swap(c, p);
      p = c;
    }
  }

  push(score: number, index: number): void {
    if (this.size < this.k) {
      let p = this.size++;
      this.s[p] = score;
      this.j[p] = index;
      while (p > 0) {
        const q = (p - 1) >> 1;
        if (!this.worse(p, q)) break;
        this.swap(p, q);
        p = q;
      }
    } else {
      const root = this.s[0]!;
      // Indices arrive in increasing order, so an equal score never beats the root.
      if (score <= root) return;
      this.s[0] = score;
      this.j[0] = index;
      this.down(0);
    }
  }

  /** Empties the heap into out[o .. o+k), best first. */
  drain(indices: Int32Array, scores: Float32Array, o: number): void {
    while (this.size > 0) {
      const last = --this.size;
      indices[o + last] = this.j[0]!;
      scores[o + last] = this.s[0]!;
      this.s[0] = this.s[last]!;
      this.j[0] = this.j[last]!;
      this.down(0);
    }
  }
}

/** For each row of a, the k rows of b with the highest cosine similarity, best first (na × k). */
export async function topK(
  a: Float32Array,
  na: number,
  b: Float32Array,
  nb: number,
  d: number,
  k: number,
  indices: Int32Array,
  scores: Float32Array,
  opts: JsCallOptions,
): Promise<void> {
  const slicer = new Slicer(opts.cancel);
  const A = await normalizeAll(a, na, d, "a", slicer);
  const B = b === a && nb === na ? A : await normalizeAll(b, nb, d, "b", slicer);
  if (na === 0) return;
  const cols = tileCols(d);
  const rows = new Float32Array(TILE_ROWS * nb);
  const heap = new TopKHeap(k);
  for (let i0 = 0; i0 < na; i0 += TILE_ROWS) {
    const i1 = Math.min(na, i0 + TILE_ROWS);
    for (let j0 = 0; j0 < nb; j0 += cols) {
      dotTile(A, i0, i1, B, j0, Math.min(nb, j0 + cols), d, rows, nb, j0);
      if (slicer.due()) await slicer.pause();
    }
    for (let i = i0; i < i1; i++) {
      const o = (i - i0) * nb;
      for (let j = 0; j < nb; j++) heap.push(rows[o + j]!, j);
      heap.drain(indices, scores, i * k);
      if (slicer.due()) await slicer.pause();
    }
  }
}
