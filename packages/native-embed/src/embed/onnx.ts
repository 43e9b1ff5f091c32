/**
 * `onnx`: a BERT / XLM-R family sentence-embedding model run with onnxruntime-node.
 *
 * Pipeline: tokenizer.json (truncated to the model's maximum length, see tokenizer.ts) → texts
 * sorted by token count, longest first (less padding; the caller's order is restored) → batches
 * padded to the batch's longest sequence → int64 `input_ids`, `attention_mask`, and
 * `token_type_ids` / `position_ids` only if the graph declares them → the token-level output →
 * attention-masked mean pooling (or the [CLS] token when the folder's 1_Pooling/config.json or
 * the `pooling` option says so) → L2 normalisation.
 *
 * Which output: `last_hidden_state`, else `token_embeddings` (sentence-transformers exports),
 * else the first output of rank 3 ([batch, seq, hidden]). A model with only a pooled output
 * (`sentence_embedding`, or any [batch, hidden] output) is trusted to have pooled itself: its
 * vectors are only L2-normalised, and `pooling` reads "model".
 *
 * Execution provider: `device: "auto"` uses CUDA when onnxruntime-node's CUDA provider library is
 * installed and the session can be created with it, else the CPU; `executionProvider` says which
 * ran and `executionProviderNote` why CUDA was not used.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as Ort from "onnxruntime-node";
import { config } from "../config.js";
import { assertTexts, l2NormalizeRow, resolveBatchSize, yieldToEventLoop, type EmbedOptions, type Embedder } from "./embedder.js";
import { EmbedError, ModelFormatError } from "./errors.js";
import { loadTokenizer, type EncodedText, type LoadedTokenizer } from "./tokenizer.js";

export type OnnxDevice = "auto" | "cpu" | "cuda";
export type OnnxPooling = "mean" | "cls";

export interface OnnxEmbedderOptions {
  /** A folder with model.onnx (or onnx/model.onnx) and tokenizer.json (+ optional tokenizer_config.json, config.json, sentence_bert_config.json, 1_Pooling/config.json). */
  folder: string;
  /** Reported name. @default `onnx:<folder>` */
  name?: string;
  /** Execution provider choice; "cuda" fails when CUDA cannot be used. @default config.embedDevice (ADVFC_EMBED_DEVICE, else "auto") */
  device?: OnnxDevice;
  /** Truncation length in tokens, special tokens included. @default see LoadTokenizerOptions.maxLength */
  maxLength?: number;
  /** Pooling of the token vectors. @default from 1_Pooling/config.json, else "mean" */
  pooling?: OnnxPooling;
  /** onnxruntime intra-op threads (CPU). @default 0 (onnxruntime's choice: one per physical core) */
  threads?: number;
  /** Sort texts by token count before batching (fewer pad tokens); results keep the caller's order. @default true */
  sortByLength?: boolean;
}

const CUDA_INSTALL_HINT =
  "to enable CUDA, install onnxruntime-node's CUDA 12 provider (the project's .npmrc skips that download): " +
  "ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js";

let ortModule: Promise<typeof Ort> | undefined;
/** onnxruntime-node is loaded on first use, so importing this package (hash embedder, kernels) never loads libonnxruntime. */
function loadOrt(): Promise<typeof Ort> {
  ortModule ??= import("onnxruntime-node").catch((e: unknown) => {
    ortModule = undefined;
    throw new EmbedError(`cannot load onnxruntime-node: ${(e as Error).message}`, { cause: e });
  });
  return ortModule;
}

