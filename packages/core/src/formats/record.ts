import { InvalidInputError } from "../errors.js";
import type { ExpectedCall } from "../schema/expected.js";
import type { Language } from "../schema/language.js";
import type { Message } from "../schema/message.js";
import { type Sample, SampleSchema } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { validate } from "../schema/validate.js";
import { inferCategory } from "./infer-category.js";
import { inputLabel, type JsonLinesInput, readJsonLines } from "./jsonl.js";
import type { ConvertItem } from "./result.js";

/** What the record-per-line converters (xLAM, OpenAI chat logs) share. */

/** Options of a record converter. */
export interface RecordConvertOptions {
  /** Name for errors and `source.file`. */
  file?: string;
  /** Language of the calls. @default "python" */
  language?: Language;
  /** Prefix of generated ids for records without `id`. @default the format's name */
  idPrefix?: string;
  /** Force a category (v3 or v4 spelling) instead of inferring it. */
  category?: string;
}

/**
 * Stream JSON Lines through `convert`, one {@link ConvertItem} per line; a line that fails to
 * parse or to convert (an {@link InvalidInputError}) becomes an error item and the rest go on.
 */
export async function* convertJsonLines(
  input: JsonLinesInput,
  options: { file?: string; signal?: AbortSignal; pyFloats?: boolean },
  convert: (value: unknown, line: number, file: string, floats: readonly string[]) => Sample,
): AsyncGenerator<ConvertItem> {
  const file = inputLabel(input, options.file);
  for await (const l of readJsonLines(input, { file, signal: options.signal, pyFloats: options.pyFloats ?? false })) {
    if (l.error) {
      yield { line: l.line, error: l.error };
      continue;
    }
    try {
      yield { line: l.line, sample: convert(l.value, l.line, file, l.floats ?? []) };
    } catch (e) {
      if (e instanceof InvalidInputError) yield { line: l.line, error: e };
      else throw e;
    }
  }
}

/**
 * One expected call from concrete arguments: each value becomes a one-element allowed list, and
 * the integral-float pointers (relative to the arguments object, `/<param>/...`) follow it into
 * the list (`/<param>/0/...`).
 */
export function expectedCallFromArgs(name: string, obj: Readonly<Record<string, unknown>>, floats: readonly string[]): ExpectedCall {
  const args: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(obj)) args[k] = [v];
  const pyFloats = floats.map((p) => {
    const rest = p.slice(1);
    const slash = rest.indexOf("/");
    return slash < 0 ? `/${rest}/0` : `/${rest.slice(0, slash)}/0${rest.slice(slash)}`;
  });
  return pyFloats.length > 0 ? { name, args, pyFloats } : { name, args };
}

/** Pointers under `prefix` (e.g. `/answers/0/arguments`), made relative to it. */
export function floatsUnder(floats: readonly string[], prefix: string): string[] {
  return floats.filter((p) => p.startsWith(prefix + "/")).map((p) => p.slice(prefix.length));
}

/**
 * Assemble and validate a sample: `id` from the record or `<idPrefix>_<line>`, the category
 * inferred unless forced, `source`, and every record field not in `known` under `meta`.
 */
export function assembleSample(
  format: "xlam" | "openai",
  record: Readonly<Record<string, unknown>> & { id?: string | number | undefined },
  known: ReadonlySet<string>,
  parts: { messages: Message[]; tools: Tool[]; calls: ExpectedCall[] },
  line: number,
  options: RecordConvertOptions,
): Sample {
  const language = options.language ?? "python";
  const expected: Sample["expected"] = parts.calls.length === 0 ? { abstain: true } : { calls: parts.calls };
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!known.has(k)) meta[k] = v;
  return validate(
    SampleSchema,
    {
      id: record.id === undefined ? `${options.idPrefix ?? format}_${line}` : String(record.id),
      messages: parts.messages,
      tools: parts.tools,
      expected,
      category: options.category ?? inferCategory(expected, parts.tools.length, language),
      language,
      source: {
        format,
        ...(options.file !== undefined ? { file: options.file } : {}),
        line,
        ...(record.id !== undefined ? { id: String(record.id) } : {}),
      },
      ...(Object.keys(meta).length > 0 ? { meta } : {}),
    },
    { file: options.file, line, field: "sample" },
  );
}
