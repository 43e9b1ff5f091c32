import { z } from "zod";
import { InvalidInputError } from "../errors.js";
import type { Language } from "./language.js";

/**
 * BFCL v4 single-turn categories, in BFCL's leaderboard order. advfc's samples are single-turn,
 * so multi-turn (`multi_turn_*`) and agentic (`web_search_*`, `memory_*`) categories are not
 * sample categories; advfc's own data (xLAM, OpenAI logs, rewrites) uses these names too.
 */
export const BFCL_V4_CATEGORIES = [
  "simple_python",
  "simple_java",
  "simple_javascript",
  "multiple",
  "parallel",
  "parallel_multiple",
  "irrelevance",
  "live_simple",
  "live_multiple",
  "live_parallel",
  "live_parallel_multiple",
  "live_irrelevance",
  "live_relevance",
] as const;

/** A BFCL v4 single-turn category name (the canonical spelling inside advfc). */
export type Category = (typeof BFCL_V4_CATEGORIES)[number];

/** BFCL v3 names that differ from v4 (v3 → v4). Every other name is the same in both. */
export const V3_CATEGORY_ALIASES = {
  simple: "simple_python",
  java: "simple_java",
  javascript: "simple_javascript",
} as const satisfies Record<string, Category>;

/** A category name as BFCL v3 spells it. */
export type V3Category = Exclude<Category, (typeof V3_CATEGORY_ALIASES)[keyof typeof V3_CATEGORY_ALIASES]> | keyof typeof V3_CATEGORY_ALIASES;

/** Every accepted spelling: the v4 names plus the v3 aliases. */
export const CATEGORY_NAMES = [...BFCL_V4_CATEGORIES, ...(Object.keys(V3_CATEGORY_ALIASES) as (keyof typeof V3_CATEGORY_ALIASES)[])] as const;

const V4_SET: ReadonlySet<string> = new Set(BFCL_V4_CATEGORIES);
const V4_TO_V3: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(V3_CATEGORY_ALIASES).map(([v3, v4]) => [v4, v3]),
);

/** Every v4 name and v3 alias → its v4 name (the constant: an internalized string, cheap to hash and compare later). */
const TO_V4: ReadonlyMap<string, Category> = new Map<string, Category>([
  ...BFCL_V4_CATEGORIES.map((c) => [c, c] as const),
  ...(Object.entries(V3_CATEGORY_ALIASES) as [string, Category][]),
]);

/** The v4 name of `name` (v3 or v4 spelling), or `undefined` when it is no single-turn category. */
export function tryV4Category(name: string): Category | undefined {
  const hit = TO_V4.get(name);
  if (hit !== undefined) return hit;
  if (V4_SET.has(name)) return name as Category;
  // Own keys only: "toString" or "__proto__" must not resolve to Object.prototype members.
  return Object.hasOwn(V3_CATEGORY_ALIASES, name) ? (V3_CATEGORY_ALIASES as Record<string, Category>)[name] : undefined;
}

/**
 * The v4 name of `name` (v3 or v4 spelling).
 * @throws {InvalidInputError} when `name` is no BFCL single-turn category.
 */
export function toV4Category(name: string): Category {
  const c = tryV4Category(name);
  if (c === undefined) {
    throw new InvalidInputError(
      `Expected a BFCL single-turn category (${CATEGORY_NAMES.join(", ")}) but received ${JSON.stringify(name)}`,
    );
  }
  return c;
}

/** The BFCL v3 spelling of a category (`simple_python` → `simple`, …; others unchanged). */
export function toV3Category(name: string): V3Category {
  const v4 = toV4Category(name);
  return (V4_TO_V3[v4] ?? v4) as V3Category;
}

/**
 * Number of entries of each category in BFCL's data files (the README table of
 * `shared/data/bfcl`). BFCL counts a category that was not scored as accuracy 0 over this many
 * entries when it aggregates, so the weighted metrics depend on these numbers.
 */
export const CATEGORY_ENTRY_COUNTS: Readonly<Record<Category, { readonly v4: number; readonly v3: number }>> = {
  simple_python: { v4: 400, v3: 400 },
  simple_java: { v4: 100, v3: 100 },
  simple_javascript: { v4: 50, v3: 50 },
  multiple: { v4: 200, v3: 200 },
  parallel: { v4: 200, v3: 200 },
  parallel_multiple: { v4: 200, v3: 200 },
  irrelevance: { v4: 240, v3: 240 },
  live_simple: { v4: 258, v3: 258 },
  live_multiple: { v4: 1053, v3: 1053 },
  live_parallel: { v4: 16, v3: 16 },
  live_parallel_multiple: { v4: 24, v3: 24 },
  live_irrelevance: { v4: 884, v3: 882 },
  live_relevance: { v4: 16, v3: 18 },
};

/**
 * The language of a category, by BFCL's naming rule: a name containing "javascript" is
 * JavaScript, else one containing "java" is Java, else Python. Works on v3 and v4 spellings.
 */
export function categoryLanguage(name: string): Language {
  if (name.includes("javascript")) return "javascript";
  if (name.includes("java")) return "java";
  return "python";
}

/** Categories where the right answer is to call nothing (BFCL: passes when no call decodes). */
export function isIrrelevanceCategory(name: string): boolean {
  const c = tryV4Category(name);
  return c === "irrelevance" || c === "live_irrelevance";
}

/** Categories where any call passes (BFCL: passes when at least one call decodes). */
export function isLiveRelevanceCategory(name: string): boolean {
  return tryV4Category(name) === "live_relevance";
}

/**
 * A category name in v3 or v4 spelling; parses to the v4 name.
 * `CategorySchema.parse("java")` is `"simple_java"`.
 */
export const CategorySchema = z.enum(CATEGORY_NAMES).transform((name): Category => toV4Category(name));
