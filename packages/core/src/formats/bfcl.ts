import { createWriteStream } from "node:fs";
import { access, mkdir, readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { once } from "node:events";
import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import {
  BFCL_V4_CATEGORIES,
  type Category,
  categoryLanguage,
  isIrrelevanceCategory,
  isLiveRelevanceCategory,
  toV3Category,
  tryV4Category,
} from "../schema/category.js";
import type { ExpectedCall } from "../schema/expected.js";
import { decodeJsonPointer, encodeJsonPointer } from "../schema/json-pointer.js";
import { MessageSchema } from "../schema/message.js";
import { type Sample, SampleSchema } from "../schema/sample.js";
import { ToolSchema } from "../schema/tool.js";
import { validate } from "../schema/validate.js";
import { inputLabel, type JsonLine, type JsonLinesInput, readJsonLines } from "./jsonl.js";
import { dumpsPythonJson } from "./python-json.js";
import type { ConvertItem } from "./result.js";

/**
 * BFCL single-turn data (v3 and v4): question files `BFCL_vN_<category>.json` and their
 * `possible_answer/BFCL_vN_<category>.json`, both JSON Lines aligned line by line and by id.
 * See `shared/data/bfcl/README.md` for the format.
 *
 * Mapping to {@link Sample}:
 * - `id` → `id` (kept as BFCL spells it, so v3 ids stay `simple_3`, `java_5`);
 * - the single turn `question[0]` → `messages`; `function` → `tools` (types kept verbatim);
 * - `ground_truth` (one `{func: {param: [allowed]}}` per call) → `expected.calls`; integral
 *   floats of the answer (`50.0`) are recorded in `pyFloats`;
 * - `irrelevance`, `live_irrelevance` (no answer file) → `expected: {abstain: true}`;
 * - `live_relevance` (no answer file, no ground truth: any call passes) → `expected: {calls: []}`
 *   with `meta.relevance = true`;
 * - category from the file name, else from the id; language from the category;
 * - `source: {format: "bfcl-v3" | "bfcl-v4", file, line, id}`;
 * - other keys of the question record → `meta`; other keys of the answer record →
 *   `meta.possible_answer`.
 */

export type BfclVersion = "v3" | "v4";

/** A BFCL question record (one line of a question file). Unknown keys are kept. */
export const BfclQuestionSchema = z.looseObject({
  id: z.string().min(1),
  question: z.array(z.array(MessageSchema)).min(1),
  function: z.array(ToolSchema),
});
export type BfclQuestion = z.output<typeof BfclQuestionSchema>;

/** A BFCL possible-answer record. Unknown keys are kept. */
export const BfclAnswerSchema = z.looseObject({
  id: z.string().min(1),
  ground_truth: z.array(z.record(z.string(), z.record(z.string(), z.array(z.unknown())))),
});
export type BfclAnswer = z.output<typeof BfclAnswerSchema>;

const QUESTION_KEYS = new Set(["id", "question", "function"]);
const ANSWER_KEYS = new Set(["id", "ground_truth"]);
/** meta keys advfc itself sets on BFCL samples; not written back as record fields. */
const RESERVED_META = new Set(["relevance", "possible_answer"]);

const FILE_RE = /^BFCL_(v3|v4)_(.+)\.json$/;

/** `BFCL_v4_simple_python.json` → `{version: "v4", category: "simple_python"}`; else undefined. */
export function parseBfclFileName(path: string): { version: BfclVersion; category: Category } | undefined {
  const m = FILE_RE.exec(basename(path));
  if (!m) return undefined;
  const category = tryV4Category(m[2]!);
  return category === undefined ? undefined : { version: m[1] as BfclVersion, category };
}

/** BFCL's file name for a category: `bfclFileName("simple_python", "v3")` → `BFCL_v3_simple.json`. */
export function bfclFileName(category: string, version: BfclVersion = "v4"): string {
  const c = tryV4Category(category);
  if (c === undefined) throw new InvalidInputError(`not a BFCL single-turn category: ${JSON.stringify(category)}`);
  return `BFCL_${version}_${version === "v3" ? toV3Category(c) : c}.json`;
}

/** The possible-answer file BFCL keeps next to a question file: `<dir>/possible_answer/<name>`. */
export function bfclAnswerPath(questionPath: string): string {
  return join(dirname(questionPath), "possible_answer", basename(questionPath));
}

const ID_RE = /^(.*?)_\d+(?:-\d+)*$/;

/**
 * The category an id names (`live_simple_12-3-0` → `live_simple`, v3 `java_5` → `simple_java`),
 * or undefined.
 */
export function bfclCategoryFromId(id: string): Category | undefined {
  const m = ID_RE.exec(id);
  return m ? tryV4Category(m[1]!) : undefined;
}

/** v3 when the id uses a v3-only spelling (`simple_3`, `java_5`, `javascript_1`), else v4. */
function versionFromId(id: string): BfclVersion {
  const m = ID_RE.exec(id);
  return m && (m[1] === "simple" || m[1] === "java" || m[1] === "javascript") ? "v3" : "v4";
}

/** Context for {@link bfclToSample}. */
export interface BfclEntryContext {
  /** Question file name for errors and `source.file`. */
  file?: string;
  /** 1-based line of the question record. */
  line?: number;
  /** The category (v3 or v4 spelling). @default from the id */
  category?: string;
  /** @default v3 when the id uses a v3-only spelling, else v4 */
  version?: BfclVersion;
  /** Where the answer record came from, for errors. */
  answerFile?: string;
  answerLine?: number;
  /** JSON Pointers (from the answer record's root) of its integral floats; see `pyFloats`. */
  answerFloats?: readonly string[];
}

/**
 * Convert one BFCL question record and its possible-answer record (`undefined` for the
 * (ir)relevance categories) into a {@link Sample}.
 * @throws {InvalidInputError} naming the file, line and field at fault.
 */
export function bfclToSample(question: unknown, answer: unknown, ctx: BfclEntryContext = {}): Sample {
  const where = { file: ctx.file, line: ctx.line };
  const q = validate(BfclQuestionSchema, question, { ...where, field: "question record" });
  if (q.question.length !== 1) {
    throw new InvalidInputError(`Expected a single-turn entry (question with 1 turn) for ${q.id} but received ${q.question.length} turns`, where);
  }
  const categoryName = ctx.category ?? bfclCategoryFromId(q.id);
  const category = categoryName === undefined ? undefined : tryV4Category(categoryName);
  if (category === undefined) {
    throw new InvalidInputError(
      `Expected a BFCL single-turn category for id ${JSON.stringify(q.id)} but received ${JSON.stringify(categoryName ?? "none")} (name the category or the file BFCL_vN_<category>.json)`,
      where,
    );
  }
  const version = ctx.version ?? versionFromId(q.id);
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) if (!QUESTION_KEYS.has(k)) meta[k] = v;

  let expected: Sample["expected"];
  if (isIrrelevanceCategory(category) || isLiveRelevanceCategory(category)) {
    if (answer !== undefined) {
      throw new InvalidInputError(`Expected no possible answer for ${category} entry ${q.id} but received one`, where);
    }
    if (isLiveRelevanceCategory(category)) {
      expected = { calls: [] };
      meta.relevance = true;
    } else expected = { abstain: true };
  } else {
    const aWhere = { file: ctx.answerFile, line: ctx.answerLine };
    if (answer === undefined) {
      throw new InvalidInputError(`Expected a possible answer for ${q.id} (category ${category}) but received none`, where);
    }
    const a = validate(BfclAnswerSchema, answer, { ...aWhere, field: "possible answer" });
    if (a.id !== q.id) {
      throw new InvalidInputError(`Expected the possible answer of ${JSON.stringify(q.id)} but received the one of ${JSON.stringify(a.id)} (files out of line)`, aWhere);
    }
    const floats = ctx.answerFloats ?? [];
    const calls: ExpectedCall[] = [];
    a.ground_truth.forEach((entry, i) => {
      const names = Object.keys(entry);
      if (names.length !== 1) {
        throw new InvalidInputError(
          `Expected one function name for ground_truth[${i}] but received ${names.length} (${names.map((n) => JSON.stringify(n)).join(", ")})`,
          aWhere,
        );
      }
      const name = names[0]!;
      const prefix = encodeJsonPointer(["ground_truth", i, name]);
      const pyFloats = floats.filter((p) => p.startsWith(prefix + "/")).map((p) => p.slice(prefix.length));
      calls.push(pyFloats.length > 0 ? { name, args: entry[name]!, pyFloats } : { name, args: entry[name]! });
    });
    expected = { calls };
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) if (!ANSWER_KEYS.has(k)) extra[k] = v;
    if (Object.keys(extra).length > 0) meta.possible_answer = extra;
  }

  const sample = {
    id: q.id,
    messages: q.question[0]!,
    tools: q.function,
    expected,
    category,
    language: categoryLanguage(category),
    source: {
      format: version === "v3" ? "bfcl-v3" : "bfcl-v4",
      ...(ctx.file !== undefined ? { file: ctx.file } : {}),
      ...(ctx.line !== undefined ? { line: ctx.line } : {}),
      id: q.id,
    },
    ...(Object.keys(meta).length > 0 ? { meta } : {}),
  };
  return validate(SampleSchema, sample, { ...where, field: "sample" });
}

