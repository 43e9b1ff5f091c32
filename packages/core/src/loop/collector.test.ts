import { describe, expect, it } from "vitest";
import { HashEmbedder } from "@advfc/native-embed";
import { BadCaseSchema } from "../schema/bad-case.js";
import type { Rollout } from "../schema/rollout.js";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { BadCaseCollector, isBadCaseRollout, normalizeForDedup } from "./collector.js";

const seed: Sample = SampleSchema.parse({
  id: "simple_python_7",
  messages: [{ role: "user", content: "What's the weather in Paris in celsius?" }],
  tools: [{ name: "get_weather", parameters: { type: "dict", properties: { city: { type: "string" } }, required: ["city"] } }],
  expected: { calls: [{ name: "get_weather", args: { city: ["Paris"] } }] },
  category: "simple_python",
  language: "python",
  source: { format: "bfcl-v4", file: "BFCL_v4_simple_python.json", line: 8, id: "simple_python_7" },
});
const poem: Sample = SampleSchema.parse({ ...seed, id: "irrelevance_3", messages: [{ role: "user", content: "Write me a poem about autumn." }], expected: { abstain: true }, category: "irrelevance" });

type Kind = "bad" | "fc-right" | "judge1-fail" | "judge2-fail";
let counter = 0;
function rollout(rewrite: string, kind: Kind = "bad", step = 0, seedId = seed.id): Rollout {
  const judgePassed = kind === "bad" || kind === "fc-right";
  const fcValid = kind === "fc-right";
  return {
    id: `r${counter++}`,
    seedId,
    iteration: 1,
    step,
    rewrite,
    judge: {
      toolMatch: { passed: kind !== "judge1-fail", reason: "judge called [get_weather], the ground truth's tools", calledNames: ["get_weather"] },
      ...(kind === "judge1-fail" ? {} : { reasoning: { passed: kind !== "judge2-fail", reason: "keeps the city; user's voice" } }),
    },
    fc: { raw: '[{"function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Lyon\\"}"}}]', mode: "openai" },
    check: fcValid ? { valid: true, outcome: "call" } : { valid: false, errorType: "value_error:string", errors: ["Invalid value for parameter 'city'"], outcome: "call" },
    reward: { rJudge: judgePassed ? 1 : -1, rAdv: judgePassed && !fcValid ? 1 : -1, diversity: 0.01, total: (judgePassed && !fcValid ? 1 : -1) + 0.01 },
  };
}

describe("normalizeForDedup", () => {
  it("applies NFKC, case folding and whitespace collapsing", () => {
    expect(normalizeForDedup("  Ｔｅｌｌ   me\tHOW\n warm ")).toBe("tell me how warm");
  });
});

describe("isBadCaseRollout", () => {
  it("needs both judge stages passed and a failed check", () => {
    expect(isBadCaseRollout(rollout("x"))).toBe(true);
    expect(isBadCaseRollout(rollout("x", "fc-right"))).toBe(false);
    expect(isBadCaseRollout(rollout("x", "judge1-fail"))).toBe(false);
    expect(isBadCaseRollout(rollout("x", "judge2-fail"))).toBe(false);
  });
});

