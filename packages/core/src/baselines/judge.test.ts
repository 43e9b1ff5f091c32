import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { BaselineJudge } from "./judge.js";
import { BanditRewriter, BASELINE_REWRITE_OPERATORS } from "./rewriter.js";
import { baselineHash } from "./rng.js";

const seeds: Sample[] = readFileSync(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => SampleSchema.parse(JSON.parse(l)));
const judge = new BaselineJudge({ seeds });
const flight = seeds.find((s) => s.id === "advfc_seed_multiple_009")!;
const irrelevant = seeds.find((s) => s.category === "irrelevance")!;

describe("BaselineJudge", () => {
  it("passes the seed query itself (stage 1 and 2)", () => {
    const d = judge.judgeSync(flight, flight.messages[0]!.content);
    expect(d.passed).toBe(true);
    expect(d.rJudge).toBe(1);
    expect(d.result.toolMatch.calledNames).toEqual(["book_flight"]);
    expect(d.result.reasoning).toMatchObject({ passed: true, keepsKeyFields: true, userPerspective: true });
  });

  it("stage 2 fails when a value is dropped", () => {
    const d = judge.judgeSync(flight, "I need to fly Cairo to Lima for three passengers in economy class; please book it.");
    expect(d.result.toolMatch.passed).toBe(true);
    expect(d.result.reasoning).toMatchObject({ passed: false, keepsKeyFields: false, userPerspective: true });
    expect(d.result.reasoning?.reason).toContain("book_flight.date");
    expect(d.rJudge).toBe(-1);
  });

  it("stage 2 accepts numbers as words and dates in another form", () => {
    const d = judge.judgeSync(flight, "Please book a flight Cairo to Lima, 2025-01-11, for 3 passengers in economy class.");
    expect(d.passed).toBe(true);
  });

  it("stage 2 fails in the assistant's voice", () => {
    for (const text of [
      "Sure, here is the rewritten query: fly Cairo to Lima on January 11, 2025 for three passengers in economy class.",
      "As an AI, I will book Cairo to Lima on January 11, 2025 for three passengers in economy class.",
      "Rewritten query: book a flight Cairo to Lima on January 11, 2025 for three passengers in economy class.",
    ]) {
      const d = judge.judgeSync(flight, text);
      expect(d.passed).toBe(false);
      if (d.result.reasoning) expect(d.result.reasoning.userPerspective).toBe(false);
    }
  });

  it("stage 2 fails for an absurd length", () => {
    const d = judge.judgeSync(flight, `${flight.messages[0]!.content} ${"blah ".repeat(200)}`);
    expect(d.result.reasoning?.keepsKeyFields).toBe(false);
    expect(d.result.reasoning?.reason).toMatch(/too long/);
  });

  it("stage 1 fails when the rewrite asks for another tool, and skips stage 2", () => {
    const d = judge.judgeSync(flight, "What's the weather in Cairo right now?");
    expect(d.result.toolMatch.passed).toBe(false);
    expect(d.result.reasoning).toBeUndefined();
  });

  it("stage 1 on irrelevance: passes with no call, fails when the rewrite becomes answerable", () => {
    expect(judge.judgeSync(irrelevant, irrelevant.messages[0]!.content).result.toolMatch.passed).toBe(true);
    const t = irrelevant.tools[0]!;
    const answerable = seeds.find((s) => s.category === "simple_python" && s.tools[0]?.name === t.name)!;
    expect(judge.judgeSync(irrelevant, answerable.messages[0]!.content).result.toolMatch.passed).toBe(false);
  });

  it("passes most baseline rewrites of the seeds, not all", () => {
    const rw = new BanditRewriter();
    let total = 0;
    let passed = 0;
    const byOp: Record<string, string> = {};
    for (const op of BASELINE_REWRITE_OPERATORS) {
      let n = 0;
      let p = 0;
      for (const s of seeds) {
        const r = rw.applyOperator(op, s, baselineHash(s.id + op));
        if (r === undefined) continue;
        n++;
        if (judge.judgeSync(s, r).passed) p++;
      }
      byOp[op] = `${p}/${n}`;
      total += n;
      passed += p;
    }
    console.log("baseline judge pass rate on baseline rewrites of the seeds:", `${passed}/${total}`, JSON.stringify(byOp));
    expect(passed / total).toBeGreaterThan(0.7);
    expect(passed / total).toBeLessThan(1);
  });
});
