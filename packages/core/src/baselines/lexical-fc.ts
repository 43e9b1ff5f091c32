/**
 * The baseline FC model: a weight-free (no neural network), in-process function caller so the
 * loop runs offline. It is an honest baseline, not a stand-in for an LLM.
 *
 * Function selection: a logistic model p(tool | query) = σ(w·φ(query, tool)) over hashed
 * features — query words and bigrams crossed with the tool's identity and with the words of its
 * name (snake_case / camelCase / dots split), character 4-grams of the query crossed with the
 * tool, and dense overlap features (share of name / description / parameter words found in the
 * query, character-trigram Jaccard). The dense features start with hand-set weights so the
 * model works before any training; `fit` trains all weights by SGD on (query, correct tool) = 1
 * vs (query, other tool) = 0 pairs, irrelevance samples giving 0 for every tool.
 *
 * Calls: the best tool if p ≥ `threshold` (else it abstains: no call); queries made of several
 * clauses ("…. Also, …") may add the best tool of each clause. Arguments come from typed slot
 * filling (slot-filling.ts), whose context cues `fit` learns too; a parameter filled with a
 * coordinated list ("in Paris and Rome") fans out into parallel calls. The output is BFCL prompt
 * syntax (`[f(a=1)]`), so the real checker scores it.
 */
import { renderCalls, type ConcreteCall } from "../check/render.js";
import { rewrittenMessages, seedQuery } from "../loop/prompts.js";
import type { FcOutput } from "../schema/rollout.js";
import type { Sample } from "../schema/sample.js";
import type { Tool } from "../schema/tool.js";
import { expectedShape } from "../rewards/ground-truth.js";
import type { FcRequest, FcRole, RoleKind } from "../loop/roles.js";
import { InvalidInputError } from "../errors.js";
import { BaselineRng, baselineHash } from "./rng.js";
import { fillArguments, learnSlotCues, type BaselineSlotCues } from "./slot-filling.js";
import { baselineContentWords, baselineStem, baselineWords, splitIdentifier } from "./text.js";

/** Options of {@link LexicalFunctionCaller}. */
export interface LexicalFcOptions {
  /** Shown in run manifests and reports. @default "baseline:lexical-fc" */
  name?: string;
  /** log2 of the number of hashed feature slots. @default 18 */
  hashBits?: number;
  /** Lowest p(tool | query) at which the model calls a tool; below it, it abstains. @default 0.5 */
  threshold?: number;
  /**
   * A multi-clause query calls a further tool when one clause alone gives it p ≥ `threshold`
   * and the whole query gives it at least this much.
   * @default 0.1
   */
  secondaryThreshold?: number;
  /** Seed of `fit`'s example shuffling. @default 0 */
  seed?: number;
}

/** Options of {@link LexicalFunctionCaller.fit}. */
export interface LexicalFitOptions {
  /** Passes over the examples. @default 8 */
  epochs?: number;
  /** SGD step size of the selection model. @default 0.25 */
  learningRate?: number;
  /** Perceptron passes of the slot cues (argument filling). @default 3 */
  slotEpochs?: number;
}

/** What `fit` did. */
export interface LexicalFitSummary {
  /** (query, tool) pairs the selection model trained on. */
  pairs: number;
  epochs: number;
  /** Mean log-loss of the selection model over the last epoch. */
  finalLoss: number;
  /** Slot-cue perceptron updates over all passes. */
  slotUpdates: number;
}

/** JSON state of a {@link LexicalFunctionCaller} (`saveState` / `fromState`). */
export interface LexicalFcState {
  version: 1;
  options: Required<Omit<LexicalFcOptions, "name">> & { name: string };
  /** Non-zero selection weights as [slot, weight]. */
  weights: Array<[number, number]>;
  /** Slot cues: "tool\u0000param" → feature → weight. */
  cues: Record<string, Record<string, number>>;
}

/** One predicted call, before rendering. */
export type LexicalPrediction = { calls: ConcreteCall[]; scores: Array<{ tool: string; p: number }> };

/** Generic verbs in function names that say nothing about what a tool is for. */
const NAME_NOISE = new Set(["get", "set", "find", "calculate", "create", "make", "list", "fetch", "do", "run", "compute", "query", "search", "send"]);

/** Hand-set starting weights of the dense features. */
const PRIOR_WEIGHTS: Readonly<Record<string, number>> = {
  bias: -2,
  "d:name": 4,
  "d:desc": 3,
  "d:param": 1,
  "d:enum": 0.5,
  "d:char": 2,
};

