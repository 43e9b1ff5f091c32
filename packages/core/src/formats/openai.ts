import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import type { ExpectedCall } from "../schema/expected.js";
import type { Language } from "../schema/language.js";
import type { Message } from "../schema/message.js";
import { type Sample, SampleSchema } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { validate } from "../schema/validate.js";
import { inferCategory } from "./infer-category.js";
import { inputLabel, type JsonLinesInput, readJsonLines } from "./jsonl.js";
import { parseJsonWithFloats } from "./python-json.js";
import type { ConvertItem } from "./result.js";

/**
 * OpenAI chat logs: one JSON object per line with `messages` (Chat Completions format) and
 * `tools` (`[{type: "function", function: {name, description, parameters}}]`).
 *
 * - The answer is taken from the **last assistant message that has `tool_calls`**: its calls
 *   (arguments are JSON strings, or objects) become the expected calls, each argument value
 *   wrapped as a one-element allowed list; the messages **before** it become the sample's
 *   messages (later messages — tool results, a final text reply — are dropped).
 * - Without any assistant message with `tool_calls`, the last assistant message is the answer
 *   and it called nothing: `expected: {abstain: true}`, messages = those before it.
 * - A log without an assistant message has no answer and is an error.
 * - Message `content` `null` becomes `""`, text-part arrays are joined; role `developer`
 *   becomes `system`; other keys (`tool_calls`, `tool_call_id`, `name`) are kept.
 * - A function without `parameters` gets `{type: "object", properties: {}}`. Parameter
 *   schemas are kept verbatim (`type: "object"`, not BFCL's `"dict"`).
 * - category by {@link inferCategory}; `id` (string or number) → `id`, else `<idPrefix>_<line>`;
 *   other top-level fields → `meta`.
 */

const OpenAIMessageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.null(), z.array(z.unknown())]).optional(),
  tool_calls: z
    .array(
      z.looseObject({
        type: z.string().optional(),
        function: z.looseObject({
          name: z.string().min(1),
          arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
        }),
      }),
    )
    .optional(),
});

const OpenAIToolSchema = z.looseObject({
  type: z.literal("function").optional(),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const OpenAIRecordSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  messages: z.array(OpenAIMessageSchema).min(1),
  tools: z.array(OpenAIToolSchema).optional(),
});

const KNOWN = new Set(["id", "messages", "tools"]);
const ROLE_MAP: Record<string, Message["role"]> = {
  system: "system",
  developer: "system",
  user: "user",
  assistant: "assistant",
  tool: "tool",
};

/** Options of {@link openaiToSample} and {@link readOpenAI}. */
export interface OpenAIOptions {
  /** Name for errors and `source.file`. */
  file?: string;
  /** Language of the calls. @default "python" */
  language?: Language;
  /** Prefix of generated ids for records without `id`. @default "openai" */
  idPrefix?: string;
  /** Force a category (v3 or v4 spelling) instead of inferring it. */
  category?: string;
}

/**
 * Convert one chat-log record (see the module comment).
 * @param floats JSON Pointers of integral floats in `record` (from a Python-aware parse), used
 *   for arguments given as objects rather than JSON strings.
 * @throws {InvalidInputError} naming the file, line and field at fault.
 */