/** A sample as BFCL records: the question, and the possible answer unless the category has none. */
export interface BfclRecords {
  question: Record<string, unknown>;
  answer?: Record<string, unknown>;
  /** JSON Pointers (from the answer's root) of values to write as Python floats. */
  answerFloats: Set<string>;
}

/**
 * The BFCL records of a sample (the reverse of {@link bfclToSample}). `meta` fields other than
 * advfc's own markers become fields of the question record.
 * @throws {InvalidInputError} when the sample cannot be said in BFCL's terms (an abstaining
 *   sample in a category that needs calls, or calls in an irrelevance category).
 */
export function sampleToBfcl(sample: Sample): BfclRecords {
  const where = { field: `sample ${sample.id}` };
  const question: Record<string, unknown> = { id: sample.id, question: [sample.messages], function: sample.tools };
  for (const [k, v] of Object.entries(sample.meta ?? {})) {
    if (!RESERVED_META.has(k) && !QUESTION_KEYS.has(k)) question[k] = v;
  }
  const answerFloats = new Set<string>();
  const noAnswer = isIrrelevanceCategory(sample.category) || isLiveRelevanceCategory(sample.category);
  if (noAnswer) {
    if (isIrrelevanceCategory(sample.category) && !("abstain" in sample.expected) && sample.expected.calls.length > 0) {
      throw new InvalidInputError(`category ${sample.category} has no possible answer, but the sample expects calls`, where);
    }
    return { question, answerFloats };
  }
  if ("abstain" in sample.expected) {
    throw new InvalidInputError(`category ${sample.category} needs expected calls, but the sample expects no call`, where);
  }
  const groundTruth = sample.expected.calls.map((call, i) => {
    for (const p of call.pyFloats ?? []) answerFloats.add(encodeJsonPointer(["ground_truth", i, call.name, ...decodeJsonPointer(p)]));
    return { [call.name]: call.args };
  });
  const answer: Record<string, unknown> = { id: sample.id, ground_truth: groundTruth };
  const extra = sample.meta?.possible_answer;
  if (typeof extra === "object" && extra !== null && !Array.isArray(extra)) {
    for (const [k, v] of Object.entries(extra)) if (!ANSWER_KEYS.has(k)) answer[k] = v;
  }
  return { question, answer, answerFloats };
}

