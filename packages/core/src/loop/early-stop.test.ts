import { describe, expect, it } from "vitest";
import { EarlyStopController, type EarlyStopDecision } from "./early-stop.js";

/** Feed `means` until the controller fires; the firing decision, or undefined. */
function run(c: EarlyStopController, means: readonly number[]): { fired?: EarlyStopDecision; decisions: EarlyStopDecision[] } {
  const decisions: EarlyStopDecision[] = [];
  for (const m of means) {
    const d = c.update(m);
    decisions.push(d);
    if (d.stop) return { fired: d, decisions };
  }
  return { decisions };
}

describe("converged (|E[R_τ] − E[R_τ−1]| < ε for `patience` steps)", () => {
  it("with patience 10 fires at the 11th step (τ = 10), not earlier", () => {
    const c = new EarlyStopController();
    const means = [-0.9, -0.85, -0.8, -0.82, -0.79, -0.81, -0.8, -0.78, -0.8, -0.79, -0.8, -0.8];
    const { fired, decisions } = run(c, means);
    expect(decisions[0]).toEqual({ stop: false, step: 0, streak: 0 }); // no previous mean: no comparison
    expect(decisions[9]).toMatchObject({ stop: false, step: 9, streak: 9 });
    expect(fired).toMatchObject({ stop: true, reason: "converged", step: 10, streak: 10 });
    expect(decisions).toHaveLength(11);
  });

  it("a big jump resets the count; it then fires exactly `patience` steps after the jump", () => {
    const c = new EarlyStopController({ epsilon: 0.2, patience: 3 });
    //          τ=0   1     2     3 (jump) 4    5    6
    const means = [0, 0.1, 0.15, 0.8, 0.85, 0.9, 0.95, 1];
    const { fired, decisions } = run(c, means);
    expect(decisions.map((d) => d.streak)).toEqual([0, 1, 2, 0, 1, 2, 3]);
    expect(decisions[3]!.delta).toBeCloseTo(0.65, 10);
    expect(fired).toMatchObject({ reason: "converged", step: 6 });
  });

  it("a delta equal to ε is not below ε (strict)", () => {
    const c = new EarlyStopController({ epsilon: 0.5, patience: 1 });
    expect(c.update(0).stop).toBe(false);
    expect(c.update(0.5)).toMatchObject({ stop: false, streak: 0, delta: 0.5 });
    expect(c.update(0.75)).toMatchObject({ stop: true, reason: "converged", step: 2 });
  });

  it("patience 1 fires at the second step when the first delta is small", () => {
    const c = new EarlyStopController({ patience: 1 });
    expect(c.update(0.1).stop).toBe(false);
    expect(c.update(0.1)).toMatchObject({ stop: true, reason: "converged", step: 1, delta: 0 });
  });

  it("oscillating rewards never converge", () => {
    const c = new EarlyStopController({ patience: 2 });
    const { fired } = run(c, Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? -1 : 1)));
    expect(fired).toBeUndefined();
    expect(c.stopped).toBe(false);
  });
});

describe("max_steps", () => {
  it("fires at the maxSteps-th step (τ = maxSteps − 1)", () => {
    const c = new EarlyStopController({ maxSteps: 4 });
    const { fired, decisions } = run(c, [-1, 1, -1, 1, -1]);
    expect(decisions).toHaveLength(4);
    expect(fired).toMatchObject({ stop: true, reason: "max_steps", step: 3 });
  });

  it("converged wins when both hold at the same step", () => {
    const c = new EarlyStopController({ patience: 2, maxSteps: 3 });
    expect(run(c, [0, 0, 0]).fired).toMatchObject({ reason: "converged", step: 2 });
  });

  it("maxSteps 1 fires on the first step", () => {
    expect(new EarlyStopController({ maxSteps: 1 }).update(0)).toMatchObject({ stop: true, reason: "max_steps", step: 0 });
  });
});

describe("after firing", () => {
  it("stays fired and ignores further means", () => {
    const c = new EarlyStopController({ patience: 1 });
    c.update(0);
    const fired = c.update(0);
    expect(c.stopped).toBe(true);
    expect(c.update(100)).toEqual({ stop: true, reason: "converged", step: fired.step, streak: 1 });
    expect(c.state().steps).toBe(2);
  });
});

describe("state (resume)", () => {
  it("round-trips through JSON and continues exactly where it left off", () => {
    const means = [0, 0.5, 0.55, 0.6, 0.62, 0.63, 0.64, 0.64, 0.65];
    const whole = new EarlyStopController({ patience: 5 });
    const a = new EarlyStopController({ patience: 5 });
    const wholeRun = run(whole, means);
    run(a, means.slice(0, 4));
    const b = EarlyStopController.fromState(JSON.parse(JSON.stringify(a.state())));
    const rest = run(b, means.slice(4));
    expect(rest.fired).toEqual(wholeRun.fired);
    expect(b.state()).toEqual(whole.state());
    expect(JSON.parse(JSON.stringify(new EarlyStopController().state()))).toEqual({ epsilon: 0.2, patience: 10, maxSteps: null, steps: 0, lastMean: null, streak: 0, fired: null });
  });

  it("rejects inconsistent states", () => {
    const ok = new EarlyStopController().state();
    expect(() => EarlyStopController.fromState({ ...ok, steps: 0, lastMean: 1 })).toThrow(/lastMean/);
    expect(() => EarlyStopController.fromState({ ...ok, steps: 2, lastMean: 1, streak: 5 })).toThrow(/streak/);
  });
});

describe("validation", () => {
  it("rejects bad options and non-finite means", () => {
    expect(() => new EarlyStopController({ epsilon: 0 })).toThrow(/epsilon/);
    expect(() => new EarlyStopController({ patience: 0 })).toThrow(/patience/);
    expect(() => new EarlyStopController({ maxSteps: 1.5 })).toThrow(/maxSteps/);
    expect(() => new EarlyStopController().update(Number.NaN)).toThrow(/finite mean reward for step 0/);
  });
});
