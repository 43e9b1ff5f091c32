/**
 * Text helpers shared by the baselines: tokens, identifier splitting, number words, dates and
 * the normalisation the baseline judge compares values with.
 */

/** Words no lexical feature should be built from. */
export const BASELINE_STOP_WORDS: ReadonlySet<string> = new Set(
  ("a an the of to in on at for from by with and or but is are was were be been am do does did i me my we our you your it its " +
    "this that these those what whats how which who whom when where why can could would should will shall please " +
    "there their them they he she his her us as if so than then also just some any all into about over e g eg").split(" "),
);

/** Lower-case word tokens (letters and digits). */
export function baselineWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** A very small stemmer (plural -s, -ing, -ed) so "forecasts" meets "forecast". */
export function baselineStem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Content words, stemmed, stop words removed. */
export function baselineContentWords(text: string): string[] {
  return baselineWords(text)
    .filter((w) => !BASELINE_STOP_WORDS.has(w))
    .map(baselineStem);
}

/** Split an identifier into lower-case words: `get_weather`, `getWeather`, `math.factorial`. */
export function splitIdentifier(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Number words 0–19 and the tens, for reading "three" as 3 and writing 3 as "three". */
export const NUMBER_WORDS: readonly string[] = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
  "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const TENS: readonly string[] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** The value of a number word or a "forty-two" compound (0–99), else undefined. */
export function parseNumberWord(word: string): number | undefined {
  const w = word.toLowerCase();
  const i = NUMBER_WORDS.indexOf(w);
  if (i >= 0) return i;
  const [t, u] = w.split("-");
  const ti = TENS.indexOf(t ?? "");
  if (ti >= 2) {
    if (u === undefined) return ti * 10;
    const ui = NUMBER_WORDS.indexOf(u);
    if (ui >= 1 && ui <= 9) return ti * 10 + ui;
  }
  return undefined;
}

/** A non-negative integer below 100 in words ("forty-two"), else undefined. */
export function numberToWords(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 99) return undefined;
  if (n < 20) return NUMBER_WORDS[n];
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 === 0 ? t : `${t}-${NUMBER_WORDS[n % 10]!}`;
}

export const MONTH_NAMES: readonly string[] = [
  "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
];

/**
 * Normalise text for value comparisons: NFKC, case-folded, every run of characters that is not a
 * letter or a digit turned into one space, trimmed.
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
