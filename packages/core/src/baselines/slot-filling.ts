/**
 * Typed slot filling of the baseline lexical FC model: finds candidate values in a query (quoted
 * spans, numbers and number words, dates, times, e-mail addresses, codes, capitalised spans,
 * enum values, lists) and assigns them to a tool's parameters by type and by the words around
 * them. The context cues are partly built in (`from` → origin, …) and partly learned
 * ({@link BaselineSlotCues}, a perceptron over context words per tool parameter).
 *
 * Honest limits: no coreference, no arithmetic, no unit conversion, English only.
 */
import { PyFloat, type PyValue } from "../check/pyvalue.js";
import type { Tool } from "../schema/tool.js";
import { baselineStem, baselineWords, BASELINE_STOP_WORDS, MONTH_NAMES, normalizeForMatch, parseNumberWord, splitIdentifier } from "./text.js";

/** A value found in the query. */
export interface SlotCandidate {
  kind: "quoted" | "number" | "date" | "time" | "email" | "code" | "cap" | "enum" | "list";
  /** The value as the call should carry it (ISO date, number, string, list of strings). */
  value: string | number | string[];
  /** Character span in the query. */
  start: number;
  end: number;
  /** Lower-case words just before (nearest last) and after the span. */
  before: string[];
  after: string[];
  /** Candidates of the same kind coordinated with this one ("Paris, Rome and Oslo"): a group id. */
  group?: number;
}

/** A parameter as slot filling sees it. */
interface ParamInfo {
  name: string;
  type: string;
  itemsType?: string;
  enumValues?: string[];
  itemEnum?: string[];
  required: boolean;
  words: string[];
  /** What kind of string it is, from its name and description. */
  flavour: "date" | "time" | "email" | "code" | "plain";
}

/** Learned context weights: `tool\u0000param` → feature → weight. */
export type BaselineSlotCues = Map<string, Map<string, number>>;

const CUE_PRIORS: Readonly<Record<string, readonly string[]>> = {
  from: ["origin", "from", "source", "start", "departure"],
  to: ["destination", "to", "target", "end", "recipient", "arrival"],
  into: ["target", "to", "destination"],
  in: ["location", "city", "room", "target", "language"],
  at: ["time", "location"],
  for: ["location", "city", "team", "nights", "days"],
  with: ["ingredients", "amenities"],
  of: ["n", "base", "height", "country"],
  called: ["title", "name"],
  named: ["title", "name"],
  saying: ["message", "body", "text"],
  subject: ["subject"],
  body: ["body"],
  under: ["max", "price"],
};

/** Capitalised words that start sentences but are no names. */
const COMMON_CAPS: ReadonlySet<string> = new Set(
  ("what whats how where when who which why is are can could would will please find get give show tell book set turn switch send " +
    "text message email write search look check compute calculate convert solve translate log record schedule put remind any make " +
    "change kill reserve i i'm im my our we also then and after that the a an there it suggest compare track has do does did " +
    "hello hi hey thanks thank so but if hmm ok okay yes no now today tomorrow while since because just maybe let let's need want " +
    "forecast triangle directions showtimes weather area largest greatest add oh well sure actually honestly quick question").split(" "),
);

function paramInfos(tool: Tool): ParamInfo[] {
  const props = (tool.parameters.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((tool.parameters.required as string[] | undefined) ?? []);
  const out: ParamInfo[] = [];
  for (const [name, schema] of Object.entries(props)) {
    const type = typeof schema.type === "string" ? schema.type : "string";
    const desc = typeof schema.description === "string" ? schema.description : "";
    const items = (schema.items ?? {}) as Record<string, unknown>;
    const enumValues = Array.isArray(schema.enum) ? schema.enum.map(String) : undefined;
    const itemEnum = Array.isArray(items.enum) ? items.enum.map(String) : undefined;
    const text = `${name} ${desc}`.toLowerCase();
    const flavour = /date|yyyy/.test(text) ? "date" : /\btime\b|hh:mm/.test(text) ? "time" : /e-?mail/.test(text) ? "email" : /\bcode\b|ticker|symbol|\bid\b|order number/.test(text) ? "code" : "plain";
    out.push({
      name,
      type,
      ...(typeof items.type === "string" ? { itemsType: items.type } : {}),
      ...(enumValues ? { enumValues } : {}),
      ...(itemEnum ? { itemEnum } : {}),
      required: required.has(name),
      words: [...new Set([...splitIdentifier(name), ...baselineWords(desc).filter((w) => !BASELINE_STOP_WORDS.has(w))].map(baselineStem))],
      flavour,
    });
  }
  // Required parameters first, so they get the best candidates.
  return [...out.filter((p) => p.required), ...out.filter((p) => !p.required)];
}

const MONTH_RE = MONTH_NAMES.join("|");
const DATE_PATTERNS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string | undefined]> = [
  [/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m) => `${m[1]}-${m[2]}-${m[3]}`],
  [new RegExp(`\\b(${MONTH_RE})\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, "gi"), (m) => iso(m[3]!, m[1]!, m[2]!)],
  [new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTH_RE}),?\\s+(\\d{4})\\b`, "gi"), (m) => iso(m[3]!, m[2]!, m[1]!)],
];

