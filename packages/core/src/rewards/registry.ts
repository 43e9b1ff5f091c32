/**
 * A small registry of named outcome rewards, after verl's `reward_score` dispatch: one module
 * per reward, registration refuses duplicate names, lookup of an unknown name throws an error
 * that names it and lists the known ones.
 */
import { AdvfcError } from "../errors.js";
import { adversarialReward } from "./adversarial.js";
import { fcReward } from "./fc.js";

/** A name was registered twice. */
export class DuplicateRewardError extends AdvfcError {
  constructor(readonly rewardName: string) {
    super(`A reward named ${JSON.stringify(rewardName)} is already registered`);
    this.name = "DuplicateRewardError";
  }
}

/** No reward has this name. */
export class UnknownRewardError extends AdvfcError {
  constructor(
    readonly rewardName: string,
    readonly known: readonly string[],
  ) {
    super(`Expected a registered reward (${known.join(", ") || "none registered"}) but received ${JSON.stringify(rewardName)}`);
    this.name = "UnknownRewardError";
  }
}

/** Named reward functions of one signature `F`. */
export class RewardRegistry<F extends (...args: never[]) => unknown> {
  private readonly fns = new Map<string, F>();

  /**
   * Register `fn` under `name`.
   * @throws {DuplicateRewardError} when `name` is taken.
   */
  register(name: string, fn: F): this {
    if (this.fns.has(name)) throw new DuplicateRewardError(name);
    this.fns.set(name, fn);
    return this;
  }

  has(name: string): boolean {
    return this.fns.has(name);
  }

  /**
   * The reward registered under `name`.
   * @throws {UnknownRewardError} naming `name` and the registered names.
   */
  get(name: string): F {
    const fn = this.fns.get(name);
    if (fn === undefined) throw new UnknownRewardError(name, this.names());
    return fn;
  }

  /** Call the reward registered under `name` (the dispatcher). @throws {UnknownRewardError} */
  dispatch(name: string, ...args: Parameters<F>): ReturnType<F> {
    return this.get(name)(...args) as ReturnType<F>;
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.fns.keys()].sort();
  }
}

/** What the built-in outcome rewards read: the verdicts of one rollout. */
export interface OutcomeFacts {
  /** Both judge stages passed. */
  judgePassed?: boolean;
  /** The FC model's output matched the ground truth. */
  fcCorrect?: boolean;
}

/** An outcome reward: verdicts in, one scalar out; `values` = its [success, failure] values. */
export type OutcomeReward = (facts: OutcomeFacts, values?: { success?: number; failure?: number }) => number;

function need(facts: OutcomeFacts, key: keyof OutcomeFacts, reward: string): boolean {
  const v = facts[key];
  if (v === undefined) throw new AdvfcError(`Expected ${key} for reward ${reward} but received undefined`);
  return v;
}

/**
 * A registry holding the paper's outcome rewards: `r_judge` (Eq. 4), `r_adv` (Eq. 5), `r_fc`
 * (Eq. 7). Each call returns a fresh registry, so callers may register their own rewards.
 */
export function createOutcomeRewardRegistry(): RewardRegistry<OutcomeReward> {
  return new RewardRegistry<OutcomeReward>()
    .register("r_judge", (f, v = {}) => (need(f, "judgePassed", "r_judge") ? (v.success ?? 1) : (v.failure ?? -1)))
    .register("r_adv", (f, v = {}) => adversarialReward({ judgePassed: need(f, "judgePassed", "r_adv"), ...(f.fcCorrect !== undefined ? { fcCorrect: f.fcCorrect } : {}) }, v))
    .register("r_fc", (f, v = {}) => fcReward(need(f, "fcCorrect", "r_fc"), { ...(v.success !== undefined ? { match: v.success } : {}), ...(v.failure !== undefined ? { mismatch: v.failure } : {}) }));
}