/**
 * The BFCL lines of a sample, serialised like BFCL's files (Python's `json.dumps`: `", "`/`": "`
 * separators, ASCII escapes, `50.0` kept as a float).
 */
export function sampleToBfclLines(sample: Sample): { question: string; answer?: string } {
  const r = sampleToBfcl(sample);
  return r.answer === undefined
    ? { question: dumpsPythonJson(r.question) }
    : { question: dumpsPythonJson(r.question), answer: dumpsPythonJson(r.answer, r.answerFloats) };
}

/** Options of {@link readBfcl}. */
export interface ReadBfclOptions {
  /**
   * The possible-answer input (a path, a stream or lines), or `null` for none.
   * @default `possible_answer/<name>` next to the question file, when that file exists
   */
  answers?: JsonLinesInput | null;
  /** Label of the answers input in errors. @default its path */
  answersFile?: string;
  /** Label of the question input in errors and `source.file`. @default its path */
  file?: string;
  /** The category (v3 or v4 spelling). @default from the file name, else from each id */
  category?: string;
  /** @default from the file name, else from each id */
  version?: BfclVersion;
  signal?: AbortSignal;
}

/**
 * Stream a BFCL question file (with its possible answers) as samples. Malformed lines and
 * entries that do not convert are yielded as errors and reading goes on.
 * @throws {InvalidInputError} when a category needs possible answers and there is no answer input.
 */
