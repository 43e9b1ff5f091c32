/**
 * Generates a tiny random-weight BERT-style sentence-embedding model for tests: an ONNX graph
 * (opset 17) plus a matching tokenizer.json (+ tokenizer_config.json, config.json) in a folder,
 * exactly the layout `createEmbedder("onnx:<folder>")` reads. Nothing is downloaded. The weights
 * are returned too, so tests can check onnxruntime's output against `referenceForward`, a plain
 * float64 re-implementation of the same network.
 *
 * Architecture (per layer, post-LayerNorm as in BERT): multi-head self-attention with the
 * additive mask bias `(1 − mask) · −10000`, output projection, residual + LayerNorm, GELU FFN
 * (erf form), residual + LayerNorm. Embeddings: word + position + token type, then LayerNorm.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ONNX_FLOAT, ONNX_INT64, OnnxGraphBuilder, type OnnxValueInfo } from "./onnx-builder.js";

export interface TinyBertOptions {
  /** PRNG seed of the weights. @default 1234 */
  seed?: number;
  /**
   * `wordpiece`: a BERT tokenizer ([PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, lowercase).
   * `unigram`: an XLM-R style SentencePiece Unigram tokenizer (<s>=0, <pad>=1, </s>=2, <unk>=3).
   * @default "wordpiece"
   */
  tokenizer?: "wordpiece" | "unigram";
  /** Whether the graph declares a `token_type_ids` input (XLM-R exports do not). @default tokenizer === "wordpiece" */
  tokenTypeInput?: boolean;
  /**
   * Graph outputs: `hidden` = `last_hidden_state` only; `pooler+hidden` = `pooler_output`
   * ([batch, hidden], tanh of a dense layer over the first token) first, then `last_hidden_state`;
   * `pooled` = only `sentence_embedding` (the same pooler), as a model with its own pooling.
   * @default "hidden"
   */
  outputs?: "hidden" | "pooler+hidden" | "pooled";
  /** @default 32 */
  hidden?: number;
  /** @default 2 */
  layers?: number;
  /** @default 4 */
  heads?: number;
  /** @default 64 */
  intermediate?: number;
  /** Size of the position-embedding table (the longest input the model accepts). @default 64 */
  maxPositions?: number;
  /** Written to tokenizer_config.json as `model_max_length`; omitted when undefined. @default undefined */
  modelMaxLength?: number;
}

export interface TinyBertLayer {
  wq: Float32Array; bq: Float32Array; wk: Float32Array; bk: Float32Array; wv: Float32Array; bv: Float32Array;
  wo: Float32Array; bo: Float32Array; ln1g: Float32Array; ln1b: Float32Array;
  w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; ln2g: Float32Array; ln2b: Float32Array;
}

/** All weights; matrices are row-major [in, out] (y = x · W + b). */
export interface TinyBertWeights {
  vocabSize: number; hidden: number; heads: number; intermediate: number; maxPositions: number;
  tokenTypeInput: boolean;
  wordEmb: Float32Array; posEmb: Float32Array; typeEmb: Float32Array; embLnG: Float32Array; embLnB: Float32Array;
  layers: TinyBertLayer[];
  poolerW: Float32Array; poolerB: Float32Array;
}

export interface TinyBertModel {
  folder: string;
  weights: TinyBertWeights;
  /** The tokenizer.json object written to the folder. */
  tokenizerJson: Record<string, unknown>;
  /** The padding token id (0 for wordpiece, 1 for unigram). */
  padId: number;
  outputs: "hidden" | "pooler+hidden" | "pooled";
}