interface ToolProfile {
  name: string;
  nameWords: string[];
  descWords: string[];
  paramWords: string[];
  enumForms: string[];
  trigrams: Set<string>;
}

type SparseVector = { idx: Int32Array; val: Float64Array };

const ABSTAIN_TEXT = "None of the available functions fits this request, so I will not call any.";

function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of baselineContentWords(text)) {
    const s = ` ${w} `;
    for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  }
  return out;
}

/** Clauses of a request: sentences, and parts joined by "also" / "then" / "after that". */
export function splitBaselineClauses(text: string): string[] {
  return text
    .split(/(?<=[.?!;])\s+|\s+(?:also|and then|then|after that|and also|plus)[,:]?\s+/i)
    .map((s) => s.trim().replace(/^(?:also|and then|then|after that|and also|plus|oh,? and)[,:]?\s+/i, ""))
    .filter((s) => s.length > 0);
}

/** The weight-free baseline FC model (see the module comment). Deterministic. */
export class LexicalFunctionCaller implements FcRole {
  readonly kind: RoleKind = "baseline";
  readonly name: string;
  private readonly options: LexicalFcState["options"];
  private readonly mask: number;
  private weights: Float64Array;
  private cues: BaselineSlotCues = new Map();
  private readonly profiles = new Map<string, ToolProfile>();

  constructor(options: LexicalFcOptions = {}) {
    this.name = options.name ?? "baseline:lexical-fc";
    this.options = {
      name: this.name,
      hashBits: options.hashBits ?? 18,
      threshold: options.threshold ?? 0.5,
      secondaryThreshold: options.secondaryThreshold ?? 0.1,
      seed: options.seed ?? 0,
    };
    if (!Number.isInteger(this.options.hashBits) || this.options.hashBits < 8 || this.options.hashBits > 24) {
      throw new InvalidInputError(`Expected hashBits to be an integer in [8, 24] for LexicalFunctionCaller but received ${this.options.hashBits}`);
    }
    this.mask = (1 << this.options.hashBits) - 1;
    this.weights = new Float64Array(1 << this.options.hashBits);
    for (const [k, w] of Object.entries(PRIOR_WEIGHTS)) this.weights[this.slot(k)] = w;
  }

  /** A model from `saveState()` output. */
  static fromState(state: unknown): LexicalFunctionCaller {
    const s = state as LexicalFcState;
    if (typeof s !== "object" || s === null || s.version !== 1 || !Array.isArray(s.weights)) {
      throw new InvalidInputError("Expected a LexicalFunctionCaller state (version 1) for LexicalFunctionCaller.fromState but received something else");
    }
    const fc = new LexicalFunctionCaller(s.options);
    fc.loadState(s);
    return fc;
  }

  /** JSON-serialisable state: options, non-zero weights, slot cues. */
  saveState(): LexicalFcState {
    const weights: Array<[number, number]> = [];
    this.weights.forEach((w, i) => {
      if (w !== 0) weights.push([i, w]);
    });
    const cues: LexicalFcState["cues"] = {};
    for (const [k, m] of this.cues) cues[k] = Object.fromEntries(m);
    return { version: 1, options: { ...this.options }, weights, cues };
  }

  /** Replace weights and cues with a saved state's (options must match in `hashBits`). */
  loadState(state: LexicalFcState): void {
    if (state.options.hashBits !== this.options.hashBits) {
      throw new InvalidInputError(`Expected a state with hashBits ${this.options.hashBits} for LexicalFunctionCaller.loadState but received ${state.options.hashBits}`);
    }
    this.weights = new Float64Array(1 << this.options.hashBits);
    for (const [i, w] of state.weights) this.weights[i] = w;
    this.cues = new Map(Object.entries(state.cues).map(([k, m]) => [k, new Map(Object.entries(m))]));
  }

  /** An independent copy (same weights, cues and options). */
  clone(name?: string): LexicalFunctionCaller {
    const state = this.saveState();
    const fc = new LexicalFunctionCaller({ ...state.options, ...(name !== undefined ? { name } : {}) });
    fc.loadState(state);
    return fc;
  }

  async answer(request: FcRequest): Promise<FcOutput> {
    return this.answerSync(request.sample);
  }

  /** `answer` without the promise (benchmarks, evaluation). */
  answerSync(sample: Sample): FcOutput {
    const { calls } = this.predict(sample);
    return { raw: calls.length === 0 ? ABSTAIN_TEXT : renderCalls(calls, "prompt", "python"), mode: "prompt" };
  }