/** The model file in a folder: model.onnx, else onnx/model.onnx; undefined when neither exists. */
export function findOnnxModel(folder: string): string | undefined {
  for (const rel of ["model.onnx", join("onnx", "model.onnx")]) {
    const p = join(folder, rel);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Whether onnxruntime-node's CUDA provider library is present next to its binding. */
export function cudaProviderInstalled(): boolean {
  try {
    const dist = dirname(createRequire(import.meta.url).resolve("onnxruntime-node"));
    const bin = join(dist, "..", "bin", "napi-v6", process.platform, process.arch);
    return existsSync(join(bin, "libonnxruntime_providers_cuda.so")) || existsSync(join(bin, "onnxruntime_providers_cuda.dll"));
  } catch {
    return false;
  }
}

function poolingFromFolder(folder: string): OnnxPooling | undefined {
  const p = join(folder, "1_Pooling", "config.json");
  if (!existsSync(p)) return undefined;
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new ModelFormatError(`not valid JSON (${(e as Error).message})`, p);
  }
  if (c.pooling_mode_mean_tokens === true) return "mean";
  if (c.pooling_mode_cls_token === true) return "cls";
  const mode = Object.keys(c).find((k) => k.startsWith("pooling_mode_") && c[k] === true) ?? "none";
  throw new ModelFormatError(`pooling ${mode} is not supported (mean and cls are); pass the pooling option to override`, p);
}

function pickOutput(session: Ort.InferenceSession): { name: string; rank: number | undefined } {
  const meta = session.outputMetadata;
  const rank = (name: string) => {
    const m = meta.find((x) => x.name === name);
    return m?.isTensor && m.shape.length > 0 ? m.shape.length : undefined;
  };
  const names = session.outputNames;
  const chosen =
    names.find((n) => n === "last_hidden_state") ??
    names.find((n) => n === "token_embeddings") ??
    names.find((n) => rank(n) === 3) ??
    names.find((n) => n === "sentence_embedding") ??
    names.find((n) => rank(n) === 2) ??
    names[0];
  if (chosen === undefined) throw new EmbedError("the ONNX model has no outputs");
  return { name: chosen, rank: rank(chosen) };
}

export class OnnxEmbedder implements Embedder {
  readonly name: string;
  readonly description = "sentence-embedding model: measures semantic similarity";
  /** The execution provider the session was created with. */
  readonly executionProvider: "cuda" | "cpu";
  /** Why CUDA is not used (undefined when it is, or when device was "cpu"). */
  readonly executionProviderNote: string | undefined;
  /** The ONNX file loaded. */
  readonly modelPath: string;
  /** The model output read. */
  readonly outputName: string;
  private readonly sortByLength: boolean;
  private disposed = false;
  private _dim: number;
  private _pooling: OnnxPooling | "model";

  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly tokenizer: LoadedTokenizer,
    init: { name: string; ep: "cuda" | "cpu"; note: string | undefined; modelPath: string; output: string; dim: number; pooling: OnnxPooling | "model"; sort: boolean },
  ) {
    this.name = init.name;
    this.executionProvider = init.ep;
    this.executionProviderNote = init.note;
    this.modelPath = init.modelPath;
    this.outputName = init.output;
    this._dim = init.dim;
    this._pooling = init.pooling;
    this.sortByLength = init.sort;
  }

  get dim(): number {
    return this._dim;
  }
  /** "mean" / "cls": pooled here from token vectors; "model": the model's own pooled output. */
  get pooling(): OnnxPooling | "model" {
    return this._pooling;
  }
  /** Truncation length in tokens (special tokens included). */
  get maxLength(): number {
    return this.tokenizer.maxLength;
  }

  static async create(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const { folder } = options;
    const modelPath = findOnnxModel(folder);
    if (modelPath === undefined) throw new ModelFormatError("no model.onnx or onnx/model.onnx in this folder", folder);
    const tokenizer = await loadTokenizer(folder, { maxLength: options.maxLength });
    const pooling = options.pooling ?? poolingFromFolder(folder) ?? "mean";
    if (pooling !== "mean" && pooling !== "cls") throw new RangeError(`Expected "mean" or "cls" for pooling but received ${JSON.stringify(pooling)}`);
    const device = options.device ?? config.embedDevice;
    if (device !== "auto" && device !== "cpu" && device !== "cuda") throw new RangeError(`Expected "auto", "cpu" or "cuda" for device but received ${JSON.stringify(device)}`);
    const threads = options.threads ?? 0;
    if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`Expected a non-negative integer for threads but received ${threads}`);

    const ort = await loadOrt();
    const base: Ort.InferenceSession.SessionOptions = { graphOptimizationLevel: "all", logSeverityLevel: 3, ...(threads > 0 ? { intraOpNumThreads: threads } : {}) };
    const open = (eps: string[]) => ort.InferenceSession.create(modelPath, { ...base, executionProviders: eps });
    let session: Ort.InferenceSession | undefined;
    let ep: "cuda" | "cpu" = "cpu";
    let note: string | undefined;
    if (device !== "cpu") {
      if (!cudaProviderInstalled()) {
        note = `CUDA provider library not installed; ${CUDA_INSTALL_HINT}`;
        if (device === "cuda") throw new EmbedError(`device "cuda" requested but ${note}`);
      } else {
        try {
          session = await open(["cuda", "cpu"]);
          ep = "cuda";
        } catch (e) {
          note = `creating the session with CUDA failed: ${(e as Error).message.split("\n")[0]}`;
          if (device === "cuda") throw new EmbedError(`device "cuda" requested but ${note}`, { cause: e });
        }
      }
    }
    try {
      session ??= await open(["cpu"]);
    } catch (e) {
      throw new ModelFormatError(`onnxruntime cannot load it: ${(e as Error).message}`, modelPath);
    }

    const known = new Set(["input_ids", "attention_mask", "token_type_ids", "position_ids"]);
    const unknown = session.inputNames.filter((n) => !known.has(n));
    if (!session.inputNames.includes("input_ids") || unknown.length > 0) {
      await session.release();
      throw new ModelFormatError(
        `expected inputs input_ids, attention_mask and optionally token_type_ids / position_ids but the model declares ${session.inputNames.join(", ")}`,
        modelPath,
      );
    }
    const out = pickOutput(session);
    const meta = session.outputMetadata.find((m) => m.name === out.name);
    const lastDim = meta?.isTensor ? meta.shape[meta.shape.length - 1] : undefined;
    const embedder = new OnnxEmbedder(ort, session, tokenizer, {
      name: options.name ?? `onnx:${folder}`,
      ep,
      note,
      modelPath,
      output: out.name,
      dim: typeof lastDim === "number" ? lastDim : 0,
      pooling: out.rank === 2 ? "model" : pooling,
      sort: options.sortByLength ?? true,
    });
    // Shapes not declared in the graph: learn dim and rank from one tiny run.
    if (embedder._dim === 0 || out.rank === undefined) {
      try {
        await embedder.embed(["hello"], { batchSize: 1 });
      } catch (e) {
        await embedder.dispose();
        throw e;
      }
    }
    return embedder;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array> {
    if (this.disposed) throw new EmbedError(`${this.name}: embed() after dispose()`);
    assertTexts(texts);
    const batchSize = resolveBatchSize(options.batchSize);
    const { signal, onProgress } = options;
    signal?.throwIfAborted();
    const n = texts.length;
    const encoded: EncodedText[] = [];
    for (let i = 0; i < n; i++) {
      encoded.push(this.tokenizer.encode(texts[i] as string));
      if ((i & 1023) === 1023) {
        await yieldToEventLoop();
        signal?.throwIfAborted();
      }
    }
    const order = Array.from({ length: n }, (_, i) => i);
    // Longest first: the biggest batch runs first, so an out-of-memory shows up at once. Ties
    // keep input order (Array.prototype.sort is stable).
    if (this.sortByLength) order.sort((a, b) => (encoded[b] as EncodedText).ids.length - (encoded[a] as EncodedText).ids.length);

    let out = new Float32Array(n * this._dim);
    const wantsTypes = this.session.inputNames.includes("token_type_ids");
    const wantsPositions = this.session.inputNames.includes("position_ids");
    const wantsMask = this.session.inputNames.includes("attention_mask");
    for (let start = 0; start < n; start += batchSize) {
      signal?.throwIfAborted();
      const rows = order.slice(start, start + batchSize);
      const b = rows.length;
      const L = Math.max(...rows.map((r) => (encoded[r] as EncodedText).ids.length));
      const ids = new BigInt64Array(b * L).fill(BigInt(this.tokenizer.padId));
      const mask = new BigInt64Array(b * L);
      const types = new BigInt64Array(b * L);
      rows.forEach((r, k) => {
        const e = encoded[r] as EncodedText;
        for (let s = 0; s < e.ids.length; s++) {
          ids[k * L + s] = BigInt(e.ids[s] as number);
          mask[k * L + s] = 1n;
          types[k * L + s] = BigInt(e.typeIds[s] ?? 0);
        }
      });
      const { Tensor } = this.ort;
      const feeds: Record<string, Ort.Tensor> = { input_ids: new Tensor("int64", ids, [b, L]) };
      if (wantsMask) feeds.attention_mask = new Tensor("int64", mask, [b, L]);
      if (wantsTypes) feeds.token_type_ids = new Tensor("int64", types, [b, L]);
      if (wantsPositions) {
        const pos = new BigInt64Array(b * L);
        for (let k = 0; k < b; k++) for (let s = 0; s < L; s++) pos[k * L + s] = BigInt(s);
        feeds.position_ids = new Tensor("int64", pos, [b, L]);
      }
      let result: Ort.InferenceSession.OnnxValueMapType;
      try {
        result = await this.session.run(feeds, [this.outputName]);
      } catch (e) {
        throw new EmbedError(`${this.name}: onnxruntime failed on a batch of ${b} × ${L} tokens: ${(e as Error).message}`, { cause: e });
      }
      const t = result[this.outputName] as Ort.Tensor;
      const data = t.data as Float32Array;
      if (t.type !== "float32" || (t.dims.length !== 3 && t.dims.length !== 2) || t.dims[0] !== b) {
        throw new ModelFormatError(`output ${this.outputName} is ${t.type} [${t.dims.join(", ")}]; expected float32 [batch, seq, hidden] or [batch, hidden]`, this.modelPath);
      }
      const H = t.dims[t.dims.length - 1] as number;
      if (this._dim === 0) {
        this._dim = H;
        out = new Float32Array(n * H);
      } else if (H !== this._dim) {
        throw new ModelFormatError(`output ${this.outputName} has hidden size ${H}, expected ${this._dim}`, this.modelPath);
      }
      if (t.dims.length === 2) this._pooling = "model";
      const acc = new Float64Array(H);
      rows.forEach((r, k) => {
        acc.fill(0);
        if (t.dims.length === 2) {
          for (let h = 0; h < H; h++) acc[h] = data[k * H + h] as number;
        } else if (this._pooling === "cls") {
          const base = k * L * H;
          for (let h = 0; h < H; h++) acc[h] = data[base + h] as number;
        } else {
          const len = (encoded[r] as EncodedText).ids.length;
          for (let s = 0; s < len; s++) {
            const base = (k * L + s) * H;
            for (let h = 0; h < H; h++) acc[h]! += data[base + h] as number;
          }
          for (let h = 0; h < H; h++) acc[h]! /= len;
        }
        l2NormalizeRow(acc, 0, H);
        for (let h = 0; h < H; h++) out[r * H + h] = acc[h] as number;
      });
      t.dispose();
      onProgress?.(Math.min(n, start + b), n);
    }
    signal?.throwIfAborted();
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}
