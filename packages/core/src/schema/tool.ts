import { z } from "zod";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A tool's parameter schema: a JSON-Schema-like object, kept exactly as the source wrote it.
 * BFCL's dialect (`type: "dict"`, `"float"`, `"tuple"`, `"any"`, Java and JavaScript type names
 * such as `"ArrayList"` or `"HashMap"`) is not normalised, because the checker decides types by
 * these names, as BFCL does. Only the shape of the three keys the checker reads is validated:
 * `type` is a string, `properties` an object of objects, `required` a list of names. The key
 * order of the source is kept (prompts render tools as JSON text, so order is visible to models).
 */
export const ToolParametersSchema = z.record(z.string(), z.unknown()).superRefine((p, ctx) => {
  if ("type" in p && typeof p.type !== "string") {
    ctx.addIssue({ code: "custom", path: ["type"], message: "a type name (string)", input: p.type });
  }
  if ("properties" in p) {
    if (!isPlainObject(p.properties)) {
      ctx.addIssue({ code: "custom", path: ["properties"], message: "an object of parameter schemas", input: p.properties });
    } else {
      for (const [name, schema] of Object.entries(p.properties)) {
        if (!isPlainObject(schema)) {
          ctx.addIssue({ code: "custom", path: ["properties", name], message: "a parameter schema (object)", input: schema });
        }
      }
    }
  }
  if ("required" in p && !(Array.isArray(p.required) && p.required.every((r) => typeof r === "string"))) {
    ctx.addIssue({ code: "custom", path: ["required"], message: "a list of parameter names", input: p.required });
  }
});
export type ToolParameters = z.output<typeof ToolParametersSchema>;

/**
 * A tool (function) the model may call, OpenAI-style: `{name, description?, parameters}`.
 * Unknown keys (e.g. OpenAI's `strict`) are kept.
 */
export const ToolSchema = z.looseObject({
  /** The function name, exactly as calls must spell it (BFCL names may contain dots). */
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: ToolParametersSchema,
});
export type Tool = z.output<typeof ToolSchema>;
