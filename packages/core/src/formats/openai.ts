import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import type { ExpectedCall } from "../schema/expected.js";
import type { Message } from "../schema/message.js";
import type { Sample } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { validate } from "../schema/validate.js";
import { inferCategory } from "./infer-category.js";
import type { JsonLinesInput } from "./jsonl.js";
import { assembleSample, convertJsonLines, expectedCallFromArgs, floatsUnder, type RecordConvertOptions } from "./record.js";
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

/** Options of {@link openaiToSample} and {@link readOpenAI} (`idPrefix` defaults to "openai"). */
export type OpenAIOptions = RecordConvertOptions;

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
      argFloats = floatsUnder(floats, `/messages/${answerAt}/tool_calls/${j}/function/arguments`);
    }
    const obj = validate(z.record(z.string(), z.unknown()), args, { ...where, field });
    return expectedCallFromArgs(tc.function.name, obj, argFloats);
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
  return assembleSample("openai", r, KNOWN, { messages, tools, calls }, line, options);
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
export function readOpenAI(input: JsonLinesInput, options: OpenAIOptions & { signal?: AbortSignal } = {}): AsyncGenerator<ConvertItem> {
  return convertJsonLines(input, { file: options.file, signal: options.signal, pyFloats: true }, (value, line, file, floats) =>
    openaiToSample(value, line, { ...options, file }, floats),
  );
}
