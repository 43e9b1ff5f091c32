import { describe, expect, it } from "vitest";
import { HashEmbedder, meanPairwiseCosineDistance, rowDiversity } from "@advfc/native-embed";
import { InvalidInputError } from "../errors.js";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { adversarialReward } from "./adversarial.js";
import { batchDiversity, queryModelRewards } from "./diversity.js";
import { fcOutputFromResponse, fcReward, scoreFcOutput } from "./fc.js";
import { checkSampleOutput, expectedShape, sampleCheckInput } from "./ground-truth.js";
import { createOutcomeRewardRegistry, DuplicateRewardError, RewardRegistry, UnknownRewardError } from "./registry.js";

describe("adversarialReward (Eq. 5)", () => {
  it.each([
    // judgePassed, fcCorrect, r_adv
    [true, false, 1],
    [true, true, -1],
    [false, false, -1],
    [false, true, -1],
    [false, undefined, -1],
  ] as const)("judge %s, fc correct %s → %d", (judgePassed, fcCorrect, expected) => {
    expect(adversarialReward({ judgePassed, ...(fcCorrect !== undefined ? { fcCorrect } : {}) })).toBe(expected);
  });

  it("uses configured values", () => {
    expect(adversarialReward({ judgePassed: true, fcCorrect: false }, { success: 3, failure: 0 })).toBe(3);
    expect(adversarialReward({ judgePassed: true, fcCorrect: true }, { success: 3, failure: 0 })).toBe(0);
  });

  it("needs the FC verdict when the judge passed", () => {
    expect(() => adversarialReward({ judgePassed: true })).toThrow(InvalidInputError);
  });
});

const tools = [{ name: "get_weather", parameters: { type: "dict", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] } }];
const base = { messages: [{ role: "user", content: "Weather in Paris?" }], tools, language: "python", source: { format: "advfc" } } as const;
const simple: Sample = SampleSchema.parse({ ...base, id: "s", category: "simple_python", expected: { calls: [{ name: "get_weather", args: { city: ["Paris"], days: [3, ""] } }] } });
const irrelevance: Sample = SampleSchema.parse({ ...base, id: "i", category: "irrelevance", expected: { abstain: true } });
const openaiCall = (args: object) => JSON.stringify([{ function: { name: "get_weather", arguments: JSON.stringify(args) } }]);

describe("fcReward (Eq. 7)", () => {
  it("is +1 on a match and −1 otherwise, values configurable", () => {
    expect(fcReward(true)).toBe(1);
    expect(fcReward(false)).toBe(-1);
    expect(fcReward(true, { match: 5 })).toBe(5);
    expect(fcReward(false, { mismatch: 0 })).toBe(0);
  });

  it.each([
    ["right call (openai)", { raw: openaiCall({ city: "Paris" }), mode: "openai" }, 1, undefined],
    ["optional arg given", { raw: openaiCall({ city: "Paris", days: 3 }), mode: "openai" }, 1, undefined],
    ["wrong value", { raw: openaiCall({ city: "Lyon" }), mode: "openai" }, -1, "value_error:string"],
    ["wrong type", { raw: openaiCall({ city: "Paris", days: "3" }), mode: "openai" }, -1, "type_error:simple"],
    ["text answer", { raw: "It is sunny.", mode: "openai" }, -1, "ast_decoder:decoder_failed"],
    ["prompt mode right", { raw: "[get_weather(city='Paris')]", mode: "prompt" }, 1, undefined],
    ["prompt mode missing arg", { raw: "[get_weather(days=3)]", mode: "prompt" }, -1, "simple_function_checker:missing_required"],
  ] as const)("scores %s with the BFCL checker", (_, output, reward, errorType) => {
    const r = scoreFcOutput(simple, output);
    expect(r.reward).toBe(reward);
    expect(r.check.errorType).toBe(errorType);
  });

  it("irrelevance: abstaining matches, calling does not", () => {
    expect(scoreFcOutput(irrelevance, { raw: "No tool fits.", mode: "openai" }).reward).toBe(1);
    expect(scoreFcOutput(irrelevance, { raw: openaiCall({ city: "Paris" }), mode: "openai" })).toMatchObject({ reward: -1, check: { outcome: "call" } });
  });

  it("fcOutputFromResponse turns tool_calls into checker input", () => {
    const resp = { content: "", toolCalls: [{ id: "c1", type: "function" as const, function: { name: "get_weather", arguments: '{"city": "Paris"}' } }], finishReason: "tool_calls", latencyMs: 1, attempts: 1, cached: false };
    expect(checkSampleOutput(simple, fcOutputFromResponse(resp)).valid).toBe(true);
    expect(fcOutputFromResponse({ ...resp, toolCalls: [], content: "hi" })).toEqual({ raw: "hi", mode: "openai" });
    expect(fcOutputFromResponse({ ...resp, content: "[get_weather(city='Paris')]" }, "prompt")).toEqual({ raw: "[get_weather(city='Paris')]", mode: "prompt" });
  });

  it("sampleCheckInput / expectedShape", () => {
    expect(sampleCheckInput(irrelevance).possibleAnswer).toBeNull();
    expect(expectedShape(simple)).toEqual({ kind: "calls", names: ["get_weather"] });
    expect(expectedShape(irrelevance)).toEqual({ kind: "abstain" });
  });
});