describe("BadCaseCollector", () => {
  it("keeps judge-valid FC failures and drops duplicates by reason", async () => {
    const c = new BadCaseCollector({ seeds: [seed, poem], embedder: new HashEmbedder() });
    const step0 = [
      rollout("What is the weather like in Paris today, in celsius please?"), // kept
      rollout("What is the weather like in Paris today, in celsius, please?"), // near_duplicate of the first (cos 0.97 with hash)
      rollout("Is Paris warm?", "fc-right"), // FC right: no bad case
      rollout("Is Lyon warm?", "judge1-fail"),
      rollout("As the assistant, I call get_weather.", "judge2-fail"),
      rollout("what's the weather in PARIS   in celsius?"), // exact_seed
      rollout("What's the weather in Paris in celsius??"), // near_seed (cos 0.98)
      rollout("Tell me how warm it is in Paris right now."), // kept
      rollout("  Ｔｅｌｌ me how warm it is in paris right NOW. "), // exact_duplicate (NFKC + case + spaces)
    ];
    const first = await c.add(step0);
    expect(first.report).toEqual({ considered: 9, candidates: 6, kept: 2, dropped: { exact_seed: 1, exact_duplicate: 1, near_seed: 1, near_duplicate: 1 } });
    expect(first.added.map((b) => b.rollout.rewrite)).toEqual(["What is the weather like in Paris today, in celsius please?", "Tell me how warm it is in Paris right now."]);

    const second = await c.add([
      rollout("Tell me how warm it is in Paris right now.", "bad", 1), // exact_duplicate of a kept one
      rollout("What is the weather like in Paris today, in celsius, please?", "bad", 1), // near_duplicate of a kept one
      rollout("Paris: temperature now (°C)?", "bad", 1), // kept
    ]);
    expect(second.report).toEqual({ considered: 3, candidates: 3, kept: 1, dropped: { exact_seed: 0, exact_duplicate: 1, near_seed: 0, near_duplicate: 1 } });
    expect(c.report).toEqual({ considered: 12, candidates: 9, kept: 3, dropped: { exact_seed: 1, exact_duplicate: 2, near_seed: 1, near_duplicate: 2 } });
    expect(c.badCases).toHaveLength(3);
  });

  it("keeps full provenance in a schema-valid BadCase", async () => {
    const c = new BadCaseCollector({ seeds: [seed], embedder: new HashEmbedder() });
    const r = rollout("Paris, how hot, celsius — go.", "bad", 4);
    const { added } = await c.add([r]);
    const b = added[0]!;
    expect(BadCaseSchema.safeParse(b).success).toBe(true);
    expect(b.id).toBe(`adv-${r.id}`);
    expect(b.sample).toMatchObject({
      messages: [{ role: "user", content: "Paris, how hot, celsius — go." }],
      tools: seed.tools,
      expected: seed.expected,
      category: "simple_python",
      source: { format: "advfc", id: seed.id },
      meta: { seed_id: seed.id, rollout_id: r.id, iteration: 1, step: 4 },
    });
    expect(b.seed).toEqual({ id: seed.id, category: "simple_python", source: seed.source });
    expect(b.rollout).toMatchObject({
      seedId: seed.id,
      iteration: 1,
      step: 4,
      judge: { toolMatch: { passed: true, calledNames: ["get_weather"] }, reasoning: { passed: true, reason: "keeps the city; user's voice" } },
      fc: { raw: expect.stringContaining("Lyon") },
      check: { valid: false, errorType: "value_error:string" },
      reward: { rJudge: 1, rAdv: 1, diversity: 0.01 },
    });
  });

  it("a threshold above 1 turns near-duplicate dropping off (exact dedup stays)", async () => {
    const c = new BadCaseCollector({ seeds: [seed], embedder: new HashEmbedder(), threshold: 1.01 });
    const { report } = await c.add([
      rollout("What is the weather like in Paris today, in celsius please?"),
      rollout("What is the weather like in Paris today, in celsius, please?"),
      rollout("What's the weather in Paris in celsius??"),
      rollout("what's the weather in paris in celsius?"),
    ]);
    expect(report).toMatchObject({ kept: 3, dropped: { exact_seed: 1, near_seed: 0, near_duplicate: 0 } });
  });

  it("a chain of near-duplicates keeps the first and drops those near a kept one", async () => {
    const c = new BadCaseCollector({ seeds: [seed, poem], embedder: new HashEmbedder() });
    const { report, added } = await c.add([
      rollout("What is the weather like in Paris today, in celsius please?"),
      rollout("What is the weather like in Paris today, in celsius, please?"),
      rollout("What is the weather like in Paris today, in celsius please?!"),
    ]);
    expect(added).toHaveLength(1);
    expect(report.dropped.near_duplicate).toBe(2);
  });

  it("embeds nothing when no rollout is a bad case", async () => {
    let calls = 0;
    const inner = new HashEmbedder();
    const embedder = { ...inner, dim: inner.dim, name: inner.name, description: inner.description, dispose: () => inner.dispose(), embed: (t: readonly string[]) => (calls++, inner.embed(t)) };
    const c = new BadCaseCollector({ seeds: [seed], embedder });
    expect((await c.add([rollout("x", "fc-right"), rollout("y", "judge1-fail")])).report).toMatchObject({ considered: 2, candidates: 0, kept: 0 });
    expect(calls).toBe(0);
  });

  it("rejects unknown seeds, duplicate seed ids, and inconsistent rewards", async () => {
    const c = new BadCaseCollector({ seeds: [seed], embedder: new HashEmbedder() });
    await expect(c.add([rollout("x", "bad", 0, "nope")])).rejects.toThrow(/known seed id .* "nope"/);
    expect(() => new BadCaseCollector({ seeds: [seed, seed], embedder: new HashEmbedder() })).toThrow(/unique seed ids/);
    const bad = rollout("A fresh rewrite about Paris");
    bad.reward.rAdv = -1;
    await expect(c.add([bad])).rejects.toThrow(/consistent bad case/);
  });
});
