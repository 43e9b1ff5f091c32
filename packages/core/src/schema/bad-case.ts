import { z } from "zod";
import { CategorySchema } from "./category.js";
import { RolloutSchema } from "./rollout.js";
import { SampleSchema } from "./sample.js";
import { SourceSchema } from "./source.js";

/**
 * A judge-valid rewrite the FC model got wrong (Algorithm 1, line 10), kept with its ground
 * truth and full provenance: `sample` is the adversarial sample itself (the rewritten
 * messages with the seed's tools and expected answer, `source.format: "advfc"`), `rollout`
 * everything decided about it, `seed` where it came from.
 *
 * Refinements: `rollout.reward.rAdv` is positive and `rollout.check.valid` is false.
 */
export const BadCaseSchema = z
  .looseObject({
    id: z.string().min(1),
    sample: SampleSchema,
    rollout: RolloutSchema,
    seed: z.looseObject({
      id: z.string().min(1),
      category: CategorySchema,
      source: SourceSchema,
    }),
  })
  .superRefine((b, ctx) => {
    if (!(b.rollout.reward.rAdv > 0)) {
      ctx.addIssue({ code: "custom", path: ["rollout", "reward", "rAdv"], message: "a positive r_adv (a bad case)", input: b.rollout.reward.rAdv });
    }
    if (b.rollout.check.valid) {
      ctx.addIssue({ code: "custom", path: ["rollout", "check", "valid"], message: "false (the FC model failed)", input: true });
    }
  });
export type BadCase = z.output<typeof BadCaseSchema>;
