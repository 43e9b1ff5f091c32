import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { BadCase } from "../schema/bad-case.js";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { checkSampleOutput } from "../rewards/ground-truth.js";
import { baselineRewrittenSample, LexicalFunctionCaller } from "./lexical-fc.js";
import { BanditRewriter } from "./rewriter.js";
import { baselineHash } from "./rng.js";
import { BaselineFcTrainer, NoneTrainer } from "./trainer.js";

const seeds: Sample[] = readFileSync(new URL("../../../../examples/seeds/seeds.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => SampleSchema.parse(JSON.parse(l)));

function badCase(sample: Sample, seed: Sample, raw: string): BadCase {
  return {
    id: `bad-${sample.id}`,
    sample: { ...sample, source: { format: "advfc" } },
    rollout: {
      id: "r",
      seedId: seed.id,
      iteration: 0,
      step: 0,
      rewrite: sample.messages[0]!.content,
      judge: { toolMatch: { passed: true, reason: "" } },
      fc: { raw, mode: "prompt" },
      check: { valid: false, outcome: "call" },
      reward: { rJudge: 1, rAdv: 1, total: 1 },
    },
    seed: { id: seed.id, category: seed.category, source: seed.source },
  };
}

describe("BaselineFcTrainer", () => {
  it("refits a copy on bad cases + seeds and reports accuracy before / after", async () => {
    const fc = new LexicalFunctionCaller();
    fc.fit(seeds);
    const rw = new BanditRewriter();
    const bad: BadCase[] = [];
    for (const s of seeds) {
      for (const op of ["drop-keyword", "synonyms", "typos"] as const) {
        const r = rw.applyOperator(op, s, baselineHash(op + s.id));
        if (r === undefined) continue;
        const rs = baselineRewrittenSample(s, r);
        const out = fc.answerSync(rs);
        if (!checkSampleOutput(rs, out).valid) bad.push(badCase(rs, s, out.raw));
      }
    }
    expect(bad.length).toBeGreaterThan(5);
    const { fc: next, summary } = await new BaselineFcTrainer().train({ fc, badCases: bad, seeds, iteration: 0, workDir: "/nonexistent" });
    console.log("baseline trainer summary:", JSON.stringify(summary));
    expect(next).not.toBe(fc);
    expect(summary.badCaseAccuracyBefore).toBe(0);
    expect(summary.badCaseAccuracyAfter as number).toBeGreaterThan(0.3);
    expect(summary).toMatchObject({ trainer: "baseline", badCases: bad.length, seeds: seeds.length, examples: 2 * bad.length + seeds.length, startedFresh: false });
  });

  it("NoneTrainer keeps the model", async () => {
    const fc = new LexicalFunctionCaller();
    const r = await new NoneTrainer().train({ fc, badCases: [], seeds, iteration: 2, workDir: "/x" });
    expect(r.fc).toBe(fc);
    expect(r.summary).toEqual({ trainer: "none", iteration: 2, badCases: 0 });
  });
});