/** Mulberry32-driven gaussian-ish matrix, reproducible. */
function randomMatrix(n: number, d: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rnd() - 0.3;
  return x;
}

function naiveMeanDistance(x: Float32Array, d: number): number {
  const n = x.length / d;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let dot = 0, ni = 0, nj = 0;
      for (let k = 0; k < d; k++) {
        dot += x[i * d + k]! * x[j * d + k]!;
        ni += x[i * d + k]! ** 2;
        nj += x[j * d + k]! ** 2;
      }
      sum += 1 - dot / Math.sqrt(ni * nj);
      pairs++;
    }
  return pairs === 0 ? 0 : sum / pairs;
}

describe("diversity (Eq. 6)", () => {
  it.each([
    [2, 8, 1],
    [3, 16, 2],
    [17, 64, 3],
    [64, 384, 4],
  ])("mean_i rowDiversity_i = D (n=%i, d=%i)", async (n, d, seed) => {
    const x = randomMatrix(n, d, seed);
    const D = await meanPairwiseCosineDistance(x, d);
    const rows = await rowDiversity(x, d);
    const mean = rows.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - D)).toBeLessThan(1e-5);
    expect(Math.abs(D - naiveMeanDistance(x, d))).toBeLessThan(1e-5);
    const b = await batchDiversity(x, d, { alpha: 0.05 });
    expect(b.meanDistance).toBeCloseTo(D, 6);
    expect(b.term).toBeCloseTo(0.05 * D, 8);
    const shareMean = b.shares.reduce((a, v) => a + v, 0) / n;
    expect(Math.abs(shareMean - b.term)).toBeLessThan(1e-6);
  });

  it("batches of 0 and 1 have diversity 0", async () => {
    expect(await batchDiversity(new Float32Array(0), 4)).toMatchObject({ n: 0, meanDistance: 0, term: 0 });
    const one = await batchDiversity(new Float32Array([1, 2, 3, 4]), 4);
    expect(one).toMatchObject({ n: 1, meanDistance: 0, term: 0 });
    expect([...one.shares]).toEqual([0]);
  });

  it("identical rows have diversity 0; orthogonal rows 1", async () => {
    expect((await batchDiversity(new Float32Array([1, 0, 1, 0]), 2)).meanDistance).toBeCloseTo(0, 6);
    expect((await batchDiversity(new Float32Array([1, 0, 0, 1]), 2, { alpha: 1 })).term).toBeCloseTo(1, 6);
  });

  it("rejects a bad alpha or a ragged matrix", async () => {
    await expect(batchDiversity(new Float32Array(4), 2, { alpha: -1 })).rejects.toThrow(/alpha/);
    await expect(batchDiversity(new Float32Array(5), 2)).rejects.toThrow(/multiple of dim/);
  });

  it("queryModelRewards: r_adv + α·share_i, batch mean = E[r_adv] + α·D; failed rewrites excluded with share 0", async () => {
    const emb = new HashEmbedder({ dim: 64 });
    const texts = ["How warm is Paris today?", "Paris weather, now, in celsius please", "weather paris"];
    const m = await emb.embed(texts);
    const row = (i: number) => m.subarray(i * 64, (i + 1) * 64);
    const items = [
      { rJudge: 1, rAdv: 1, embedding: row(0) },
      { rJudge: 1, rAdv: -1, embedding: row(1) },
      { rJudge: -1, rAdv: -1, embedding: null }, // failed rewrite
      { rJudge: -1, rAdv: -1, embedding: row(2) },
    ];
    const r = await queryModelRewards(items, 64, { alpha: 0.05 });
    const D = await meanPairwiseCosineDistance(m, 64);
    expect(r.batch.n).toBe(3);
    expect(r.batch.meanDistance).toBeCloseTo(D, 6);
    expect(r.rewards[2]).toEqual({ rJudge: -1, rAdv: -1, diversity: 0, total: -1 });
    const rd = await rowDiversity(m, 64);
    expect(r.rewards[0]!.diversity).toBeCloseTo(0.05 * rd[0]!, 7);
    expect(r.rewards[0]!.total).toBeCloseTo(1 + 0.05 * rd[0]!, 7);
    expect(r.rewards[3]!.diversity).toBeCloseTo(0.05 * rd[2]!, 7);
    // Over the embedded items the identity holds exactly: mean share = α·D.
    const embeddedMean = [0, 1, 3].reduce((a, i) => a + r.rewards[i]!.diversity!, 0) / 3;
    expect(embeddedMean).toBeCloseTo(0.05 * D, 6);
    // Over all items the failed rewrite dilutes it by B'/B.
    expect(r.meanTotal).toBeCloseTo((1 - 1 - 1 - 1) / 4 + (0.05 * D * 3) / 4, 6);
  });

  it("queryModelRewards: empty batch, and a wrong embedding size", async () => {
    expect(await queryModelRewards([], 8)).toMatchObject({ rewards: [], meanTotal: 0, batch: { n: 0, term: 0 } });
    await expect(queryModelRewards([{ rJudge: 1, rAdv: 1, embedding: new Float32Array(3) }], 8)).rejects.toThrow(/8 floats/);
  });
});