  /** p(tool | text) for every tool, in the tools' order. */
  toolScores(text: string, tools: readonly Tool[]): Array<{ tool: string; p: number }> {
    return tools.map((t) => ({ tool: t.name, p: sigmoid(this.dot(this.features(text, t))) }));
  }

  /** The calls the model makes for the sample's last user message (empty = abstain). */
  predict(sample: Sample): LexicalPrediction {
    const text = seedQuery(sample);
    const tools = sample.tools;
    const scores = this.toolScores(text, tools);
    if (scores.length === 0) return { calls: [], scores };
    let best = 0;
    scores.forEach((s, i) => {
      if (s.p > scores[best]!.p) best = i;
    });
    if (scores[best]!.p < this.options.threshold) return { calls: [], scores };

    const chosen = [best];
    const clauses = splitBaselineClauses(text);
    const clauseBest: number[] = [];
    if (clauses.length > 1) {
      for (const c of clauses) {
        const cs = this.toolScores(c, tools);
        let b = 0;
        cs.forEach((s, i) => {
          if (s.p > cs[b]!.p) b = i;
        });
        clauseBest.push(cs[b]!.p >= this.options.threshold ? b : -1);
        if (cs[b]!.p >= this.options.threshold && scores[b]!.p >= this.options.secondaryThreshold && !chosen.includes(b)) chosen.push(b);
      }
    }
    // Each clause's text goes to the chosen tool it scores best for; a clause that names no
    // tool stays with its neighbour.
    const texts = new Map<number, string[]>(chosen.map((i) => [i, []]));
    if (chosen.length === 1) texts.set(best, [text]);
    else {
      let last = -1;
      const pending: string[] = [];
      clauses.forEach((c, k) => {
        const cs = this.toolScores(c, chosen.map((i) => tools[i]!));
        let b = 0;
        cs.forEach((s, i) => {
          if (s.p > cs[b]!.p) b = i;
        });
        const owner = clauseBest[k] !== -1 && chosen.includes(clauseBest[k]!) ? clauseBest[k]! : last !== -1 ? last : chosen[b]!;
        if (clauseBest[k] === -1 && last === -1) {
          pending.push(c);
          return;
        }
        texts.get(owner)!.push(...pending.splice(0), c);
        last = owner;
      });
      if (pending.length > 0) texts.get(best)!.push(...pending);
    }
    const calls: ConcreteCall[] = [];
    for (const i of [...chosen].sort((a, b) => a - b)) {
      const tool = tools[i]!;
      for (const args of fillArguments(tool, texts.get(i)!.join(" "), this.cues)) calls.push({ name: tool.name, args });
    }
    return { calls, scores };
  }

