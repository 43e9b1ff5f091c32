import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import type { ExpectedCall } from "../schema/expected.js";
import type { Language } from "../schema/language.js";
import { type Sample, SampleSchema } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { validate } from "../schema/validate.js";
import { inferCategory } from "./infer-category.js";
import { inputLabel, type JsonLinesInput, readJsonLines } from "./jsonl.js";
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

/** Options of {@link xlamToSample} and {@link readXlam}. */
export interface XlamOptions {
  /** Name for errors and `source.file`. */
  file?: string;
  /** Language of the calls. @default "python" */
  language?: Language;
  /** Prefix of generated ids for records without `id`. @default "xlam" */
  idPrefix?: string;
  /** Force a category (v3 or v4 spelling) instead of inferring it. */
  category?: string;
}

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
  const calls: ExpectedCall[] = answers.map((a, i) => {
    const args: Record<string, unknown[]> = {};
    for (const [k, v] of Object.entries(a.arguments ?? {})) args[k] = [v];
    // `/i/arguments/<param>/...` → `/<param>/0/...` (the value moved into a one-element list).
    const prefix = `/${i}/arguments/`;
    const pyFloats = answerFloats
      .filter((p) => p.startsWith(prefix))
      .map((p) => {
        const rest = p.slice(prefix.length);
        const slash = rest.indexOf("/");
        return slash < 0 ? `/${rest}/0` : `/${rest.slice(0, slash)}/0${rest.slice(slash)}`;
      });
    return pyFloats.length > 0 ? { name: a.name, args, pyFloats } : { name: a.name, args };
  });

  const language = options.language ?? "python";
  const expected: Sample["expected"] = calls.length === 0 ? { abstain: true } : { calls };
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!KNOWN.has(k)) meta[k] = v;
  const id = r.id === undefined ? `${options.idPrefix ?? "xlam"}_${line}` : String(r.id);

  return validate(
    SampleSchema,
    {
      id,
      messages: [{ role: "user", content: r.query }],
      tools,
      expected,
      category: options.category ?? inferCategory(expected, tools.length, language),
      language,
      source: {
        format: "xlam",
        ...(options.file !== undefined ? { file: options.file } : {}),
        line,
        ...(r.id !== undefined ? { id: String(r.id) } : {}),
      },
      ...(Object.keys(meta).length > 0 ? { meta } : {}),
    },
    { ...where, field: "sample" },
  );
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
export async function* readXlam(input: JsonLinesInput, options: XlamOptions & { signal?: AbortSignal } = {}): AsyncGenerator<ConvertItem> {
  const file = inputLabel(input, options.file);
  for await (const l of readJsonLines(input, { file, pyFloats: true, signal: options.signal })) {
    if (l.error) {
      yield { line: l.line, error: l.error };
      continue;
    }
    try {
      yield { line: l.line, sample: xlamToSample(l.value, l.line, { ...options, file }, l.floats) };
    } catch (e) {
      if (e instanceof InvalidInputError) yield { line: l.line, error: e };
      else throw e;
    }
  }
}
