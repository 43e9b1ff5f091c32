import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import type { Sample } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { validate } from "../schema/validate.js";
import { inferCategory } from "./infer-category.js";
import type { JsonLinesInput } from "./jsonl.js";
import { assembleSample, convertJsonLines, expectedCallFromArgs, floatsUnder, type RecordConvertOptions } from "./record.js";
import { parseJsonWithFloats } from "./python-json.js";
import type { ConvertItem } from "./result.js";

/**
 * xLAM function-calling data (Salesforce's xlam-function-calling-60k and look-alikes): one JSON
 * object per line, `{id?, query, tools, answers}`, where `tools` and `answers` may be JSON
 * strings (as in the original dataset) or arrays.
 *
 * - `query` → one user message.
 * - `tools`: `[{name, description, parameters}]`. xLAM's `parameters` maps each parameter name to
 *   `{type, description, default?}` with Python-ish type strings (`"str"`, `"List[int]"`,
 *   `"str, optional"`); it becomes `{type: "dict", properties: <those specs, verbatim>,
 *   required: [...]}` where a parameter is required unless its type string contains
 *   "optional" (xLAM puts `default` on required parameters too, so `default` decides nothing).
 *   Parameters that already look like JSON Schema (`type` a string and `properties` an
 *   object) are kept as they are.
 * - `answers`: `[{name, arguments: {...}}]` → expected calls, each argument value wrapped as a
 *   one-element allowed list (`{"x": 5}` → `{"x": [5]}`); no answers → `{abstain: true}`.
 * - category by {@link inferCategory}; language python unless told otherwise.
 * - `id` (string or number) → `id` and `source.id`; without one, `<idPrefix>_<line>`.
 * - every other field → `meta`.
 */

const XlamToolSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const XlamAnswerSchema = z.looseObject({
  name: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).optional(),
});

const XlamRecordSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  query: z.string(),
  tools: z.union([z.string(), z.array(z.unknown())]),
  answers: z.union([z.string(), z.array(z.unknown())]),
});

const KNOWN = new Set(["id", "query", "tools", "answers"]);

/** Options of {@link xlamToSample} and {@link readXlam} (`idPrefix` defaults to "xlam"). */
export type XlamOptions = RecordConvertOptions;

/**
 * Convert one xLAM record (see the module comment).
 * @param floats JSON Pointers of integral floats in `record` (from a Python-aware parse), so
 *   that `1.0` in an argument stays a float.
 * @throws {InvalidInputError} naming the file, line and field at fault.
 */
export function xlamToSample(record: unknown, line: number, options: XlamOptions = {}, floats: readonly string[] = []): Sample {
  const where = { file: options.file, line };
  const r = validate(XlamRecordSchema, record, { ...where, field: "record" });

  const rawTools = typeof r.tools === "string" ? parseEmbedded(r.tools, "tools", where).value : r.tools;
  const toolList = validate(z.array(XlamToolSchema), rawTools, { ...where, field: "tools" });
  const tools: Tool[] = toolList.map(xlamTool);

  let answerFloats: string[];
  let rawAnswers: unknown;
  if (typeof r.answers === "string") {
    const parsed = parseEmbedded(r.answers, "answers", where);
    rawAnswers = parsed.value;
    answerFloats = parsed.floats;
  } else {
    rawAnswers = r.answers;
    answerFloats = floats.filter((p) => p.startsWith("/answers/")).map((p) => p.slice("/answers".length));
  }
  const answers = validate(z.array(XlamAnswerSchema), rawAnswers, { ...where, field: "answers" });
  const calls = answers.map((a, i) => expectedCallFromArgs(a.name, a.arguments ?? {}, floatsUnder(answerFloats, `/${i}/arguments`)));
  return assembleSample("xlam", r, KNOWN, { messages: [{ role: "user", content: r.query }], tools, calls }, line, options);
}

function parseEmbedded(text: string, field: string, where: { file?: string; line: number }): { value: unknown; floats: string[] } {
  try {
    return parseJsonWithFloats(text);
  } catch (e) {
    throw new InvalidInputError(`Expected a JSON array (as a string) for ${field} but received malformed JSON: ${(e as Error).message.replace(/^json: /, "")}`, where);
  }
}

function xlamTool(t: z.output<typeof XlamToolSchema>): Tool {
  const { name, description, parameters, ...rest } = t;
  const params = parameters ?? {};
  const isJsonSchema = typeof params.type === "string" && typeof params.properties === "object" && params.properties !== null;
  const required = Object.entries(params)
    .filter(([, spec]) => !/optional/i.test(String((spec as { type?: unknown } | null)?.type ?? "")))
    .map(([k]) => k);
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    parameters: isJsonSchema ? params : { type: "dict", properties: params, required },
    ...rest,
  };
}

/**
 * Stream an xLAM JSON Lines file (`"-"` = stdin) as samples; malformed lines are yielded as
 * errors and reading goes on.
 */
export function readXlam(input: JsonLinesInput, options: XlamOptions & { signal?: AbortSignal } = {}): AsyncGenerator<ConvertItem> {
  return convertJsonLines(input, { file: options.file, signal: options.signal, pyFloats: true }, (value, line, file, floats) =>
    xlamToSample(value, line, { ...options, file }, floats),
  );
}
