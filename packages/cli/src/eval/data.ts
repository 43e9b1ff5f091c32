import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  BFCL_V4_CATEGORIES,
  BfclQuestionSchema,
  bfclAnswerPath,
  type BfclVersion,
  type Category,
  InvalidInputError,
  isIrrelevanceCategory,
  isLiveRelevanceCategory,
  listBfclFiles,
  type Message,
  parseBfclFileName,
  parsePyJson,
  PyDict,
  type PyValue,
  safeValidate,
  type Tool,
  tryV4Category,
} from "@advfc/core";

/** One BFCL single-turn entry, ready to be sent to a model and checked. */
export interface EvalEntry {
  id: string;
  /** v4 name. */
  category: Category;
  /** The single turn's messages, as the question file has them. */
  messages: Message[];
  /** The function docs as plain JSON (what the model is shown). */
  functions: Tool[];
  /** The same docs as Python values (what the checker reads: `1` and `1.0` kept apart). */
  functionsPy: PyValue;
  /** BFCL's `ground_truth` as Python values; `null` for the (ir)relevance categories. */
  groundTruth: PyValue;
}

/** A BFCL question file found in a data folder. */
export interface BfclQuestionFile {
  path: string;
  version: BfclVersion;
  category: Category;
}

/**
 * The BFCL single-turn question files of `dir`, one per category, in BFCL's order. When a folder
 * holds both spellings of a category (v3 and v4 files), the v4 file is used.
 */
export async function findQuestionFiles(dir: string): Promise<Map<Category, BfclQuestionFile>> {
  const out = new Map<Category, BfclQuestionFile>();
  for (const path of await listBfclFiles(dir)) {
    const info = parseBfclFileName(path);
    if (info === undefined) continue;
    const seen = out.get(info.category);
    if (seen === undefined || (seen.version === "v3" && info.version === "v4")) out.set(info.category, { path, ...info });
  }
  const ordered = new Map<Category, BfclQuestionFile>();
  for (const c of BFCL_V4_CATEGORIES) {
    const f = out.get(c);
    if (f !== undefined) ordered.set(c, f);
  }
  return ordered;
}

/**
 * The categories a `--categories` list names (v3 or v4 spelling, comma-separated, `all` for every
 * category found), in BFCL's order.
 * @throws {InvalidInputError} for an unknown name or a category with no question file in `dir`.
 */
export function selectCategories(spec: string | undefined, found: ReadonlyMap<Category, BfclQuestionFile>, dir: string): Category[] {
  if (spec === undefined || spec.trim() === "" || spec.trim() === "all") return [...found.keys()];
  const wanted = new Set<Category>();
  for (const raw of spec.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    const c = tryV4Category(name);
    if (c === undefined)
      throw new InvalidInputError(
        `Expected a BFCL single-turn category (${BFCL_V4_CATEGORIES.join(", ")}; v3 spellings simple, java, javascript) for --categories but received ${JSON.stringify(name)}`,
      );
    if (!found.has(c)) throw new InvalidInputError(`no question file for category ${c} in ${dir} (expected BFCL_v4_${c}.json or its v3 name)`);
    wanted.add(c);
  }
  return BFCL_V4_CATEGORIES.filter((c) => wanted.has(c));
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new InvalidInputError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
}

/** Non-blank lines of a JSON Lines text with their 1-based line numbers. */
function* lines(text: string): Generator<{ line: number; text: string }> {
  let start = 0;
  let n = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    n++;
    const t = text.slice(start, end);
    if (t.trim() !== "") yield { line: n, text: t };
    start = end + 1;
  }
}

function parseJson(text: string, where: { file: string; line: number }): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`not valid JSON: ${(e as Error).message}`, where);
  }
}

function parsePy(text: string, where: { file: string; line: number }): PyValue {
  try {
    return parsePyJson(text);
  } catch (e) {
    throw new InvalidInputError(`not valid JSON: ${(e as Error).message}`, where);
  }
}

/** Options of {@link loadEntries}. */
export interface LoadEntriesOptions {
  /** Only the first `limit` entries of the question file (in file order). @default all */
  limit?: number;
}

/**
 * Read one category's question file and, where the category has them, its possible answers
 * (matched by id, as BFCL does). Every problem names the file and line.
 * @throws {InvalidInputError} on an unreadable file, a malformed line, a multi-turn entry, a
 *   duplicated id, or a question without a possible answer.
 */
export async function loadEntries(file: BfclQuestionFile, options: LoadEntriesOptions = {}): Promise<EvalEntry[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const needsAnswer = !isIrrelevanceCategory(file.category) && !isLiveRelevanceCategory(file.category);
  const text = await readText(file.path);
  const entries: (Omit<EvalEntry, "groundTruth"> & { line: number })[] = [];
  const ids = new Set<string>();
  for (const { line, text: t } of lines(text)) {
    if (entries.length >= limit) break;
    const where = { file: file.path, line };
    const json = parseJson(t, where);
    const r = safeValidate(BfclQuestionSchema, json, { ...where, field: "question record" });
    if (!r.success) throw r.error;
    const q = r.value;
    if (q.question.length !== 1)
      throw new InvalidInputError(`Expected a single-turn entry (question with 1 turn) for ${q.id} but received ${q.question.length} turns`, where);
    if (ids.has(q.id)) throw new InvalidInputError(`duplicate id ${JSON.stringify(q.id)}`, where);
    ids.add(q.id);
    const py = parsePy(t, where);
    const functionsPy = py instanceof PyDict ? py.get("function") : undefined;
    if (functionsPy === undefined) throw new InvalidInputError(`Expected a list of function docs for field 'function'`, where);
    entries.push({ id: q.id, category: file.category, messages: q.question[0]!, functions: q.function, functionsPy, line });
  }

  const answers = new Map<string, PyValue>();
  if (needsAnswer && entries.length > 0) {
    const answerPath = bfclAnswerPath(file.path);
    const answerText = await readText(answerPath);
    for (const { line, text: t } of lines(answerText)) {
      const where = { file: answerPath, line };
      const a = parsePy(t, where);
      const id = a instanceof PyDict ? a.get("id") : undefined;
      const gt = a instanceof PyDict ? a.get("ground_truth") : undefined;
      if (typeof id !== "string") throw new InvalidInputError(`Expected a string for field 'id'`, where);
      if (!Array.isArray(gt)) throw new InvalidInputError(`Expected BFCL's ground_truth list for field 'ground_truth'`, where);
      if (ids.has(id)) answers.set(id, gt);
    }
    for (const e of entries)
      if (!answers.has(e.id)) throw new InvalidInputError(`no possible answer for ${JSON.stringify(e.id)} in ${answerPath}`, { file: file.path, line: e.line });
  }
  return entries.map(({ line: _line, ...e }) => ({ ...e, groundTruth: needsAnswer ? answers.get(e.id)! : null }));
}

/** The version a data folder's files use for a category set (v4 when any file is v4). */
export function dataVersion(files: Iterable<BfclQuestionFile>): BfclVersion {
  let version: BfclVersion | undefined;
  for (const f of files) if (version === undefined || f.version === "v4") version = f.version;
  return version ?? "v4";
}

/** `dir/<v4 category>.jsonl`. */
export function resultsPath(dir: string, category: Category): string {
  return join(dir, `${category}.jsonl`);
}
