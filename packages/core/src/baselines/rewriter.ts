/**
 * The baseline query model πQ: a rule-based rewriter whose policy over rewrite operators is an
 * EXP3 bandit (Auer et al., 2002) learning from r_adv, so the offline loop has a query model that
 * learns. It is an honest baseline (no language model).
 *
 * Operators: `paraphrase` (templates "Could you …", "I need you to …"), `reorder` (clauses or
 * sentences moved), `distractor` (irrelevant context added), `number-words` (3 ↔ "three"),
 * `synonyms` (swaps from a built-in lexicon), `indirect` ("I was wondering whether …"),
 * `drop-keyword` (removes words that name the function, e.g. "weather" for get_weather),
 * `typos` (seeded letter swaps and drops). Words inside ground-truth values are never touched,
 * and an operator whose output loses a value (see recoverable.ts) is skipped for that sample.
 *
 * Randomness is seeded per (policy seed, iteration, step, sample id, index): a rerun with the
 * same bandit weights gives the same rewrites.
 */
import { InvalidInputError } from "../errors.js";
import { seedQuery } from "../loop/prompts.js";
import type { QueryRole, RewriteFeedback, RewriteRequest, RewriteResult, RoleKind } from "../loop/roles.js";
import type { Sample } from "../schema/sample.js";
import { BASELINE_DISTRACTORS, BASELINE_SYNONYMS } from "./lexicon.js";
import { missingValues } from "./recoverable.js";
import { BaselineRng, baselineSeed } from "./rng.js";
import { MONTH_NAMES, normalizeForMatch, numberToWords, parseNumberWord, splitIdentifier } from "./text.js";

/** The rewrite operators of the baseline rewriter. */
export const BASELINE_REWRITE_OPERATORS = ["paraphrase", "reorder", "distractor", "number-words", "synonyms", "indirect", "drop-keyword", "typos"] as const;
export type BaselineRewriteOperator = (typeof BASELINE_REWRITE_OPERATORS)[number];

/** Options of {@link BanditRewriter}. */
export interface BanditRewriterOptions {
  /** Shown in run manifests and reports. @default "baseline:bandit-rewriter" */
  name?: string;
  /** EXP3 exploration rate γ ∈ (0, 1]: the share of probability spread uniformly. @default 0.1 */
  gamma?: number;
  /** Base seed mixed into every rewrite's seed. @default 0 */
  seed?: number;
  /** The operators the policy chooses among. @default all of {@link BASELINE_REWRITE_OPERATORS} */
  operators?: readonly BaselineRewriteOperator[];
}

/** JSON state of a {@link BanditRewriter}. */
export interface BanditRewriterState {
  version: 1;
  seed: number;
  gamma: number;
  operators: BaselineRewriteOperator[];
  /** EXP3 log-weights, one per operator. */
  logWeights: number[];
  /** Feedback counted per operator, and the sum of its [0, 1] rewards. */
  pulls: number[];
  rewardSums: number[];
}

interface Protected {
  /** Character spans of ground-truth values in the query. */
  spans: Array<[number, number]>;
}

type OperatorFn = (text: string, ctx: { rng: BaselineRng; sample: Sample; prot: Protected }) => string | undefined;

