/**
 * The adversarial reward of the query model, r_adv (paper Eq. 5):
 *
 *   r_adv = +1 if r_judge = +1 ∧ y ≠ ŷ, else −1.
 *
 * The query model scores only when its rewrite is judge-valid AND the FC model gets it wrong
 * (a zero-sum game with R_F, Eq. 7). The paper's R_Q is r_adv; the diversity term of Eq. 6 is
 * added per sample by {@link queryModelRewards} (diversity.ts).
 */
import { InvalidInputError } from "../errors.js";

/** Values of r_adv. @default { success: 1, failure: -1 } */
export interface AdversarialRewardValues {
  /** The rewrite is judge-valid and the FC model failed on it. @default 1 */
  success?: number;
  /** Anything else. @default -1 */
  failure?: number;
}

/** What Eq. 5 reads. */
export interface AdversarialRewardInput {
  /** Both judge stages passed (r_judge = +1). */
  judgePassed: boolean;
  /**
   * The FC model's output matched the ground truth (the checker's `valid`). May be left out
   * when the judge failed (the FC model need not be asked then): r_adv is −1 either way.
   */
  fcCorrect?: boolean;
}

/**
 * r_adv (Eq. 5).
 * @throws {InvalidInputError} when the judge passed but `fcCorrect` is missing.
 */
export function adversarialReward(input: AdversarialRewardInput, values: AdversarialRewardValues = {}): number {
  const success = values.success ?? 1;
  const failure = values.failure ?? -1;
  if (!input.judgePassed) return failure;
  if (input.fcCorrect === undefined) {
    throw new InvalidInputError("Expected the FC model's check result (fcCorrect) for a judge-valid rewrite but received undefined", { field: "fcCorrect" });
  }
  return input.fcCorrect ? failure : success;
}
