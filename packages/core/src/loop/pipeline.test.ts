/**
 * The pieces of one query-model step (Algorithm 1, lines 6–10) composed by hand, as
 * iteration.ts will: prompt → rewrite → judge (Eq. 4) → FC check (Eq. 7) → r_adv (Eq. 5) →
 * diversity (Eq. 6) → rollouts → bad cases → early stop. The models are scripted in-process test
 * doubles of hosted models.
 */
import { describe, expect, it } from "vitest";
import { HashEmbedder } from "@advfc/native-embed";
import type { ChatModel, ChatRequest, ChatResponse } from "../models/chat-model.js";
import { adversarialReward } from "../rewards/adversarial.js";
import { queryModelRewards } from "../rewards/diversity.js";
import { fcOutputFromResponse, scoreFcOutput } from "../rewards/fc.js";
import { TwoStageJudge } from "../rewards/judge.js";
import type { Rollout } from "../schema/rollout.js";
import { SampleSchema, type Sample } from "../schema/sample.js";
import { BadCaseCollector } from "./collector.js";
import { StageSampler } from "./curriculum.js";
import { EarlyStopController } from "./early-stop.js";
import { parseRewriteReply, queryModelPrompt, rewrittenMessages } from "./prompts.js";

/** A test double of a hosted model: answers by a function of the request. */
function fakeModel(name: string, answer: (req: ChatRequest) => Partial<ChatResponse>): ChatModel {
  return {
    name,
    chat: async (req) => ({ content: "", toolCalls: [], finishReason: "stop", latencyMs: 1, attempts: 1, cached: false, ...answer(req) }),
  };
}

const tools = [{ name: "get_weather", parameters: { type: "dict", properties: { city: { type: "string" } }, required: ["city"] } }];
const seeds: Sample[] = ["Paris", "Lyon", "Nice", "Lille"].map((city, i) =>
  SampleSchema.parse({
    id: `simple_python_${i}`,
    messages: [{ role: "user", content: `What's the weather in ${city}?` }],
    tools,
    expected: { calls: [{ name: "get_weather", args: { city: [city] } }] },
    category: "simple_python",
    language: "python",
    source: { format: "bfcl-v4" },
  }),
);
const cityOf = (text: string) => /Paris|Lyon|Nice|Lille/.exec(text)?.[0] ?? "";

describe("one query-model step", () => {
  it("turns rewrites into rewards, rollouts and bad cases", async () => {
    // Query model: a chatty rewrite for three seeds, nothing usable for Lille.
    const query = fakeModel("query", (req) => {
      const city = cityOf(req.messages[1]!.content.split("rewrite this)")[1]!);
      return { content: city === "Lille" ? "<think>hmm" : `<think>x</think>Rewritten query: "${city} — is it hot out there today, roughly?"` };
    });
    // Judge: calls the tool; stage 2 says fine.
    const judge = new TwoStageJudge({
      model: fakeModel("judge", (req) =>
        req.tools ? { toolCalls: [{ type: "function", function: { name: "get_weather", arguments: "{}" } }] } : { content: '{"keeps_key_fields": true, "user_perspective": true, "reason": "ok"}' },
      ),
    });
    // FC model: gets Nice wrong (answers Paris), the others right.
    const fc = fakeModel("fc", (req) => {
      const city = cityOf(req.messages.at(-1)!.content);
      return { toolCalls: [{ type: "function", function: { name: "get_weather", arguments: JSON.stringify({ city: city === "Nice" ? "Paris" : city }) } }] };
    });

    const batch = new StageSampler(seeds, undefined, { seed: 1 }).next(4);
    expect(new Set(batch.map((s) => s.id)).size).toBe(4);
    const embedder = new HashEmbedder({ dim: 128 });
    const partial = [];
    for (const sample of batch) {
      const reply = await query.chat({ messages: queryModelPrompt(sample) });
      const parsed = parseRewriteReply(reply.content);
      if (!parsed.ok) {
        partial.push({ sample, rewrite: "", judge: { toolMatch: { passed: false, reason: `rewrite failed: ${parsed.reason}` } }, rJudge: -1, rAdv: -1, check: { valid: false, outcome: "unparseable" as const }, fcRaw: "" });
        continue;
      }
      const j = await judge.judge({ sample, rewrite: parsed.rewrite });
      const out = fcOutputFromResponse(await fc.chat({ messages: rewrittenMessages(sample, parsed.rewrite), tools: sample.tools }));
      const { check } = scoreFcOutput(sample, out);
      const rAdv = adversarialReward({ judgePassed: j.passed, fcCorrect: check.valid });
      partial.push({ sample, rewrite: parsed.rewrite, judge: j.result, rJudge: j.rJudge, rAdv, check, fcRaw: out.raw });
    }
    const okRows = partial.filter((p) => p.rewrite !== "");
    const m = await embedder.embed(okRows.map((p) => p.rewrite));
    let k = 0;
    const { rewards, meanTotal } = await queryModelRewards(
      partial.map((p) => ({ rJudge: p.rJudge, rAdv: p.rAdv, embedding: p.rewrite === "" ? null : m.subarray(k * 128, ++k * 128) })),
      128,
    );
    const rollouts: Rollout[] = partial.map((p, i) => ({
      id: `it0-s0-${i}`,
      seedId: p.sample.id,
      iteration: 0,
      step: 0,
      rewrite: p.rewrite,
      judge: p.judge,
      fc: { raw: p.fcRaw, mode: "openai" },
      check: p.check,
      reward: rewards[i]!,
    }));

    const byCity = Object.fromEntries(rollouts.map((r) => [cityOf(seeds.find((s) => s.id === r.seedId)!.messages[0]!.content), r]));
    expect(byCity.Nice!.reward.rAdv).toBe(1);
    expect(byCity.Paris!.reward.rAdv).toBe(-1);
    expect(byCity.Lille!.reward).toEqual({ rJudge: -1, rAdv: -1, diversity: 0, total: -1 });
    expect(byCity.Paris!.reward.diversity).toBeGreaterThan(0);

    const collector = new BadCaseCollector({ seeds, embedder });
    const { added, report } = await collector.add(rollouts);
    expect(report).toMatchObject({ considered: 4, candidates: 1, kept: 1 });
    expect(added[0]!.sample.messages[0]!.content).toBe("Nice — is it hot out there today, roughly?");
    expect(added[0]!.rollout.check.errorType).toBe("value_error:string");

    const stop = new EarlyStopController({ patience: 1 });
    expect(stop.update(meanTotal).stop).toBe(false);
  });
});
