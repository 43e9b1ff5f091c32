import { z } from "zod";
import { categoryLanguage, CategorySchema } from "./category.js";
import { ExpectedSchema } from "./expected.js";
import { LanguageSchema } from "./language.js";
import { MessageSchema } from "./message.js";
import { SourceSchema } from "./source.js";
import { ToolSchema } from "./tool.js";

/**
 * A seed (or rewritten) sample: a conversation ending in the user's request, the tools on
 * offer, and what a correct answer is.
 *
 * - `category` accepts v3 and v4 names and is always the v4 name after parsing.
 * - `language` must agree with a category that names one (`simple_java` → `java`, …).
 * - `meta` keeps the source record's fields advfc has no slot for, so nothing is lost, and
 *   advfc's own markers (`meta.relevance = true` on BFCL `live_relevance` samples).
 *
 * Unknown top-level keys are rejected (put them in `meta`).
 */
export const SampleSchema = z
  .strictObject({
    /** Unique within its dataset; BFCL ids are kept as they are (`simple_python_0`, `java_3`). */
    id: z.string().min(1),
    /** The conversation up to (not including) the answer the model must give. */
    messages: z.array(MessageSchema).min(1),
    tools: z.array(ToolSchema),
    expected: ExpectedSchema,
    category: CategorySchema,
    language: LanguageSchema,
    source: SourceSchema,
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((s, ctx) => {
    const named = /python|java/.test(s.category) ? categoryLanguage(s.category) : undefined;
    if (named !== undefined && named !== s.language) {
      ctx.addIssue({
        code: "custom",
        path: ["language"],
        message: `"${named}" (the language of category ${s.category})`,
        input: s.language,
      });
    }
  });

/** A sample after parsing (v4 category names). */
export type Sample = z.output<typeof SampleSchema>;
/** What {@link SampleSchema} accepts (v3 category names allowed). */
export type SampleInput = z.input<typeof SampleSchema>;
