/**
 * Is every ground-truth argument value still in a rewrite? The check behind the baseline judge's
 * stage 2 (`keepsKeyFields`) and the guard that keeps the baseline rewriter from destroying a
 * value. Lenient where a literal check would be wrong:
 *
 * - strings match after {@link normalizeForMatch} (NFKC, case-folded, punctuation-insensitive);
 *   ISO dates also as "March 14 2025" / "14 March 2025"; enum-like `a_b` also as "a b";
 * - numbers as digits (`4.25`, `$40`, `15%`) or, below 100, as words ("three", "forty-two");
 * - booleans are never demanded (they are said with words like "turn off");
 * - a value the seed query itself does not state literally is not demanded of the rewrite
 *   (e.g. an enum implied by context);
 * - optional parameters (`""` allowed) are ignored.
 */
import { seedQuery } from "../loop/prompts.js";
import type { Sample } from "../schema/sample.js";
import { MONTH_NAMES, normalizeForMatch, numberToWords, parseNumberWord } from "./text.js";

/** A value the rewrite lost: which call and parameter, and what the seed said. */
export interface MissingValue {
  call: string;
  param: string;
  value: unknown;
}

function stringForms(s: string): string[] {
  const forms = [s, s.replace(/_/g, " ")];
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) {
    const month = MONTH_NAMES[Number(m[2]) - 1];
    const day = String(Number(m[3]));
    if (month) forms.push(`${month} ${day} ${m[1]}`, `${day} ${month} ${m[1]}`, `${month} ${day}st ${m[1]}`, `${month} ${day}nd ${m[1]}`, `${month} ${day}rd ${m[1]}`, `${month} ${day}th ${m[1]}`);
  }
  return forms.map(normalizeForMatch).filter((f) => f.length > 0);
}

function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?<![\d.])-?\d+(?:\.\d+)?/g)) out.push(Number(m[0]));
  for (const m of text.matchAll(/\b[a-z]+(?:-[a-z]+)?\b/gi)) {
    const n = parseNumberWord(m[0]);
    if (n !== undefined) out.push(n);
  }
  return out;
}

/** Whether one plain value can be read from `text` (see the module comment). */
export function valueRecoverable(value: unknown, text: string, normText = ` ${normalizeForMatch(text)} `): boolean {
  if (typeof value === "boolean" || value === null) return true;
  if (typeof value === "number") return numbersIn(text).some((n) => n === value);
  if (typeof value === "string") return stringForms(value).some((f) => normText.includes(` ${f} `));
  if (Array.isArray(value)) return value.every((v) => valueRecoverable(v, text, normText));
  return true;
}

/** The values a number may be written as in a rewrite (digits, words). */
export function numberForms(n: number): string[] {
  const w = numberToWords(n);
  return w === undefined ? [String(n)] : [String(n), w];
}

/**
 * The ground-truth values of `sample` that the seed query states and `rewrite` no longer does.
 * Empty when nothing is missing (and for abstaining samples).
 */
export function missingValues(sample: Sample, rewrite: string): MissingValue[] {
  if (!("calls" in sample.expected)) return [];
  const seed = seedQuery(sample);
  const seedNorm = ` ${normalizeForMatch(seed)} `;
  const rwNorm = ` ${normalizeForMatch(rewrite)} `;
  const missing: MissingValue[] = [];
  for (const call of sample.expected.calls) {
    for (const [param, allowed] of Object.entries(call.args)) {
      if (allowed.includes("")) continue;
      const stated = allowed.filter((v) => typeof v !== "boolean" && valueRecoverable(v, seed, seedNorm));
      if (stated.length === 0) continue;
      if (!stated.some((v) => valueRecoverable(v, rewrite, rwNorm))) missing.push({ call: call.name, param, value: stated[0] });
    }
  }
  return missing;
}
