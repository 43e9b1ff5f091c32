/**
 * Early stop of the query model's training (paper, "Early Stop"): training stops when
 *
 *   |E[R_Q,τ] − E[R_Q,τ−1]| < ε
 *
 * has held for `patience` consecutive timesteps (the paper: ε = 0.2, "within 10 timesteps"), or
 * when `maxSteps` steps have been seen.
 *
 * Counting, exactly: the controller is fed one mean reward per step; the k-th call is step
 * τ = k − 1 (0-based). Step 0 has no previous mean, so no comparison and the streak is 0. At
 * each step τ ≥ 1 the delta |m_τ − m_τ−1| is compared: below ε the streak grows by one, else it
 * resets to 0. It fires "converged" at the first step whose streak reaches `patience`. So with
 * patience 10 the earliest firing is at τ = 10, the 11th step (10 comparisons, all small). With
 * `maxSteps` = M it fires "max_steps" at τ = M − 1 (the M-th step) unless it converged there
 * too ("converged" wins). Once fired it stays fired: later updates are ignored and return the
 * same decision (a metrics watcher may report a few more steps before training is stopped).
 */
import { InvalidInputError } from "../errors.js";

/** Options of {@link EarlyStopController}. */
export interface EarlyStopOptions {
  /** Threshold ε on |E[R_τ] − E[R_τ−1]| (strict: a delta equal to ε breaks the streak). @default 0.2 */
  epsilon?: number;
  /** Consecutive small deltas needed to stop. @default 10 */
  patience?: number;
  /** Stop after this many steps regardless. @default Infinity (no limit) */
  maxSteps?: number;
}

/** Why the controller fired. */
export type EarlyStopReason = "converged" | "max_steps";

/** The controller's answer after one step. */
export interface EarlyStopDecision {
  /** Stop training now. */
  stop: boolean;
  /** Why, when `stop`. */
  reason?: EarlyStopReason;
  /** 0-based step τ this decision is about (the step that fired, once fired). */
  step: number;
  /** Consecutive steps with |Δ| < ε up to and including this one. */
  streak: number;
  /** |m_τ − m_τ−1|, absent at step 0. */
  delta?: number;
}

/** Everything needed to resume a controller (JSON-serialisable). */
export interface EarlyStopState {
  epsilon: number;
  patience: number;
  /** null = no limit (JSON has no Infinity). */
  maxSteps: number | null;
  /** Steps seen so far. */
  steps: number;
  /** The last mean reward, null before the first step. */
  lastMean: number | null;
  streak: number;
  /** The firing decision, once fired. */
  fired: { reason: EarlyStopReason; step: number } | null;
}

function positiveInt(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 1) throw new InvalidInputError(`Expected a positive integer for ${field} but received ${String(v)}`, { field });
  return v;
}

/** Decides when the query model's training stops; feed it one mean reward per step. */
export class EarlyStopController {
  readonly epsilon: number;
  readonly patience: number;
  readonly maxSteps: number;
  private steps = 0;
  private lastMean: number | undefined;
  private streak = 0;
  private fired: { reason: EarlyStopReason; step: number } | undefined;

  constructor(options: EarlyStopOptions = {}) {
    const epsilon = options.epsilon ?? 0.2;
    if (!Number.isFinite(epsilon) || epsilon <= 0) throw new InvalidInputError(`Expected a finite ε > 0 for epsilon but received ${String(epsilon)}`, { field: "epsilon" });
    this.epsilon = epsilon;
    this.patience = positiveInt(options.patience ?? 10, "patience");
    const maxSteps = options.maxSteps ?? Infinity;
    this.maxSteps = maxSteps === Infinity ? Infinity : positiveInt(maxSteps, "maxSteps");
  }

  /** Restore a controller from {@link EarlyStopController.state}. */
  static fromState(state: EarlyStopState): EarlyStopController {
    const c = new EarlyStopController({ epsilon: state.epsilon, patience: state.patience, maxSteps: state.maxSteps ?? Infinity });
    if (!Number.isInteger(state.steps) || state.steps < 0) throw new InvalidInputError(`Expected a non-negative integer for steps but received ${String(state.steps)}`, { field: "steps" });
    if (!Number.isInteger(state.streak) || state.streak < 0 || state.streak > Math.max(0, state.steps - 1)) {
      throw new InvalidInputError(`Expected an integer streak in [0, steps − 1] but received ${String(state.streak)}`, { field: "streak" });
    }
    if ((state.lastMean === null) !== (state.steps === 0)) throw new InvalidInputError("Expected lastMean to be null exactly when steps is 0", { field: "lastMean" });
    c.steps = state.steps;
    c.lastMean = state.lastMean ?? undefined;
    c.streak = state.streak;
    c.fired = state.fired ?? undefined;
    return c;
  }

  /**
   * Feed the mean reward E[R_τ] of the next step; returns whether to stop.
   * @throws {InvalidInputError} for a non-finite mean.
   */
  update(meanReward: number): EarlyStopDecision {
    if (this.fired) return { stop: true, reason: this.fired.reason, step: this.fired.step, streak: this.streak };
    if (typeof meanReward !== "number" || !Number.isFinite(meanReward)) {
      throw new InvalidInputError(`Expected a finite mean reward for step ${this.steps} but received ${String(meanReward)}`, { field: "meanReward" });
    }
    const step = this.steps++;
    let delta: number | undefined;
    if (this.lastMean !== undefined) {
      delta = Math.abs(meanReward - this.lastMean);
      this.streak = delta < this.epsilon ? this.streak + 1 : 0;
    }
    this.lastMean = meanReward;
    let reason: EarlyStopReason | undefined;
    if (this.streak >= this.patience) reason = "converged";
    else if (this.steps >= this.maxSteps) reason = "max_steps";
    if (reason) this.fired = { reason, step };
    return { stop: reason !== undefined, ...(reason ? { reason } : {}), step, streak: this.streak, ...(delta !== undefined ? { delta } : {}) };
  }

  /** Fired already. */
  get stopped(): boolean {
    return this.fired !== undefined;
  }

  /** A JSON-serialisable snapshot; {@link EarlyStopController.fromState} resumes from it. */
  state(): EarlyStopState {
    return {
      epsilon: this.epsilon,
      patience: this.patience,
      maxSteps: this.maxSteps === Infinity ? null : this.maxSteps,
      steps: this.steps,
      lastMean: this.lastMean ?? null,
      streak: this.streak,
      fired: this.fired ?? null,
    };
  }
}