function iso(year: string, month: string, day: string): string | undefined {
  const mi = MONTH_NAMES.indexOf(month.toLowerCase());
  if (mi < 0) return undefined;
  return `${year}-${String(mi + 1).padStart(2, "0")}-${day.padStart(2, "0")}`;
}

function contextWords(text: string, start: number, end: number): { before: string[]; after: string[] } {
  const before = baselineWords(text.slice(Math.max(0, start - 40), start)).slice(-3);
  const after = baselineWords(text.slice(end, end + 30)).slice(0, 2);
  // Symbols say what a number is: "15%" is a percentage, "$40" an amount of money.
  if (text[end] === "%") after.unshift("percent");
  if (text[start] === "$" || text[start - 1] === "$") before.push("dollar");
  return { before, after };
}

/** Every candidate value in `text`, left to right. `enums` are the enum values to look for. */
export function findSlotCandidates(text: string, enums: readonly string[] = []): SlotCandidate[] {
  const found: SlotCandidate[] = [];
  const taken: Array<[number, number]> = [];
  const free = (s: number, e: number): boolean => taken.every(([a, b]) => e <= a || s >= b);
  const add = (kind: SlotCandidate["kind"], value: SlotCandidate["value"], start: number, end: number): void => {
    if (!free(start, end)) return;
    taken.push([start, end]);
    found.push({ kind, value, start, end, ...contextWords(text, start, end) });
  };
  const scan = (re: RegExp, f: (m: RegExpExecArray) => void): void => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) f(m);
  };
  scan(/"([^"]+)"|“([^”]+)”|(?<=^|\s)'([^']+)'(?=\s|[.,;:!?]|$)/g, (m) => add("quoted", (m[1] ?? m[2] ?? m[3])!, m.index, m.index + m[0].length));
  scan(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, (m) => add("email", m[0], m.index, m.index + m[0].length));
  for (const [re, f] of DATE_PATTERNS) {
    scan(re, (m) => {
      const v = f(m);
      if (v !== undefined) add("date", v, m.index, m.index + m[0].length);
    });
  }
  scan(/\b([01]?\d|2[0-3]):([0-5]\d)\b/g, (m) => add("time", `${m[1]!.padStart(2, "0")}:${m[2]}`, m.index, m.index + m[0].length));
  // Enum values, longest first so "premium economy" wins over "economy".
  const enumForms = [...new Set(enums)]
    .map((v) => ({ v, form: normalizeForMatch(v.replace(/_/g, " ")) }))
    .filter((e) => e.form.length > 0)
    .sort((a, b) => b.form.length - a.form.length);
  for (const { v, form } of enumForms) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${form.split(" ").map(escapeRe).join("[\\s_-]+")}(?![\\p{L}\\p{N}])`, "giu");
    scan(re, (m) => add("enum", v, m.index, m.index + m[0].length));
  }
  scan(/\b[A-Z]{2,}-\d+\b|\b[A-Z]{2,5}\b/g, (m) => {
    if (m[0] !== "I") add("code", m[0], m.index, m.index + m[0].length);
  });
  scan(/(?<![\w.-])[-−]?\$?\d+(?:[.,]\d+)?(?!\w*@)/g, (m) => {
    const raw = m[0].replace("−", "-").replace("$", "").replace(",", ".");
    const n = Number(raw);
    if (Number.isFinite(n)) add("number", n, m.index, m.index + m[0].length);
  });
  scan(/\b[a-z]+(?:-[a-z]+)?\b/gi, (m) => {
    const n = parseNumberWord(m[0]);
    if (n !== undefined && !(n === 1 && /^one$/i.test(m[0]) && /^\s+(?:of|with|the|share|more)\b/i.test(text.slice(m.index + 3)))) add("number", n, m.index, m.index + m[0].length);
  });
  // Capitalised spans: names, places, titles. A sentence-initial common word is no name.
  scan(/\b[A-Z][\p{L}'’-]*(?:\s+(?:de |da |van |von )?[A-Z][\p{L}'’-]*)*/gu, (m) => {
    let value = m[0];
    let start = m.index;
    const words = value.split(/\s+/);
    while (words.length > 0 && COMMON_CAPS.has(words[0]!.toLowerCase().replace(/['’]s$/, ""))) {
      start += words[0]!.length + 1;
      words.shift();
    }
    if (words.length === 0) return;
    value = words.join(" ").replace(/['’]s$/, "");
    if (/^[A-Z]{2,}$/.test(value)) return;
    add("cap", value, start, start + value.length);
  });
  found.sort((a, b) => a.start - b.start);
  markGroups(text, found);
  return found;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Coordinated candidates of one kind ("A, B and C", "A and the B", "A and into B") share a group. */
function markGroups(text: string, cands: SlotCandidate[]): void {
  let group = 0;
  for (let i = 1; i < cands.length; i++) {
    const a = cands[i - 1]!;
    const b = cands[i]!;
    if (a.kind !== b.kind) continue;
    const between = text.slice(a.end, b.start).trim().toLowerCase();
    if (/^(?:,|,?\s*and|&|or|,\s*or)\s*(?:the|for|into|to|in)?\s*(?:for|the)?$/.test(between) && between.length <= 14) {
      if (a.group === undefined) a.group = ++group;
      b.group = a.group;
    }
  }
}

/** Lists of lower-case words ("chicken, rice and spinach") after a cue, for array parameters. */
function findWordLists(text: string): SlotCandidate[] {
  const out: SlotCandidate[] = [];
  const re = /\b([a-z][a-z-]+(?: [a-z][a-z-]+)?)((?:, [a-z][a-z-]+(?: [a-z][a-z-]+)?)*),? and ([a-z][a-z-]+(?: [a-z][a-z-]+)?)\b/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const items = [m[1]!, ...m[2]!.split(",").map((s) => s.trim()).filter(Boolean), m[3]!].map((s) => s.split(" ").filter((w) => !BASELINE_STOP_WORDS.has(w)).join(" "));
    if (items.every((s) => s.length > 0)) out.push({ kind: "list", value: items, start: m.index, end: m.index + m[0].length, ...contextWords(text, m.index, m.index + m[0].length) });
  }
  return out;
}

function compatible(p: ParamInfo, c: SlotCandidate): number {
  const t = p.type.toLowerCase();
  if (t === "integer" || t === "int") return c.kind === "number" && Number.isInteger(c.value) ? 1 : -Infinity;
  if (t === "float" || t === "number" || t === "double") return c.kind === "number" ? 1 : -Infinity;
  if (t === "string" || t === "str") {
    if (p.enumValues) return c.kind === "enum" && p.enumValues.includes(c.value as string) ? 3 : -Infinity;
    switch (p.flavour) {
      case "date":
        return c.kind === "date" ? 3 : -Infinity;
      case "time":
        return c.kind === "time" ? 3 : -Infinity;
      case "email":
        return c.kind === "email" ? 3 : -Infinity;
      case "code":
        return c.kind === "code" ? 2 : c.kind === "cap" ? 0 : -Infinity;
      case "plain":
        return c.kind === "quoted" ? 1.5 : c.kind === "cap" ? 1 : c.kind === "code" ? 0.5 : c.kind === "email" ? 0.5 : -Infinity;
    }
  }
  return -Infinity;
}

/** Context features of a candidate, as the learned cues see them. */
export function slotFeatures(c: SlotCandidate): string[] {
  const f = [`k:${c.kind}`];
  c.before.forEach((w, i) => {
    f.push(`b:${w}`);
    if (i === c.before.length - 1) f.push(`b1:${w}`);
  });
  c.after.forEach((w, i) => {
    f.push(`a:${w}`);
    if (i === 0) f.push(`a1:${w}`);
  });
  return f;
}

function score(tool: string, p: ParamInfo, c: SlotCandidate, rank: number, cues: BaselineSlotCues): number {
  let s = compatible(p, c);
  if (s === -Infinity) return s;
  const near = [...c.before, ...c.after].map(baselineStem);
  for (const w of near) if (p.words.includes(w)) s += 1;
  const prev = c.before[c.before.length - 1];
  if (prev !== undefined) for (const hint of CUE_PRIORS[prev] ?? []) if (p.words.includes(hint)) s += 1.5;
  const learned = cues.get(`${tool}\u0000${p.name}`);
  if (learned) for (const f of slotFeatures(c)) s += learned.get(f) ?? 0;
  return s - 0.05 * rank;
}

/** One filled call: argument values in the tool's parameter order. */
export type FilledArgs = Array<[string, PyValue]>;

function toPy(p: ParamInfo, v: SlotCandidate["value"]): PyValue {
  const t = p.type.toLowerCase();
  if ((t === "float" || t === "double") && typeof v === "number") return new PyFloat(v);
  return v;
}

const TRUE_CUES = new Set(["on", "enable", "enabled", "yes", "activate", "start", "include", "only", "with", "true"]);
const FALSE_CUES = new Set(["off", "disable", "disabled", "no", "not", "without", "deactivate", "stop", "exclude", "kill", "false", "don", "dont"]);

function fillBoolean(p: ParamInfo, text: string, tool: string, cues: BaselineSlotCues): boolean | undefined {
  const words = baselineWords(text);
  const stems = words.map(baselineStem);
  const learned = cues.get(`${tool}\u0000${p.name}`);
  let learnedScore = 0;
  if (learned) for (const w of words) learnedScore += learned.get(`bool:${w}`) ?? 0;
  const mentioned = p.words.some((w) => w.length > 2 && stems.includes(w) && !["true", "false", "switch", "show"].includes(w));
  if (!p.required && !mentioned && Math.abs(learnedScore) < 1) return undefined;
  let vote = learnedScore;
  for (const w of words) {
    if (TRUE_CUES.has(w)) vote += 0.5;
    if (FALSE_CUES.has(w)) vote -= 1;
  }
  if (vote === 0) return p.required ? true : mentioned ? true : undefined;
  return vote > 0;
}

/**
 * Fill `tool`'s arguments from `text`: one or more calls (several when the query enumerates
 * values of one non-list parameter, e.g. "in Paris and Rome"). Parameters without evidence are
 * left out (defaults are never written).
 */
export function fillArguments(tool: Tool, text: string, cues: BaselineSlotCues): FilledArgs[] {
  const params = paramInfos(tool);
  const enums = params.flatMap((p) => [...(p.enumValues ?? []), ...(p.itemEnum ?? [])]);
  const cands = findSlotCandidates(text, enums);
  const chosen = new Map<string, SlotCandidate | PyValue>();
  const used = new Set<SlotCandidate>();

  // Arrays first: enum items found anywhere, else a list candidate, else a coordinated group.
  for (const p of params) {
    if (p.type !== "array" && p.type !== "list" && p.type !== "tuple") continue;
    if (p.itemEnum) {
      const vals = cands.filter((c) => c.kind === "enum" && p.itemEnum!.includes(c.value as string));
      if (vals.length > 0) {
        vals.forEach((c) => used.add(c));
        chosen.set(p.name, vals.map((c) => c.value as string));
      }
      continue;
    }
    if (p.itemsType === "integer" || p.itemsType === "float" || p.itemsType === "number") {
      const nums = cands.filter((c) => c.kind === "number");
      if (nums.length > 0) {
        nums.forEach((c) => used.add(c));
        chosen.set(p.name, nums.map((c) => (p.itemsType === "float" ? new PyFloat(c.value as number) : (c.value as number))));
      }
      continue;
    }
    const capGroup = cands.filter((c) => c.kind === "cap" && c.group !== undefined);
    const firstGroup = capGroup[0]?.group;
    const lists = findWordLists(text.replace(/"[^"]*"/g, (m) => " ".repeat(m.length)));
    const learned = cues.get(`${tool.name}\u0000${p.name}`);
    const bestList = lists
      .map((l) => ({ l, s: (learned ? slotFeatures(l).reduce((a, f) => a + (learned.get(f) ?? 0), 0) : 0) + (CUE_PRIORS[l.before.at(-1) ?? ""]?.some((h) => p.words.includes(h)) ? 1 : 0) + (l.before.at(-1) === "with" ? 0.5 : 0) }))
      .sort((a, b) => b.s - a.s)[0];
    if (firstGroup !== undefined && (bestList === undefined || bestList.s < 1)) {
      const members = capGroup.filter((c) => c.group === firstGroup);
      members.forEach((c) => used.add(c));
      chosen.set(p.name, members.map((c) => c.value as string));
    } else if (bestList !== undefined && (p.required || bestList.s >= 1)) {
      chosen.set(p.name, bestList.l.value as string[]);
      for (const c of cands) if (c.start >= bestList.l.start && c.end <= bestList.l.end) used.add(c);
    }
  }

  // Scalars: greedy assignment of the best (parameter, candidate) pairs.
  const scalars = params.filter((p) => !["array", "list", "tuple", "boolean", "bool", "dict", "object"].includes(p.type));
  const pairs: Array<{ p: ParamInfo; c: SlotCandidate; s: number }> = [];
  for (const p of scalars) {
    cands.forEach((c, rank) => {
      const s = score(tool.name, p, c, rank, cues) + (p.required ? 1 : 0);
      if (s > -Infinity) pairs.push({ p, c, s });
    });
  }
  pairs.sort((a, b) => b.s - a.s);
  for (const { p, c, s } of pairs) {
    if (chosen.has(p.name) || used.has(c)) continue;
    // An optional parameter needs some evidence beyond its type.
    if (!p.required && s < optionalThreshold(p)) continue;
    chosen.set(p.name, c);
    used.add(c);
  }
  for (const p of params) {
    if (p.type !== "boolean" && p.type !== "bool") continue;
    const b = fillBoolean(p, text, tool.name, cues);
    if (b !== undefined) chosen.set(p.name, b);
  }

  // Parallel: a chosen scalar whose coordinated siblings were left unused becomes one call each.
  let fanOut: { param: string; values: SlotCandidate[] } | undefined;
  for (const p of scalars) {
    const c = chosen.get(p.name);
    if (!isCandidate(c) || c.group === undefined) continue;
    const siblings = cands.filter((x) => x.group === c.group && x !== c && !used.has(x));
    if (siblings.length > 0) {
      fanOut = { param: p.name, values: [c, ...siblings].sort((a, b) => a.start - b.start) };
      break;
    }
  }
  const build = (override?: [string, SlotCandidate]): FilledArgs => {
    const args: FilledArgs = [];
    for (const p of paramInfosInDeclOrder(tool, params)) {
      const v = override && override[0] === p.name ? override[1] : chosen.get(p.name);
      if (v === undefined) continue;
      args.push([p.name, isCandidate(v) ? toPy(p, v.value) : v]);
    }
    return args;
  };
  if (fanOut) return fanOut.values.map((c) => build([fanOut.param, c]));
  return [build()];
}

function optionalThreshold(p: ParamInfo): number {
  return p.enumValues ? 2.5 : 1.5;
}

function isCandidate(v: unknown): v is SlotCandidate {
  return typeof v === "object" && v !== null && "kind" in v && "start" in v;
}

function paramInfosInDeclOrder(tool: Tool, params: ParamInfo[]): ParamInfo[] {
  const order = Object.keys((tool.parameters.properties ?? {}) as Record<string, unknown>);
  return [...params].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/**
 * Learn context cues from one answered example: for every expected value found among the
 * candidates, the perceptron moves the parameter's cue weights toward that candidate's context
 * and away from the competing candidates of a compatible type.
 */
export function learnSlotCues(tool: Tool, text: string, expectedArgs: Readonly<Record<string, readonly unknown[]>>, cues: BaselineSlotCues, rate = 1): number {
  const params = paramInfos(tool);
  const enums = params.flatMap((p) => [...(p.enumValues ?? []), ...(p.itemEnum ?? [])]);
  const cands = findSlotCandidates(text, enums);
  let updates = 0;
  for (const p of params) {
    const allowed = expectedArgs[p.name];
    if (!allowed) continue;
    const key = `${tool.name}\u0000${p.name}`;
    let w = cues.get(key);
    if (!w) cues.set(key, (w = new Map()));
    if (p.type === "boolean" || p.type === "bool") {
      const target = allowed.find((v) => typeof v === "boolean");
      if (target === undefined) continue;
      const guess = fillBoolean(p, text, tool.name, cues);
      if (guess !== target) {
        for (const word of baselineWords(text)) w.set(`bool:${word}`, (w.get(`bool:${word}`) ?? 0) + (target ? rate : -rate) * 0.5);
        updates++;
      }
      continue;
    }
    const compat = cands.filter((c) => compatible(p, c) > -Infinity);
    const right = compat.find((c) => allowed.some((a) => sameValue(a, c.value)));
    if (!right) continue;
    const best = [...compat].sort((a, b) => score(tool.name, p, b, 0, cues) - score(tool.name, p, a, 0, cues))[0];
    // An optional parameter also learns when the right value scored too low to be used.
    if (best === right && (p.required || score(tool.name, p, right, 0, cues) >= optionalThreshold(p))) continue;
    for (const f of slotFeatures(right)) w.set(f, (w.get(f) ?? 0) + rate);
    if (best && best !== right) for (const f of slotFeatures(best)) w.set(f, (w.get(f) ?? 0) - rate);
    updates++;
  }
  return updates;
}

function sameValue(a: unknown, v: SlotCandidate["value"]): boolean {
  if (typeof a === "number" && typeof v === "number") return a === v;
  if (typeof a === "string" && typeof v === "string") return normalizeForMatch(a) === normalizeForMatch(v);
  return false;
}