export function openaiToSample(record: unknown, line: number, options: OpenAIOptions = {}, floats: readonly string[] = []): Sample {
  const where = { file: options.file, line };
  const r = validate(OpenAIRecordSchema, record, { ...where, field: "record" });

  let answerAt = -1;
  for (let i = r.messages.length - 1; i >= 0; i--) {
    const m = r.messages[i]!;
    if (m.role === "assistant" && (m.tool_calls?.length ?? 0) > 0) {
      answerAt = i;
      break;
    }
  }
  if (answerAt < 0) {
    for (let i = r.messages.length - 1; i >= 0; i--) {
      if (r.messages[i]!.role === "assistant") {
        answerAt = i;
        break;
      }
    }
  }
  if (answerAt < 0) {
    throw new InvalidInputError("Expected an assistant message to take the answer from for messages but received none", where);
  }

  const messages = r.messages.slice(0, answerAt).map((m, i) => toMessage(m, i, where));
  const answer = r.messages[answerAt]!;
  const calls: ExpectedCall[] = (answer.tool_calls ?? []).map((tc, j) => {
    const field = `messages[${answerAt}].tool_calls[${j}].function.arguments`;
    let args: unknown;
    let argFloats: string[];
    if (typeof tc.function.arguments === "string") {
      try {
        ({ value: args, floats: argFloats } = parseJsonWithFloats(tc.function.arguments));
      } catch (e) {
        throw new InvalidInputError(
          `Expected a JSON object (as a string) for ${field} but received malformed JSON: ${(e as Error).message.replace(/^json: /, "")}`,
          where,
        );
      }
    } else {
      args = tc.function.arguments ?? {};
      const prefix = `/messages/${answerAt}/tool_calls/${j}/function/arguments`;
      argFloats = floats.filter((p) => p.startsWith(prefix + "/")).map((p) => p.slice(prefix.length));
    }
    const obj = validate(z.record(z.string(), z.unknown()), args, { ...where, field });
    const wrapped: Record<string, unknown[]> = {};
    for (const [k, v] of Object.entries(obj)) wrapped[k] = [v];
    const pyFloats = argFloats.map((p) => {
      const rest = p.slice(1);
      const slash = rest.indexOf("/");
      return slash < 0 ? `/${rest}/0` : `/${rest.slice(0, slash)}/0${rest.slice(slash)}`;
    });
    return pyFloats.length > 0 ? { name: tc.function.name, args: wrapped, pyFloats } : { name: tc.function.name, args: wrapped };
  });

  const tools: Tool[] = (r.tools ?? []).map((t) => {
    const { name, description, parameters, ...rest } = t.function;
    return {
      name,
      ...(description !== undefined ? { description } : {}),
      parameters: parameters ?? { type: "object", properties: {} },
      ...rest,
    };
  });
  const language = options.language ?? "python";
  const expected: Sample["expected"] = calls.length === 0 ? { abstain: true } : { calls };
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!KNOWN.has(k)) meta[k] = v;

  return validate(
    SampleSchema,
    {
      id: r.id === undefined ? `${options.idPrefix ?? "openai"}_${line}` : String(r.id),
      messages,
      tools,
      expected,
      category: options.category ?? inferCategory(expected, tools.length, language),
      language,
      source: {
        format: "openai",
        ...(options.file !== undefined ? { file: options.file } : {}),
        line,
        ...(r.id !== undefined ? { id: String(r.id) } : {}),
      },
      ...(Object.keys(meta).length > 0 ? { meta } : {}),
    },
    { ...where, field: "sample" },
  );
}

function toMessage(m: z.output<typeof OpenAIMessageSchema>, i: number, where: { file?: string; line: number }): Message {
  const role = ROLE_MAP[m.role];
  if (role === undefined) {
    throw new InvalidInputError(
      `Expected one of "system", "developer", "user", "assistant", "tool" for messages[${i}].role but received ${JSON.stringify(m.role)}`,
      where,
    );
  }
  const { role: _role, content, ...rest } = m;
  return { ...rest, role, content: contentText(content) };
}

function contentText(c: string | null | unknown[] | undefined): string {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  return c
    .map((part) =>
      typeof part === "string"
        ? part
        : typeof part === "object" && part !== null && typeof (part as { text?: unknown }).text === "string"
          ? (part as { text: string }).text
          : "",
    )
    .join("");
}

/**
 * Stream an OpenAI chat-log JSON Lines file (`"-"` = stdin) as samples; malformed lines are
 * yielded as errors and reading goes on.
 */
export async function* readOpenAI(input: JsonLinesInput, options: OpenAIOptions & { signal?: AbortSignal } = {}): AsyncGenerator<ConvertItem> {
  const file = inputLabel(input, options.file);
  for await (const l of readJsonLines(input, { file, pyFloats: true, signal: options.signal })) {
    if (l.error) {
      yield { line: l.line, error: l.error };
      continue;
    }
    try {
      yield { line: l.line, sample: openaiToSample(l.value, l.line, { ...options, file }, l.floats) };
    } catch (e) {
      if (e instanceof InvalidInputError) yield { line: l.line, error: e };
      else throw e;
    }
  }
}