/** mulberry32: a small, well-known seeded 32-bit PRNG → uniform [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "is", "are", "what", "how", "please", "can", "you",
  "me", "my", "i", "weather", "paris", "london", "tokyo", "book", "flight", "hotel", "call", "function", "get",
  "find", "search", "set", "alarm", "time", "today", "tomorrow", "price", "stock", "send", "email", "message",
  "play", "music", "song", "temperature", "city", "day", "days", "order", "pizza", "with", "cheese", "from",
  "news", "about", "tell", "show", "list", "open",
];
const CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".split("");
const PUNCT = ".,!?'\"-:;()/".split("");
const CJK = ["你", "好", "天", "气", "北", "京"];

function wordpieceTokenizer(): { json: Record<string, unknown>; vocabSize: number } {
  const special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const vocab: Record<string, number> = {};
  for (const t of [...special, ...WORDS, ...CHARS, ...PUNCT, ...CJK, ...CHARS.map((c) => `##${c}`), "##s", "##ing", "##ed"]) {
    if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  }
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [2], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [3], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
  return { json, vocabSize: Object.keys(vocab).length };
}

function unigramTokenizer(): { json: Record<string, unknown>; vocabSize: number } {
  const special = ["<s>", "<pad>", "</s>", "<unk>"];
  const pieces: [string, number][] = special.map((s) => [s, 0]);
  const seen = new Set<string>(special);
  const add = (p: string, score: number) => {
    if (!seen.has(p)) {
      seen.add(p);
      pieces.push([p, score]);
    }
  };
  WORDS.forEach((w, i) => add(`▁${w}`, -3 - i / 100));
  add("▁", -5);
  for (const c of [...CHARS, ...PUNCT, ...CJK]) add(c, -8);
  for (const c of CHARS) add(`▁${c}`, -7);
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: "Lowercase" },
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } },
        { SpecialToken: { id: "</s>", type_id: 0 } }, { Sequence: { id: "B", type_id: 0 } }, { SpecialToken: { id: "</s>", type_id: 0 } },
      ],
      special_tokens: {
        "<s>": { id: "<s>", ids: [0], tokens: ["<s>"] },
        "</s>": { id: "</s>", ids: [2], tokens: ["</s>"] },
      },
    },
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    model: { type: "Unigram", unk_id: 3, vocab: pieces, byte_fallback: false },
  };
  return { json, vocabSize: pieces.length };
}

function makeWeights(vocabSize: number, o: Required<Omit<TinyBertOptions, "modelMaxLength" | "tokenizer" | "outputs">>): TinyBertWeights {
  const rand = prng(o.seed);
  // Uniform with std 1/sqrt(fan_in) (or `std` directly): activations stay O(1), so attention is
  // far from uniform and a masking bug changes the result visibly.
  const u = (n: number, std: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * std * Math.sqrt(3));
  const H = o.hidden;
  const I = o.intermediate;
  const lnG = () => Float32Array.from({ length: H }, () => 1 + (rand() * 2 - 1) * 0.2);
  const layers: TinyBertLayer[] = [];
  for (let l = 0; l < o.layers; l++) {
    layers.push({
      wq: u(H * H, 1 / Math.sqrt(H)), bq: u(H, 0.1), wk: u(H * H, 1 / Math.sqrt(H)), bk: u(H, 0.1),
      wv: u(H * H, 1 / Math.sqrt(H)), bv: u(H, 0.1), wo: u(H * H, 1 / Math.sqrt(H)), bo: u(H, 0.1),
      ln1g: lnG(), ln1b: u(H, 0.1), w1: u(H * I, 1 / Math.sqrt(H)), b1: u(I, 0.1), w2: u(I * H, 1 / Math.sqrt(I)), b2: u(H, 0.1),
      ln2g: lnG(), ln2b: u(H, 0.1),
    });
  }
  return {
    vocabSize, hidden: H, heads: o.heads, intermediate: I, maxPositions: o.maxPositions, tokenTypeInput: o.tokenTypeInput,
    wordEmb: u(vocabSize * H, 1), posEmb: u(o.maxPositions * H, 0.5), typeEmb: u(2 * H, 0.5), embLnG: lnG(), embLnB: u(H, 0.1),
    layers, poolerW: u(H * H, 1 / Math.sqrt(H)), poolerB: u(H, 0.1),
  };
}

function buildGraph(w: TinyBertWeights, outputs: TinyBertModel["outputs"]): Uint8Array {
  const g = new OnnxGraphBuilder("tiny-bert");
  const H = w.hidden;
  const nh = w.heads;
  const hd = H / nh;
  const ln = (x: string, gamma: Float32Array, beta: Float32Array) =>
    g.op("LayerNormalization", [x, g.f32([H], gamma), g.f32([H], beta)], { axis: { i: -1 }, epsilon: { f: 1e-12 } });
  const dense = (x: string, W: Float32Array, b: Float32Array, fin: number, fout: number) =>
    g.op("Add", [g.op("MatMul", [x, g.f32([fin, fout], W)]), g.f32([fout], b)]);

  // Embeddings.
  let x = g.op("Gather", [g.f32([w.vocabSize, H], w.wordEmb, "embeddings.word_embeddings.weight"), "input_ids"]);
  const seqLen = g.op("Gather", [g.op("Shape", ["input_ids"]), g.i64([], [1])], { axis: { i: 0 } });
  const positions = g.op("Range", [g.i64([], [0]), seqLen, g.i64([], [1])]);
  x = g.op("Add", [x, g.op("Gather", [g.f32([w.maxPositions, H], w.posEmb, "embeddings.position_embeddings.weight"), positions])]);
  if (w.tokenTypeInput) {
    x = g.op("Add", [x, g.op("Gather", [g.f32([2, H], w.typeEmb, "embeddings.token_type_embeddings.weight"), "token_type_ids"])]);
  } else {
    x = g.op("Add", [x, g.f32([H], w.typeEmb.subarray(0, H))]);
  }
  x = ln(x, w.embLnG, w.embLnB);

  // Additive attention-mask bias, [batch, 1, 1, seq].
  const maskF = g.op("Cast", ["attention_mask"], { to: { i: ONNX_FLOAT } });
  const bias = g.op("Mul", [g.op("Sub", [g.f32([], [1]), maskF]), g.f32([], [-10000])]);
  const bias4 = g.op("Unsqueeze", [bias, g.i64([2], [1, 2])]);
  const heads4 = g.i64([4], [0, 0, nh, hd]);
  const merge3 = g.i64([3], [0, 0, H]);
  const scale = g.f32([], [1 / Math.sqrt(hd)]);

  for (const L of w.layers) {
    const split = (t: string, perm: number[]) => g.op("Transpose", [g.op("Reshape", [t, heads4])], { perm: { ints: perm } });
    const q = split(dense(x, L.wq, L.bq, H, H), [0, 2, 1, 3]);
    const kT = split(dense(x, L.wk, L.bk, H, H), [0, 2, 3, 1]);
    const v = split(dense(x, L.wv, L.bv, H, H), [0, 2, 1, 3]);
    const scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, kT]), scale]), bias4]);
    const probs = g.op("Softmax", [scores], { axis: { i: -1 } });
    const ctx = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v])], { perm: { ints: [0, 2, 1, 3] } }), merge3]);
    x = ln(g.op("Add", [dense(ctx, L.wo, L.bo, H, H), x]), L.ln1g, L.ln1b);
    const f = dense(x, L.w1, L.b1, H, w.intermediate);
    const erf = g.op("Erf", [g.op("Div", [f, g.f32([], [Math.SQRT2])])]);
    const gelu = g.op("Mul", [g.op("Mul", [f, g.op("Add", [erf, g.f32([], [1])])]), g.f32([], [0.5])]);
    x = ln(g.op("Add", [dense(gelu, L.w2, L.b2, w.intermediate, H), x]), L.ln2g, L.ln2b);
  }

  const inputs: OnnxValueInfo[] = [
    { name: "input_ids", elemType: ONNX_INT64, shape: ["batch_size", "sequence_length"] },
    { name: "attention_mask", elemType: ONNX_INT64, shape: ["batch_size", "sequence_length"] },
  ];
  if (w.tokenTypeInput) inputs.push({ name: "token_type_ids", elemType: ONNX_INT64, shape: ["batch_size", "sequence_length"] });
  const hiddenInfo: OnnxValueInfo = { name: "last_hidden_state", elemType: ONNX_FLOAT, shape: ["batch_size", "sequence_length", H] };
  const pooled = (name: string) => {
    const first = g.op("Gather", [x, g.i64([], [0])], { axis: { i: 1 } });
    g.op("Tanh", [dense(first, w.poolerW, w.poolerB, H, H)], {}, name);
    return { name, elemType: ONNX_FLOAT, shape: ["batch_size", H] } satisfies OnnxValueInfo;
  };
  const outs: OnnxValueInfo[] = [];
  if (outputs === "pooled") outs.push(pooled("sentence_embedding"));
  else {
    if (outputs === "pooler+hidden") outs.push(pooled("pooler_output"));
    g.op("Identity", [x], {}, "last_hidden_state");
    outs.push(hiddenInfo);
  }
  return g.build(inputs, outs);
}

/**
 * Writes model.onnx (or onnx/model.onnx with `onnxSubfolder`), tokenizer.json,
 * tokenizer_config.json and config.json into `folder` and returns the weights.
 */