  /**
   * Train on samples (seeds, bad cases): the selection model by SGD on (query, tool) pairs, the
   * slot cues by a perceptron on the expected arguments. Deterministic for a given seed.
   */
  fit(samples: readonly Sample[], options: LexicalFitOptions = {}): LexicalFitSummary {
    const epochs = options.epochs ?? 8;
    const lr = options.learningRate ?? 0.25;
    const slotEpochs = options.slotEpochs ?? 3;
    const examples: Array<{ x: SparseVector; y: number }> = [];
    const slotExamples: Array<{ tool: Tool; text: string; args: Record<string, unknown[]> }> = [];
    for (const s of samples) {
      let text: string;
      try {
        text = seedQuery(s);
      } catch {
        continue;
      }
      const shape = expectedShape(s);
      if (shape.kind === "any-call") continue;
      const names = new Set(shape.kind === "calls" ? shape.names : []);
      for (const t of s.tools) examples.push({ x: this.features(text, t), y: names.has(t.name) ? 1 : 0 });
      if (!("calls" in s.expected)) continue;
      const clauses = splitBaselineClauses(text);
      const multiTool = names.size > 1;
      for (const call of s.expected.calls) {
        const tool = s.tools.find((t) => t.name === call.name);
        if (!tool) continue;
        // In multi-tool queries, learn cues from the clauses that mention the call's values.
        const own = multiTool ? clauses.filter((c) => this.toolScores(c, [tool])[0]!.p >= 0.3).join(" ") || text : text;
        slotExamples.push({ tool, text: own, args: call.args });
      }
    }
    const rng = new BaselineRng(this.options.seed);
    let loss = 0;
    for (let e = 0; e < epochs; e++) {
      loss = 0;
      for (const ex of rng.shuffle(examples)) {
        const p = sigmoid(this.dot(ex.x));
        loss -= ex.y === 1 ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12));
        const g = lr * (ex.y - p);
        for (let k = 0; k < ex.x.idx.length; k++) this.weights[ex.x.idx[k]!]! += g * ex.x.val[k]!;
      }
    }
    let slotUpdates = 0;
    for (let e = 0; e < slotEpochs; e++) {
      for (const ex of rng.shuffle(slotExamples)) slotUpdates += learnSlotCues(ex.tool, ex.text, ex.args, this.cues);
    }
    return { pairs: examples.length, epochs, finalLoss: examples.length ? loss / examples.length : 0, slotUpdates };
  }

  private slot(key: string): number {
    return baselineHash(key) & this.mask;
  }

  private dot(x: SparseVector): number {
    let s = 0;
    for (let k = 0; k < x.idx.length; k++) s += this.weights[x.idx[k]!]! * x.val[k]!;
    return s;
  }

  private profile(tool: Tool): ToolProfile {
    const key = `${tool.name}\u0000${tool.description ?? ""}\u0000${Object.keys((tool.parameters.properties ?? {}) as object).join(",")}`;
    let p = this.profiles.get(key);
    if (p) return p;
    const props = (tool.parameters.properties ?? {}) as Record<string, Record<string, unknown>>;
    const enumForms: string[] = [];
    const paramWords: string[] = [];
    for (const [name, schema] of Object.entries(props)) {
      paramWords.push(...splitIdentifier(name).map(baselineStem));
      const items = (schema.items ?? {}) as Record<string, unknown>;
      for (const e of [...(Array.isArray(schema.enum) ? schema.enum : []), ...(Array.isArray(items.enum) ? items.enum : [])]) enumForms.push(String(e).toLowerCase().replace(/_/g, " "));
    }
    const nameWords = splitIdentifier(tool.name).filter((w) => !NAME_NOISE.has(w)).map(baselineStem);
    p = {
      name: tool.name,
      nameWords: nameWords.length ? nameWords : splitIdentifier(tool.name).map(baselineStem),
      descWords: [...new Set(baselineContentWords(tool.description ?? ""))],
      paramWords: [...new Set(paramWords)],
      enumForms,
      trigrams: trigrams(`${tool.name.replace(/[_.]/g, " ")} ${tool.description ?? ""}`),
    };
    if (this.profiles.size > 10_000) this.profiles.clear();
    this.profiles.set(key, p);
    return p;
  }

  /** φ(query, tool): hashed sparse features with their values. */
  private features(text: string, tool: Tool): SparseVector {
    const prof = this.profile(tool);
    const words = baselineContentWords(text);
    const wordSet = new Set(words);
    const acc = new Map<number, number>();
    const add = (key: string, v: number): void => {
      const i = this.slot(key);
      acc.set(i, (acc.get(i) ?? 0) + v);
    };
    add("bias", 1);
    const share = (xs: readonly string[]): number => (xs.length === 0 ? 0 : xs.filter((w) => wordSet.has(w)).length / xs.length);
    add("d:name", share(prof.nameWords));
    add("d:desc", share(prof.descWords));
    add("d:param", share(prof.paramWords));
    const lower = text.toLowerCase();
    if (prof.enumForms.some((e) => lower.includes(e))) add("d:enum", 1);
    const qg = trigrams(text);
    let inter = 0;
    for (const g of qg) if (prof.trigrams.has(g)) inter++;
    const union = qg.size + prof.trigrams.size - inter;
    add("d:char", union === 0 ? 0 : inter / union);
    const scale = 1 / Math.sqrt(Math.max(1, words.length));
    for (const w of wordSet) {
      add(`qn:${w}|${prof.name}`, scale);
      for (const t of prof.nameWords) add(`qt:${w}|${t}`, scale);
    }
    for (let i = 0; i + 1 < words.length; i++) add(`qb:${words[i]}_${words[i + 1]}|${prof.name}`, scale);
    for (const w of baselineWords(text)) {
      if (w.length < 5 || /\d/.test(w)) continue;
      for (let i = 0; i + 4 <= w.length; i++) add(`qc:${w.slice(i, i + 4)}|${prof.name}`, scale * 0.5);
    }
    const idx = new Int32Array(acc.size);
    const val = new Float64Array(acc.size);
    let k = 0;
    for (const [i, v] of acc) {
      idx[k] = i;
      val[k++] = v;
    }
    return { idx, val };
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** A copy of `sample` whose last user message is `rewrite` (what the FC model answers in the loop). */
export function baselineRewrittenSample(sample: Sample, rewrite: string): Sample {
  return { ...sample, messages: rewrittenMessages(sample, rewrite) };
}
