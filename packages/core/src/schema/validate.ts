import type { z } from "zod";
import { InvalidInputError } from "../errors.js";

/** Where a validated value came from; `field` names the value itself (the root of issue paths). */
export interface ValidationWhere {
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
  /** Label of the validated value, e.g. `"sample"` or `"tools[2]"`; prefixes every path. */
  field?: string;
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/**
 * A value did not match its schema. The message reads
 * `Expected <what> for <path> but received <value>` for the first problem (and says how many
 * more there are); `issues` has them all, `path` the first one's path.
 */
export class SchemaValidationError extends InvalidInputError {
  constructor(
    message: string,
    where: ValidationWhere,
    /** Path of the first problem, e.g. `sample.tools[0].name`. */
    readonly path: string,
    readonly issues: readonly Issue[],
  ) {
    super(message, { file: where.file, line: where.line });
    this.name = "SchemaValidationError";
  }
}

/** The result of {@link safeValidate}. */
export type ValidationResult<T> = { success: true; value: T } | { success: false; error: SchemaValidationError };

/**
 * Parse `value` with `schema`; return the parsed value.
 * @param where label of the value (a string) or `{file, line, field}`.
 * @throws {SchemaValidationError} (an {@link InvalidInputError}) naming the first problem.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: string | ValidationWhere = {}): z.output<S> {
  const r = safeValidate(schema, value, where);
  if (!r.success) throw r.error;
  return r.value;
}

/** Like {@link validate} but returns `{success, value}` / `{success, error}` instead of throwing. */
export function safeValidate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string | ValidationWhere = {},
): ValidationResult<z.output<S>> {
  const w: ValidationWhere = typeof where === "string" ? { field: where } : where;
  const r = schema.safeParse(value);
  if (r.success) return { success: true, value: r.data };
  const issues = r.error.issues;
  const first = describe(issues[0]!, [], value);
  const path = formatPath(w.field, first.path);
  let message = `Expected ${first.what} for ${path || "the value"} but received ${first.received}`;
  if (issues.length > 1) message += ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})`;
  return { success: false, error: new SchemaValidationError(message, w, path, issues) };
}

/** Format an issue path: `["tools", 0, "name"]` under root `sample` → `sample.tools[0].name`. */
export function formatPath(root: string | undefined, path: readonly PathKey[]): string {
  let out = root ?? "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

interface Described {
  what: string;
  path: PathKey[];
  received: string;
}

function describe(issue: Issue, base: PathKey[], root: unknown): Described {
  const path = [...base, ...issue.path];
  const at = valueAt(root, path);
  const received = preview(at);
  switch (issue.code) {
    case "invalid_type":
      return { what: article(issue.expected), path, received };
    case "invalid_value":
      return {
        what: issue.values.length === 1 ? preview(issue.values[0]) : `one of ${listPreview(issue.values)}`,
        path,
        received,
      };
    case "too_small":
    case "too_big":
      return { what: sizeText(issue), path, received };
    case "unrecognized_keys":
      return {
        what: "no keys other than the known ones",
        path,
        received: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`,
      };
    case "invalid_union": {
      // Report the branch that got furthest into the value (deepest issue, then fewest
      // issues); if two branches tie, or none got past the top, the union's own text.
      let best: Issue | undefined;
      let bestScore: [number, number] = [-1, 0];
      let tie = false;
      for (const branch of issue.errors) {
        const deepest = branch.reduce((d, i) => Math.max(d, i.path.length), 0);
        const lead = branch.find((i) => i.path.length === deepest) ?? branch[0];
        const cmp = deepest - bestScore[0] || bestScore[1] - branch.length;
        if (cmp > 0) {
          best = lead;
          bestScore = [deepest, branch.length];
          tie = false;
        } else if (cmp === 0) tie = true;
      }
      const bestDepth = bestScore[0];
      if (best !== undefined && !tie && bestDepth > 0) return describe(best, path, root);
      const custom = issue.message && issue.message !== "Invalid input" ? issue.message : "one of the allowed shapes";
      return { what: custom, path, received };
    }
    case "invalid_format":
      return { what: formatText(issue), path, received };
    default:
      return { what: issue.message, path, received };
  }
}

function article(expected: string): string {
  switch (expected) {
    case "int":
      return "an integer";
    case "record":
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "undefined":
      return "nothing";
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

function sizeText(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "string":
      if (small && bound === 1) return "a non-empty string";
      return `a string of ${small ? "at least" : "at most"} ${bound} character${bound === 1 ? "" : "s"}`;
    case "array":
    case "set":
      if (small && bound === 1) return "a non-empty array";
      return `an array with ${small ? "at least" : "at most"} ${bound} item${bound === 1 ? "" : "s"}`;
    default:
      return `a number ${small ? (inclusive ? ">=" : ">") : inclusive ? "<=" : "<"} ${bound}`;
  }
}

function formatText(issue: Extract<Issue, { code: "invalid_format" }>): string {
  const i = issue as { format: string; prefix?: string; suffix?: string; pattern?: string };
  if (i.format === "starts_with" && i.prefix !== undefined) return `a string starting with ${JSON.stringify(i.prefix)}`;
  if (i.format === "ends_with" && i.suffix !== undefined) return `a string ending with ${JSON.stringify(i.suffix)}`;
  if (i.format === "regex" && i.pattern !== undefined) return `a string matching ${i.pattern}`;
  return `a valid ${i.format}`;
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

const MAX_PREVIEW = 80;

/** A short, single-line rendering of a received value. */
export function preview(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "function") return "a function";
  if (typeof v === "symbol") return v.toString();
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > MAX_PREVIEW ? `${s.slice(0, MAX_PREVIEW - 1)}…` : s;
}

function listPreview(values: readonly unknown[]): string {
  const shown = values.slice(0, 16).map(preview);
  return values.length > 16 ? `${shown.join(", ")}, … (${values.length} in all)` : shown.join(", ");
}