export function writeTinyBertModel(folder: string, options: TinyBertOptions & { onnxSubfolder?: boolean } = {}): TinyBertModel {
  const tokenizer = options.tokenizer ?? "wordpiece";
  const tok = tokenizer === "wordpiece" ? wordpieceTokenizer() : unigramTokenizer();
  const outputs = options.outputs ?? "hidden";
  const weights = makeWeights(tok.vocabSize, {
    seed: options.seed ?? 1234,
    tokenTypeInput: options.tokenTypeInput ?? tokenizer === "wordpiece",
    hidden: options.hidden ?? 32,
    layers: options.layers ?? 2,
    heads: options.heads ?? 4,
    intermediate: options.intermediate ?? 64,
    maxPositions: options.maxPositions ?? 64,
  });
  if (weights.hidden % weights.heads !== 0) throw new Error(`hidden ${weights.hidden} is not divisible by heads ${weights.heads}`);
  mkdirSync(folder, { recursive: true });
  const modelPath = options.onnxSubfolder ? join(folder, "onnx", "model.onnx") : join(folder, "model.onnx");
  if (options.onnxSubfolder) mkdirSync(join(folder, "onnx"), { recursive: true });
  writeFileSync(modelPath, buildGraph(weights, outputs));
  writeFileSync(join(folder, "tokenizer.json"), JSON.stringify(tok.json));
  const padToken = tokenizer === "wordpiece" ? "[PAD]" : "<pad>";
  const tokConfig: Record<string, unknown> = { pad_token: padToken, do_lower_case: true };
  if (options.modelMaxLength !== undefined) tokConfig.model_max_length = options.modelMaxLength;
  writeFileSync(join(folder, "tokenizer_config.json"), JSON.stringify(tokConfig));
  writeFileSync(
    join(folder, "config.json"),
    JSON.stringify({ model_type: "bert", hidden_size: weights.hidden, num_hidden_layers: weights.layers.length, num_attention_heads: weights.heads, intermediate_size: weights.intermediate, max_position_embeddings: weights.maxPositions, vocab_size: weights.vocabSize, type_vocab_size: 2 }),
  );
  return { folder, weights, tokenizerJson: tok.json, padId: tokenizer === "wordpiece" ? 0 : 1, outputs };
}

