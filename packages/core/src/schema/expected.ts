import { z } from "zod";
import { resolveJsonPointer } from "./json-pointer.js";

/**
 * The allowed values of one parameter, with BFCL's possible-answer semantics: the output's
 * value must equal one of them (after BFCL's normalisation); `""` in the list means the
 * parameter may be omitted; an empty list allows nothing. For a dict-typed parameter each
 * option is itself an object `{key: [allowed values]}`; for a list of dicts, a list of such
 * objects.
 */
export const AllowedValuesSchema = z.array(z.unknown());
export type AllowedValues = z.output<typeof AllowedValuesSchema>;

/**
 * One expected call: the function name and, per parameter, its allowed values.
 *
 * `pyFloats` exists because JSON (and JavaScript numbers) cannot tell Python's `50.0` from
 * `50`, while BFCL's type checker can (an answer's type decides whether a value is compared
 * as a "variable"). It lists JSON Pointers, relative to `args`, of the integral numbers that
 * are Python floats in the source, e.g. `["/radius/0"]` for BFCL's `{"radius": [50.0]}`.
 * Non-integral numbers are always floats and are not listed. Absent = no integral floats.
 * {@link expectedCallToPy} builds the Python values with this applied.
 */
export const ExpectedCallSchema = z
  .strictObject({
    name: z.string().min(1),
    args: z.record(z.string(), AllowedValuesSchema),
    pyFloats: z.array(z.string().startsWith("/")).optional(),
  })
  .superRefine((call, ctx) => {
    call.pyFloats?.forEach((pointer, i) => {
      const v = resolveJsonPointer(call.args, pointer);
      if (typeof v !== "number" || !Number.isInteger(v)) {
        ctx.addIssue({
          code: "custom",
          path: ["pyFloats", i],
          message: "a JSON Pointer to an integral number inside args",
          input: pointer,
        });
      }
    });
  });
export type ExpectedCall = z.output<typeof ExpectedCallSchema>;

/** The sample's model answer should be these calls (order-free for parallel categories). */
export const ExpectedCallsSchema = z.strictObject({ calls: z.array(ExpectedCallSchema) });
/** The model should call nothing (BFCL's irrelevance categories). */
export const ExpectedAbstainSchema = z.strictObject({ abstain: z.literal(true) });

/**
 * What a correct answer is: `{calls: [...]}` or `{abstain: true}`.
 *
 * BFCL's `live_relevance` category has no ground truth (any call passes); advfc represents it
 * as `{calls: []}` on a sample whose `category` is `live_relevance` and whose
 * `meta.relevance` is `true`. Checkers must dispatch on the category for it, as BFCL does.
 */
export const ExpectedSchema = z.union([ExpectedCallsSchema, ExpectedAbstainSchema], {
  error: "{calls: [{name, args}]} or {abstain: true}",
});
export type Expected = z.output<typeof ExpectedSchema>;
export type ExpectedCalls = z.output<typeof ExpectedCallsSchema>;
export type ExpectedAbstain = z.output<typeof ExpectedAbstainSchema>;
