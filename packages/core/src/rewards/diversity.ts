/**
 * The embedding-diversity term of the query model's objective (paper Eq. 6):
 *
 *   J_Q = E[R_Q] + α · D,   D = 2 / (B(B−1)) · Σ_{i<j} (1 − cos(v_i, v_j)),
 *
 * the mean pairwise cosine distance of the batch's rewrite embeddings. PPO needs one scalar per
 * sample, so D is split into per-sample shares: share_i = rowDiversity_i = the mean distance of
 * v_i to the other B−1 rows. Since every pair is counted once from each end,
 *
 *   (1/B) Σ_i share_i = 1/(B(B−1)) Σ_i Σ_{j≠i} d_ij = D   (exactly),
 *
 * so giving sample i the reward r_adv,i + α · share_i makes the batch-mean reward equal
 * E[R_Q] + α·D, the paper's objective. The kernels are those of @advfc/native-embed.
 *
 * Failed rewrites (the query model's reply had no usable rewrite, so there is nothing to embed)
 * are left out of the batch: D and the shares are computed over the B' rewrites that exist, and
 * a failed rewrite's share is 0. Their r_adv is −1 already (no judge can pass them); giving them
 * a diversity bonus would reward failure, and counting them as zero vectors (distance 1 to
 * everything) would reward it even more.
 */
import { meanPairwiseCosineDistance, rowDiversity, type KernelOptions } from "@advfc/native-embed";
import { InvalidInputError } from "../errors.js";
import type { RewardParts } from "../schema/rollout.js";

/** The paper's α. */
export const DEFAULT_DIVERSITY_ALPHA = 0.05;

/** Options of {@link batchDiversity} and {@link queryModelRewards}. */
export interface DiversityOptions {
  /** Weight α of the diversity term. @default 0.05 */
  alpha?: number;
  /** Kernel options (backend, threads, signal) passed to @advfc/native-embed. @default {} */
  kernel?: KernelOptions;
}

/** Eq. 6's diversity term of one batch. */
export interface BatchDiversity {
  /** Rows in the batch (B). */
  n: number;
  /** D: mean pairwise cosine distance, in [0, 2]; 0 when n < 2. */
  meanDistance: number;
  /** α used. */
  alpha: number;
  /** α · D, the term added to the objective. */
  term: number;
  /** Per-row shares α · rowDiversity_i (length n); their mean is α · D. */
  shares: Float64Array;
}

function checkAlpha(alpha: number): number {
  if (!Number.isFinite(alpha) || alpha < 0) throw new InvalidInputError(`Expected a finite α ≥ 0 for alpha but received ${String(alpha)}`, { field: "alpha" });
  return alpha;
}

/**
 * The diversity term of a batch of embeddings (`embeddings`: n × dim row-major float32). n = 0
 * and n = 1 give D = 0 and shares of 0.
 */
export async function batchDiversity(embeddings: Float32Array, dim: number, options: DiversityOptions = {}): Promise<BatchDiversity> {
  const alpha = checkAlpha(options.alpha ?? DEFAULT_DIVERSITY_ALPHA);
  if (!Number.isInteger(dim) || dim < 1) throw new InvalidInputError(`Expected a positive integer for dim but received ${String(dim)}`, { field: "dim" });
  if (embeddings.length % dim !== 0) {
    throw new InvalidInputError(`Expected an embedding matrix whose length is a multiple of dim = ${dim} but received length ${embeddings.length}`, { field: "embeddings" });
  }
  const n = embeddings.length / dim;
  if (n < 2) return { n, meanDistance: 0, alpha, term: 0, shares: new Float64Array(n) };
  const kernel = options.kernel ?? {};
  const [meanDistance, rows] = await Promise.all([meanPairwiseCosineDistance(embeddings, dim, kernel), rowDiversity(embeddings, dim, kernel)]);
  const shares = new Float64Array(n);
  for (let i = 0; i < n; i++) shares[i] = alpha * rows[i]!;
  return { n, meanDistance, alpha, term: alpha * meanDistance, shares };
}

/** One query-model rollout's inputs to its training reward. */
export interface QueryRewardItem {
  /** r_judge (Eq. 4). A failed rewrite has the judge's fail value. */
  rJudge: number;
  /** r_adv (Eq. 5). */
  rAdv: number;
  /** The rewrite's embedding (dim floats), or null for a failed rewrite (share 0, left out of D). */
  embedding: Float32Array | null;
}

/** The query model's per-sample rewards and the batch's diversity term. */
export interface QueryRewards {
  /** Per item: `{rJudge, rAdv, diversity: α·share_i, total: rAdv + α·share_i}`. */
  rewards: RewardParts[];
  /** The diversity term over the embedded items only. */
  batch: Omit<BatchDiversity, "shares">;
  /** Mean of `total` over all items (E[R_Q] + mean diversity share); 0 for an empty batch. */
  meanTotal: number;
}

/**
 * The query model's per-sample training reward, R_Q,i + α · share_i (Eq. 5 + Eq. 6 split per
 * sample). Items without an embedding (failed rewrites) get share 0 and are left out of the
 * batch's D.
 * @param dim Embedding dimension; every non-null embedding must have exactly `dim` floats.
 */
export async function queryModelRewards(items: readonly QueryRewardItem[], dim: number, options: DiversityOptions = {}): Promise<QueryRewards> {
  const rows: number[] = [];
  items.forEach((it, i) => {
    if (it.embedding === null) return;
    if (it.embedding.length !== dim) {
      throw new InvalidInputError(`Expected an embedding of ${dim} floats for item ${i} but received ${it.embedding.length}`, { field: `items[${i}].embedding` });
    }
    rows.push(i);
  });
  const matrix = new Float32Array(rows.length * dim);
  rows.forEach((i, r) => matrix.set(items[i]!.embedding!, r * dim));
  const { shares, ...batch } = await batchDiversity(matrix, dim, options);
  const share = new Float64Array(items.length);
  rows.forEach((i, r) => (share[i] = shares[r]!));
  let sum = 0;
  const rewards = items.map((it, i): RewardParts => {
    const diversity = share[i]!;
    const total = it.rAdv + diversity;
    sum += total;
    return { rJudge: it.rJudge, rAdv: it.rAdv, diversity, total };
  });
  return { rewards, batch, meanTotal: items.length === 0 ? 0 : sum / items.length };
}