describe("reward registry", () => {
  it("refuses duplicate names", () => {
    const reg = new RewardRegistry<() => number>().register("a", () => 1);
    expect(() => reg.register("a", () => 2)).toThrow(DuplicateRewardError);
    expect(reg.dispatch("a")).toBe(1);
  });

  it("the dispatcher names the unknown reward and the known ones", () => {
    const reg = createOutcomeRewardRegistry();
    expect(() => reg.dispatch("r_nope", {})).toThrow(UnknownRewardError);
    expect(() => reg.get("r_nope")).toThrow('Expected a registered reward (r_adv, r_fc, r_judge) but received "r_nope"');
  });

  it("built-ins follow Eq. 4, 5, 7", () => {
    const reg = createOutcomeRewardRegistry();
    expect(reg.dispatch("r_judge", { judgePassed: true })).toBe(1);
    expect(reg.dispatch("r_judge", { judgePassed: false })).toBe(-1);
    expect(reg.dispatch("r_adv", { judgePassed: true, fcCorrect: false })).toBe(1);
    expect(reg.dispatch("r_adv", { judgePassed: true, fcCorrect: true })).toBe(-1);
    expect(reg.dispatch("r_adv", { judgePassed: false })).toBe(-1);
    expect(reg.dispatch("r_fc", { fcCorrect: true })).toBe(1);
    expect(reg.dispatch("r_fc", { fcCorrect: false }, { failure: 0 })).toBe(0);
    expect(() => reg.dispatch("r_fc", {})).toThrow(/fcCorrect/);
  });
});