/** Tokens of `text` with their spans: words and everything between them. */
function wordSpans(text: string): Array<{ w: string; s: number; e: number }> {
  return [...text.matchAll(/[A-Za-z][A-Za-z'-]*/g)].map((m) => ({ w: m[0], s: m.index, e: m.index + m[0].length }));
}

function isProtected(prot: Protected, s: number, e: number): boolean {
  return prot.spans.some(([a, b]) => s < b && e > a);
}

/** Replace words chosen by `f` (undefined = keep) outside protected spans. */
function mapWords(text: string, prot: Protected, f: (word: string, index: number) => string | undefined): string {
  let out = "";
  let last = 0;
  wordSpans(text).forEach(({ w, s, e }, i) => {
    if (isProtected(prot, s, e)) return;
    const r = f(w, i);
    if (r === undefined) return;
    out += text.slice(last, s) + r;
    last = e;
  });
  return out + text.slice(last);
}

function lcFirst(s: string): string {
  return /^I\b/.test(s) || /^[A-Z]{2}/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1);
}

function stripEnd(s: string): string {
  return s.replace(/[.?!]+\s*$/, "");
}

function matchCase(src: string, repl: string): string {
  return /^[A-Z]/.test(src) ? repl.charAt(0).toUpperCase() + repl.slice(1) : repl;
}

const OPERATORS: Record<BaselineRewriteOperator, OperatorFn> = {
  paraphrase(text, { rng }) {
    const body = lcFirst(stripEnd(text.trim()));
    if (/\?\s*$/.test(text)) return rng.pick([`Quick question: ${body}?`, `Can you tell me ${body.replace(/^(what's|what is|how's|how is)\s+/i, "what ")}?`, `I'd like to know: ${body}?`, `Help me out here, ${body}?`]);
    return rng.pick([`Could you ${body}?`, `I need you to ${body}.`, `Please ${body}.`, `Would you mind if I asked you to ${body}?`, `Hey, ${body}, thanks.`]);
  },
  reorder(text, { rng }) {
    const sentences = text.match(/[^.?!]+[.?!]+|[^.?!]+$/g)?.map((s) => s.trim()).filter(Boolean) ?? [];
    if (sentences.length >= 2) {
      const k = 1 + rng.int(sentences.length - 1);
      return [...sentences.slice(k), ...sentences.slice(0, k)].join(" ");
    }
    // One sentence: move a trailing phrase to the front ("…, starting 09:00" / "… for three people").
    const m = /^(.*\S)(?:,\s+|\s+)((?:on|at|for|from|in|with|by|starting|leaving|under)\s+[^,]+?)([.?!]?)$/i.exec(text.trim());
    if (!m || m[2]!.length > m[1]!.length) return undefined;
    return `${matchCase(m[2]!, m[2]!.charAt(0).toUpperCase() + m[2]!.slice(1))}, ${lcFirst(m[1]!)}${m[3] || "."}`;
  },
  distractor(text, { rng }) {
    const d = rng.pick(BASELINE_DISTRACTORS);
    return rng.next() < 0.5 ? `${d} ${text}` : `${text.trim()} ${d}`;
  },
  "number-words"(text, { prot }) {
    let changed = false;
    let out = text.replace(/(?<![\d.:$-])\b\d{1,2}\b(?![\d.:%-]|\.\d)/g, (m, offset: number) => {
      if (isProtectedNumberSafe(prot, offset)) return m;
      const w = numberToWords(Number(m));
      if (w === undefined) return m;
      changed = true;
      return w;
    });
    if (!changed) {
      out = mapWords(text, { spans: [] }, (w) => {
        const n = parseNumberWord(w);
        if (n === undefined) return undefined;
        changed = true;
        return String(n);
      });
    }
    return changed ? out : undefined;
  },
  synonyms(text, { rng, prot }) {
    let swaps = 0;
    const out = mapWords(text, prot, (w) => {
      const alts = BASELINE_SYNONYMS[w.toLowerCase()];
      if (!alts || swaps >= 3 || rng.next() < 0.3) return undefined;
      swaps++;
      return matchCase(w, rng.pick(alts));
    });
    return swaps > 0 ? out : undefined;
  },
  indirect(text, { rng }) {
    const body = lcFirst(stripEnd(text.trim()));
    const q = /\?\s*$/.test(text);
    return q
      ? rng.pick([`I've been meaning to ask, ${body}?`, `Something I was curious about: ${body}?`, `I was wondering, ${body}?`])
      : rng.pick([`I was wondering whether you could ${body}.`, `Would it be possible to ${body}?`, `If it's not too much trouble, I'd love it if you could ${body}.`]);
  },
  "drop-keyword"(text, { sample, prot }) {
    if (!("calls" in sample.expected) || sample.expected.calls.length === 0) return undefined;
    const keys = new Set(sample.expected.calls.flatMap((c) => splitIdentifier(c.name)).filter((w) => w.length > 3 && !["get", "set", "calculate", "find"].includes(w)));
    let dropped = 0;
    const out = mapWords(text, prot, (w) => {
      const lw = w.toLowerCase();
      if (!keys.has(lw) && !keys.has(lw.replace(/s$/, ""))) return undefined;
      dropped++;
      return "";
    });
    return dropped > 0 ? out.replace(/\s{2,}/g, " ").replace(/\s+([.,?!])/g, "$1").trim() : undefined;
  },
  typos(text, { rng, prot }) {
    let n = 0;
    const out = mapWords(text, prot, (w) => {
      if (w.length < 5 || n >= 2 || rng.next() < 0.6) return undefined;
      n++;
      const i = 1 + rng.int(w.length - 3);
      return rng.next() < 0.5 ? w.slice(0, i) + w[i + 1]! + w[i]! + w.slice(i + 2) : w.slice(0, i) + w.slice(i + 1);
    });
    return n > 0 ? out : undefined;
  },
};

const DATE_RE = new RegExp(`\\b(?:${MONTH_NAMES.join("|")})\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b|\\b\\d{1,2}\\s+(?:${MONTH_NAMES.join("|")}),?\\s+\\d{4}\\b|\\b\\d{4}-\\d{2}-\\d{2}\\b`, "gi");

function isProtectedNumberSafe(prot: Protected, offset: number): boolean {
  // Numbers inside protected string values (a title "See you at 7") stay digits.
  return prot.spans.some(([a, b]) => offset >= a && offset < b && b - a > 3);
}

/** Spans of the ground truth's string values in `text` (numbers may change form, strings not). */
function protectedSpans(sample: Sample, text: string): Protected {
  const spans: Array<[number, number]> = [];
  if (!("calls" in sample.expected)) return { spans };
  const lower = text.toLowerCase();
  const add = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(add);
    if (typeof v !== "string" || v === "") return;
    for (const form of [v, v.replace(/_/g, " ")]) {
      const f = form.toLowerCase();
      for (let i = lower.indexOf(f); i >= 0; i = lower.indexOf(f, i + 1)) spans.push([i, i + f.length]);
    }
  };
  for (const c of sample.expected.calls) for (const allowed of Object.values(c.args)) allowed.forEach(add);
  // Quoted spans, dates and times are values in every sample worth its salt; keep them whole.
  for (const re of [/"[^"]*"/g, DATE_RE, /\b\d{1,2}:\d{2}\b/g]) for (const m of text.matchAll(re)) spans.push([m.index, m.index + m[0].length]);
  return { spans };
}

/** The baseline query model (see the module comment). */
export class BanditRewriter implements QueryRole {
  readonly kind: RoleKind = "baseline";
  readonly name: string;
  private readonly gamma: number;
  private readonly seed: number;
  private readonly operators: BaselineRewriteOperator[];
  private logWeights: number[];
  private pulls: number[];
  private rewardSums: number[];

  constructor(options: BanditRewriterOptions = {}) {
    this.name = options.name ?? "baseline:bandit-rewriter";
    this.gamma = options.gamma ?? 0.1;
    if (!(this.gamma > 0 && this.gamma <= 1)) throw new InvalidInputError(`Expected gamma in (0, 1] for BanditRewriter but received ${this.gamma}`);
    this.seed = options.seed ?? 0;
    this.operators = [...(options.operators ?? BASELINE_REWRITE_OPERATORS)];
    if (this.operators.length === 0) throw new InvalidInputError("Expected at least one operator for BanditRewriter but received none");
    this.logWeights = this.operators.map(() => 0);
    this.pulls = this.operators.map(() => 0);
    this.rewardSums = this.operators.map(() => 0);
  }

  /** EXP3 probabilities p_i = (1 − γ)·w_i / Σw + γ / K, by operator. */
  probabilities(): Record<string, number> {
    const p = this.probVector();
    return Object.fromEntries(this.operators.map((o, i) => [o, p[i]!]));
  }

  private probVector(): number[] {
    const max = Math.max(...this.logWeights);
    const w = this.logWeights.map((l) => Math.exp(l - max));
    const sum = w.reduce((a, b) => a + b, 0);
    const k = this.operators.length;
    return w.map((x) => (1 - this.gamma) * (x / sum) + this.gamma / k);
  }

  /** Apply one named operator (tests, reports). `undefined` when it does not apply or loses a value. */
  applyOperator(operator: BaselineRewriteOperator, sample: Sample, seed = 0): string | undefined {
    const text = seedQuery(sample);
    const out = OPERATORS[operator](text, { rng: new BaselineRng(seed), sample, prot: protectedSpans(sample, text) });
    if (out === undefined || out.trim() === text.trim() || out.trim().length < 3) return undefined;
    return missingValues(sample, out).length === 0 ? out : undefined;
  }

  async rewrite(request: RewriteRequest): Promise<RewriteResult> {
    const { sample } = request;
    const rng = new BaselineRng(baselineSeed(this.seed, request.iteration, request.step, sample.id, request.index));
    const p = this.probVector();
    const tried = new Set<number>();
    while (tried.size < this.operators.length) {
      // Sample among the operators not yet tried, in proportion to their probability.
      let u = rng.next() * p.reduce((a, x, i) => a + (tried.has(i) ? 0 : x), 0);
      let k = -1;
      for (let i = 0; i < p.length; i++) {
        if (tried.has(i)) continue;
        k = i;
        u -= p[i]!;
        if (u <= 0) break;
      }
      tried.add(k);
      const op = this.operators[k]!;
      const out = this.applyOperator(op, sample, Math.floor(rng.next() * 0xffffffff));
      if (out !== undefined) return { ok: true, rewrite: out, operator: op };
    }
    return { ok: false, reason: `no operator of ${this.name} applies to sample ${sample.id} without losing a value` };
  }

  /**
   * EXP3 update from one step's feedback: r_adv ∈ [−1, 1] is mapped to x = (r + 1) / 2 ∈ [0, 1]
   * and operator i's log-weight grows by γ·x / (p_i·K), p_i being the probabilities before the
   * step's updates. Feedback without an operator (or an unknown one) is ignored.
   */
  update(feedback: readonly RewriteFeedback[]): void {
    const p = this.probVector();
    const k = this.operators.length;
    for (const f of feedback) {
      const i = this.operators.indexOf(f.operator as BaselineRewriteOperator);
      if (i < 0 || !Number.isFinite(f.rAdv)) continue;
      const x = (Math.max(-1, Math.min(1, f.rAdv)) + 1) / 2;
      this.logWeights[i]! += (this.gamma * x) / (p[i]! * k);
      this.pulls[i]!++;
      this.rewardSums[i]! += x;
    }
    const max = Math.max(...this.logWeights);
    this.logWeights = this.logWeights.map((l) => l - max);
  }

  saveState(): BanditRewriterState {
    return { version: 1, seed: this.seed, gamma: this.gamma, operators: [...this.operators], logWeights: [...this.logWeights], pulls: [...this.pulls], rewardSums: [...this.rewardSums] };
  }

  restoreState(state: unknown): void {
    const s = state as BanditRewriterState;
    if (typeof s !== "object" || s === null || s.version !== 1 || !Array.isArray(s.logWeights) || s.logWeights.length !== this.operators.length || s.operators.join() !== this.operators.join()) {
      throw new InvalidInputError(`Expected a BanditRewriter state (version 1) over operators ${this.operators.join(", ")} for restoreState but received another`);
    }
    this.logWeights = [...s.logWeights];
    this.pulls = [...s.pulls];
    this.rewardSums = [...s.rewardSums];
  }
}

/** Whether two texts are the same after normalisation (a rewrite that changed nothing). */
export function sameBaselineText(a: string, b: string): boolean {
  return normalizeForMatch(a) === normalizeForMatch(b);
}
