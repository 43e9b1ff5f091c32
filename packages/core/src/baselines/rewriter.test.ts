import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { missingValues } from "./recoverable.js";
import { BanditRewriter, BASELINE_REWRITE_OPERATORS } from "./rewriter.js";

const seeds: Sample[] = readFileSync(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => SampleSchema.parse(JSON.parse(l)));
const flight = seeds.find((s) => s.id === "advfc_seed_multiple_009")!;

function withQuery(s: Sample, text: string): Sample {
  return { ...s, messages: [{ role: "user", content: text }] };
}

describe("operators", () => {
  const rw = new BanditRewriter();
  const weatherSeed = seeds.find((s) => s.category === "simple_python" && s.expected && "calls" in s.expected && s.expected.calls[0]?.name === "get_current_weather")!;
  const w = withQuery(weatherSeed, "What's the weather like in Paris right now?");
  (w.expected as { calls: Array<{ args: Record<string, unknown[]> }> }).calls[0]!.args = { location: ["Paris"], unit: ["", "celsius"] };

  it("each operator's output on an example", () => {
    expect(rw.applyOperator("paraphrase", w, 1)).toMatch(/^(Quick question: |Can you tell me |I'd like to know: |Help me out here, ).*Paris.*\?$/);
    expect(rw.applyOperator("indirect", w, 1)).toMatch(/^(I've been meaning to ask, |Something I was curious about: |I was wondering, )what's the weather like in Paris right now\?$/);
    expect(rw.applyOperator("distractor", w, 1)).toContain("What's the weather like in Paris right now?");
    expect(rw.applyOperator("drop-keyword", w, 1)).toBe("What's the like in Paris right now?");
    expect(rw.applyOperator("reorder", w, 1)).toBe("In Paris right now, what's the weather like?");
    const syn = rw.applyOperator("synonyms", w, 2);
    expect(syn).toBeDefined();
    expect(syn).not.toBe(w.messages[0]!.content);
    expect(syn).toContain("Paris");
    const typo = rw.applyOperator("typos", w, 5);
    expect(typo).toBeDefined();
    expect(typo).toContain("Paris");
    const n = withQuery(flight, "I need to fly Cairo to Lima on January 11, 2025 for 3 passengers in economy class; please book it.");
    expect(rw.applyOperator("number-words", n, 1)).toContain("for three passengers");
  });

  it("never loses a ground-truth value, on every seed and operator", () => {
    let applied = 0;
    for (const s of seeds) {
      for (const op of BASELINE_REWRITE_OPERATORS) {
        const out = rw.applyOperator(op, s, 7);
        if (out === undefined) continue;
        applied++;
        expect(missingValues(s, out)).toEqual([]);
      }
    }
    expect(applied).toBeGreaterThan(seeds.length * 4);
  });

  it("skips an operator that would destroy a value", () => {
    // "weather" is the value here, so dropping the keyword "weather" is not allowed.
    const s = withQuery(w, "Weather in Paris");
    (s.expected as { calls: Array<{ name: string; args: Record<string, unknown[]> }> }).calls = [{ name: "get_current_weather", args: { location: ["Weather in Paris"] } }];
    expect(rw.applyOperator("drop-keyword", s, 1)).toBeUndefined();
  });
});

describe("rewrite", () => {
  it("is deterministic per (iteration, step, sample, index)", async () => {
    const a = new BanditRewriter({ seed: 5 });
    const b = new BanditRewriter({ seed: 5 });
    const req = (index: number) => ({ sample: flight, iteration: 1, step: 2, index });
    const ra = await Promise.all([0, 1, 2, 3].map((i) => a.rewrite(req(i))));
    const rb = await Promise.all([0, 1, 2, 3].map((i) => b.rewrite(req(i))));
    expect(ra).toEqual(rb);
    expect(new Set(ra.map((r) => (r.ok ? r.rewrite : ""))).size).toBeGreaterThan(1);
    expect(ra.every((r) => r.ok && BASELINE_REWRITE_OPERATORS.includes(r.operator as never))).toBe(true);
  });
});

describe("EXP3 update", () => {
  it("shifts probability toward an operator that earns r_adv = +1", () => {
    const rw = new BanditRewriter({ gamma: 0.2 });
    const p0 = rw.probabilities();
    expect(p0.typos).toBeCloseTo(1 / BASELINE_REWRITE_OPERATORS.length);
    for (let step = 0; step < 30; step++) {
      rw.update([
        { operator: "typos", rAdv: 1, reward: 1 },
        { operator: "paraphrase", rAdv: -1, reward: -1 },
        { operator: "distractor", rAdv: -1, reward: -1 },
      ]);
    }
    const p1 = rw.probabilities();
    expect(p1.typos).toBeGreaterThan(0.5);
    expect(p1.paraphrase).toBeLessThan(p0.paraphrase!);
    expect(Object.values(p1).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    // γ keeps every operator explored.
    expect(Math.min(...Object.values(p1))).toBeGreaterThanOrEqual(0.2 / BASELINE_REWRITE_OPERATORS.length - 1e-12);
  });

  it("round-trips its state", async () => {
    const a = new BanditRewriter({ seed: 9 });
    a.update([{ operator: "synonyms", rAdv: 1, reward: 1 }]);
    const b = new BanditRewriter({ seed: 9 });
    b.restoreState(JSON.parse(JSON.stringify(a.saveState())));
    expect(b.probabilities()).toEqual(a.probabilities());
    const req = { sample: flight, iteration: 0, step: 0, index: 3 };
    expect(await b.rewrite(req)).toEqual(await a.rewrite(req));
    expect(() => new BanditRewriter({ operators: ["typos"] }).restoreState(a.saveState())).toThrow(/BanditRewriter state/);
  });
});