// ---------------------------------------------------------------------------------------------
// float64 reference

function layerNorm(x: Float64Array, g: Float32Array, b: Float32Array, eps = 1e-12): Float64Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let varc = 0;
  for (const v of x) varc += (v - mean) ** 2;
  varc /= x.length;
  const inv = 1 / Math.sqrt(varc + eps);
  return x.map((v, i) => (v - mean) * inv * (g[i] as number) + (b[i] as number));
}

function denseRef(x: Float64Array, W: Float32Array, b: Float32Array, fout: number): Float64Array {
  const y = new Float64Array(fout);
  for (let o = 0; o < fout; o++) {
    let s = b[o] as number;
    for (let i = 0; i < x.length; i++) s += (x[i] as number) * (W[i * fout + o] as number);
    y[o] = s;
  }
  return y;
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is only 1e-7 accurate; use a series / continued-fraction pair
  // that is accurate to ~1e-15 so the reference is not the weak link.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = 0;
    let term = ax;
    for (let n = 0; n < 60; n++) {
      sum += term / (2 * n + 1);
      term *= (-ax * ax) / (n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz), converges fast for |x| ≥ 2.5.
  let f = ax;
  let C = ax;
  let D = 0;
  for (let k = 1; k < 200; k++) {
    const a = k / 2;
    D = ax + a * D;
    D = D === 0 ? 1e-300 : 1 / D;
    C = ax + a / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

/**
 * The network's hidden states for ONE unpadded sequence, in float64: [seq][hidden].
 * `typeIds` defaults to zeros.
 */
export function referenceHidden(w: TinyBertWeights, ids: readonly number[], typeIds?: readonly number[]): Float64Array[] {
  const H = w.hidden;
  const nh = w.heads;
  const hd = H / nh;
  const S = ids.length;
  let x: Float64Array[] = ids.map((id, p) => {
    const t = typeIds?.[p] ?? 0;
    const e = new Float64Array(H);
    for (let h = 0; h < H; h++) e[h] = (w.wordEmb[id * H + h] as number) + (w.posEmb[p * H + h] as number) + (w.typeEmb[t * H + h] as number);
    return layerNorm(e, w.embLnG, w.embLnB);
  });
  for (const L of w.layers) {
    const q = x.map((r) => denseRef(r, L.wq, L.bq, H));
    const k = x.map((r) => denseRef(r, L.wk, L.bk, H));
    const v = x.map((r) => denseRef(r, L.wv, L.bv, H));
    const ctx = x.map(() => new Float64Array(H));
    for (let head = 0; head < nh; head++) {
      for (let i = 0; i < S; i++) {
        const scores = new Float64Array(S);
        for (let j = 0; j < S; j++) {
          let s = 0;
          for (let d = 0; d < hd; d++) s += (q[i]![head * hd + d] as number) * (k[j]![head * hd + d] as number);
          scores[j] = s / Math.sqrt(hd);
        }
        const m = Math.max(...scores);
        let z = 0;
        for (let j = 0; j < S; j++) z += Math.exp((scores[j] as number) - m);
        for (let j = 0; j < S; j++) {
          const p = Math.exp((scores[j] as number) - m) / z;
          for (let d = 0; d < hd; d++) ctx[i]![head * hd + d]! += p * (v[j]![head * hd + d] as number);
        }
      }
    }
    x = x.map((r, i) => {
      const a = denseRef(ctx[i]!, L.wo, L.bo, H).map((val, h) => val + (r[h] as number));
      const y = layerNorm(a, L.ln1g, L.ln1b);
      const f = denseRef(y, L.w1, L.b1, w.intermediate).map((val) => 0.5 * val * (1 + erf(val / Math.SQRT2)));
      return layerNorm(denseRef(f, L.w2, L.b2, H).map((val, h) => val + (y[h] as number)), L.ln2g, L.ln2b);
    });
  }
  return x;
}

/** Reference sentence embedding of one token sequence: mean over its tokens (or the pooler), L2-normalised. */
export function referenceEmbedding(w: TinyBertWeights, ids: readonly number[], pooling: "mean" | "pooler" = "mean"): Float64Array {
  const h = referenceHidden(w, ids);
  let e: Float64Array;
  if (pooling === "pooler") e = denseRef(h[0]!, w.poolerW, w.poolerB, w.hidden).map(Math.tanh);
  else {
    e = new Float64Array(w.hidden);
    for (const r of h) for (let d = 0; d < w.hidden; d++) e[d]! += (r[d] as number) / h.length;
  }
  const n = Math.hypot(...e);
  return n > 0 ? e.map((v) => v / n) : e;
}
