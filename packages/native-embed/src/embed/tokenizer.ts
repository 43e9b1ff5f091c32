/**
 * Loads a Hugging Face tokenizer (tokenizer.json + optional tokenizer_config.json) from a model
 * folder with @huggingface/tokenizers (pure JS: WordPiece, BPE, Unigram) and adds what that
 * library leaves out: truncation to the model's maximum length and the padding id.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Tokenizer } from "@huggingface/tokenizers";
import { ModelFormatError } from "./errors.js";

/** Used when nothing in the folder states a maximum length. */
export const DEFAULT_MAX_LENGTH = 512;

export interface EncodedText {
  /** Token ids including the special tokens (e.g. [CLS] … [SEP]), at most `maxLength`. */
  ids: number[];
  /** Segment ids, same length (zeros for a single sequence in BERT and XLM-R). */
  typeIds: number[];
}

export interface LoadedTokenizer {
  encode(text: string): EncodedText;
  /** Longest sequence fed to the model, special tokens included. */
  readonly maxLength: number;
  /** Which file (and key) decided `maxLength`, for reports. */
  readonly maxLengthSource: string;
  /** Token id used to pad a batch (masked out, so its value only matters to the model's own checks). */
  readonly padId: number;
}

export interface LoadTokenizerOptions {
  /**
   * Truncate to this many tokens (special tokens included); capped by the model's position table
   * when config.json states it. @default from sentence_bert_config.json `max_seq_length`, else
   * tokenizer_config.json `model_max_length`, else tokenizer.json `truncation.max_length`, else 512
   */
  maxLength?: number;
}

async function readJson(path: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(path)) {
    if (required) throw new ModelFormatError("file not found", path);
    return undefined;
  }
  let v: unknown;
  try {
    v = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new ModelFormatError(`not valid JSON (${(e as Error).message})`, path);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ModelFormatError("expected a JSON object", path);
  return v as Record<string, unknown>;
}

function positiveInt(v: unknown): number | undefined {
  // transformers writes model_max_length = 1e30 (int(1e30)) when the length is unknown.
  return typeof v === "number" && Number.isInteger(v) && v > 0 && v < 1e7 ? v : undefined;
}

/** The longest input the position-embedding table allows, from config.json, if stated. */
function positionLimit(config: Record<string, unknown> | undefined): number | undefined {
  const mpe = positiveInt(config?.max_position_embeddings);
  if (mpe === undefined) return undefined;
  // RoBERTa-family position ids start at padding_idx + 1 (514 positions → 512 tokens).
  const type = String(config?.model_type ?? "");
  if (["roberta", "xlm-roberta", "camembert", "xlm-roberta-xl", "longformer"].includes(type)) {
    const pad = typeof config?.pad_token_id === "number" ? config.pad_token_id : 1;
    return mpe - pad - 1;
  }
  return mpe;
}

export async function loadTokenizer(folder: string, options: LoadTokenizerOptions = {}): Promise<LoadedTokenizer> {
  const tokPath = join(folder, "tokenizer.json");
  const tokJson = (await readJson(tokPath, true)) as Record<string, unknown>;
  const tokConfig = (await readJson(join(folder, "tokenizer_config.json"), false)) ?? {};
  const modelConfig = await readJson(join(folder, "config.json"), false);
  const stConfig = await readJson(join(folder, "sentence_bert_config.json"), false);

  let tokenizer: Tokenizer;
  try {
    // Loaded on first use: only the onnx embedder needs it.
    const { Tokenizer: TokenizerClass } = await import("@huggingface/tokenizers");
    tokenizer = new TokenizerClass(tokJson, tokConfig);
  } catch (e) {
    throw new ModelFormatError(`cannot build a tokenizer from it: ${(e as Error).message}`, tokPath);
  }

  const truncation = tokJson.truncation as { max_length?: unknown } | null | undefined;
  const candidates: [number | undefined, string][] = [
    [options.maxLength, "option maxLength"],
    [positiveInt(stConfig?.max_seq_length), "sentence_bert_config.json max_seq_length"],
    [positiveInt(tokConfig.model_max_length), "tokenizer_config.json model_max_length"],
    [positiveInt(truncation?.max_length), "tokenizer.json truncation.max_length"],
    [DEFAULT_MAX_LENGTH, "default"],
  ];
  if (options.maxLength !== undefined && positiveInt(options.maxLength) === undefined) {
    throw new RangeError(`Expected a positive integer for maxLength but received ${options.maxLength}`);
  }
  let [maxLength, maxLengthSource] = candidates.find(([v]) => v !== undefined) as [number, string];
  const limit = positionLimit(modelConfig);
  if (limit !== undefined && limit < maxLength) {
    maxLength = limit;
    maxLengthSource += `, capped by config.json max_position_embeddings`;
  }

  // Padding id: tokenizer_config.json pad_token (a string or an AddedToken object), else
  // tokenizer.json padding.pad_id, else a conventional pad token, else 0.
  const padTok = tokConfig.pad_token;
  const padName = typeof padTok === "string" ? padTok : typeof padTok === "object" && padTok !== null ? (padTok as { content?: unknown }).content : undefined;
  const padding = tokJson.padding as { pad_id?: unknown } | null | undefined;
  const padId =
    (typeof padName === "string" ? tokenizer.token_to_id(padName) : undefined) ??
    (typeof padding?.pad_id === "number" ? padding.pad_id : undefined) ??
    tokenizer.token_to_id("[PAD]") ??
    tokenizer.token_to_id("<pad>") ??
    0;

  // How many special tokens the template appends after the text ([SEP], </s>): truncation cuts
  // the text, never those. Found by locating a probe's plain encoding inside its full encoding.
  let suffixLen = 0;
  for (const probe of ["hello world", "a", "0"]) {
    const plain: number[] = tokenizer.encode(probe, { add_special_tokens: false }).ids;
    const full: number[] = tokenizer.encode(probe).ids;
    if (plain.length === 0) continue;
    let found = -1;
    for (let p = 0; p + plain.length <= full.length && found < 0; p++) {
      if (plain.every((id: number, k: number) => full[p + k] === id)) found = p;
    }
    if (found >= 0) {
      suffixLen = full.length - found - plain.length;
      break;
    }
  }
  if (suffixLen >= maxLength) throw new ModelFormatError(`maxLength ${maxLength} leaves no room for text after ${suffixLen} special tokens`, tokPath);

  return {
    maxLength,
    maxLengthSource,
    padId,
    encode(text: string): EncodedText {
      const enc = tokenizer.encode(text, { return_token_type_ids: true });
      let ids = enc.ids;
      let typeIds = enc.token_type_ids ?? new Array<number>(ids.length).fill(0);
      if (ids.length > maxLength) {
        const head = maxLength - suffixLen;
        ids = [...ids.slice(0, head), ...ids.slice(ids.length - suffixLen)];
        typeIds = [...typeIds.slice(0, head), ...typeIds.slice(typeIds.length - suffixLen)];
      }
      return { ids, typeIds };
    },
  };
}