export async function* readBfcl(questions: JsonLinesInput, options: ReadBfclOptions = {}): AsyncGenerator<ConvertItem> {
  const file = inputLabel(questions, options.file);
  const info = typeof questions === "string" ? parseBfclFileName(questions) : options.file ? parseBfclFileName(options.file) : undefined;
  const fixedCategory = options.category ?? info?.category;
  const version = options.version ?? info?.version;

  let answersInput = options.answers;
  if (answersInput === undefined && typeof questions === "string" && questions !== "-") {
    const candidate = bfclAnswerPath(questions);
    answersInput = (await exists(candidate)) ? candidate : null;
  }
  const answersFile = answersInput == null ? undefined : inputLabel(answersInput, options.answersFile);
  const answers =
    answersInput == null ? undefined : readJsonLines(answersInput, { file: answersFile, pyFloats: true, signal: options.signal })[Symbol.asyncIterator]();

  try {
    for await (const q of readJsonLines(questions, { file, signal: options.signal })) {
      const id = q.error ? undefined : idOf(q.value);
      const category = fixedCategory ?? (id === undefined ? undefined : bfclCategoryFromId(id));
      const needsAnswer = category !== undefined && !isIrrelevanceCategory(category) && !isLiveRelevanceCategory(category);
      let a: JsonLine | undefined;
      if (answers !== undefined && (needsAnswer || (category === undefined && fixedCategory === undefined))) {
        const next = await answers.next();
        if (next.done) {
          yield { line: q.line, error: new InvalidInputError(`the possible-answer file ended before the entry of this line`, { file, line: q.line }) };
          continue;
        }
        a = next.value;
      } else if (needsAnswer) {
        throw new InvalidInputError(
          `category ${category} needs a possible-answer file (none given${typeof questions === "string" && questions !== "-" ? `; looked for ${bfclAnswerPath(questions)}` : ""})`,
          { file },
        );
      }
      if (q.error) {
        yield { line: q.line, error: q.error };
        continue;
      }
      if (a?.error) {
        yield { line: q.line, error: a.error };
        continue;
      }
      try {
        const sample = bfclToSample(q.value, needsAnswer ? a?.value : undefined, {
          file,
          line: q.line,
          category,
          version,
          answerFile: answersFile,
          answerLine: a?.line,
          answerFloats: a?.floats,
        });
        yield { line: q.line, sample };
      } catch (e) {
        if (e instanceof InvalidInputError) yield { line: q.line, error: e };
        else throw e;
      }
    }
    if (answers !== undefined) {
      for (let next = await answers.next(); !next.done; next = await answers.next()) {
        yield {
          line: next.value.line,
          error: new InvalidInputError(`possible answer without a question line (the files are not aligned)`, { file: answersFile, line: next.value.line }),
        };
      }
    }
  } finally {
    await answers?.return?.(undefined);
  }
}

function idOf(v: unknown): string | undefined {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string" ? (v as { id: string }).id : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The BFCL question files of a folder (`BFCL_v3_*.json`, `BFCL_v4_*.json`; not
 * `possible_answer/`), in BFCL's category order.
 * @param version only this version's files. @default both
 */
export async function listBfclFiles(dir: string, version?: BfclVersion): Promise<string[]> {
  const order = (c: Category): number => BFCL_V4_CATEGORIES.indexOf(c);
  const found: { path: string; version: BfclVersion; category: Category }[] = [];
  for (const name of await readdir(dir)) {
    const info = parseBfclFileName(name);
    if (info && (version === undefined || info.version === version)) found.push({ path: join(dir, name), ...info });
  }
  found.sort((a, b) => a.version.localeCompare(b.version) || order(a.category) - order(b.category));
  return found.map((f) => f.path);
}

/** Every sample of every BFCL question file in `dir` (see {@link listBfclFiles}, {@link readBfcl}). */
export async function* readBfclDir(dir: string, options: { version?: BfclVersion; signal?: AbortSignal } = {}): AsyncGenerator<ConvertItem> {
  for (const path of await listBfclFiles(dir, options.version)) yield* readBfcl(path, { signal: options.signal });
}

/** Options of {@link writeBfcl}. */
export interface WriteBfclOptions {
  /** File names and category spellings of this BFCL version. @default "v4" */
  version?: BfclVersion;
}

/**
 * Write samples as BFCL data into `dir`: `BFCL_vN_<category>.json` per category and, for
 * categories with answers, `possible_answer/BFCL_vN_<category>.json`. Lines end with `\n`.
 * @returns the number of entries written per file name.
 * @throws {InvalidInputError} for a sample BFCL cannot express (see {@link sampleToBfcl}).
 */
export async function writeBfcl(
  samples: Iterable<Sample> | AsyncIterable<Sample>,
  dir: string,
  options: WriteBfclOptions = {},
): Promise<Map<string, number>> {
  const version = options.version ?? "v4";
  const streams = new Map<string, NodeJS.WritableStream>();
  const counts = new Map<string, number>();
  const open = async (path: string): Promise<NodeJS.WritableStream> => {
    let s = streams.get(path);
    if (s === undefined) {
      await mkdir(dirname(path), { recursive: true });
      s = createWriteStream(path, { encoding: "utf8" });
      streams.set(path, s);
    }
    return s;
  };
  const put = async (path: string, line: string): Promise<void> => {
    const s = await open(path);
    if (!s.write(line + "\n")) await once(s, "drain");
  };
  try {
    for await (const sample of samples) {
      const lines = sampleToBfclLines(sample);
      const name = bfclFileName(sample.category, version);
      await put(join(dir, name), lines.question);
      if (lines.answer !== undefined) await put(join(dir, "possible_answer", name), lines.answer);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  } finally {
    await Promise.all(
      [...streams.values()].map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            s.once("error", reject);
            s.end(() => resolve());
          }),
      ),
    );
  }
  return counts;
}
