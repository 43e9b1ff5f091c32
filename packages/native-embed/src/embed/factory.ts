/**
 * `createEmbedder("hash" | "hash:<dim>[:<min>-<max>]" | "onnx:<folder or owner/name[@revision]>")`.
 */
import { EmbedderSpecError } from "./errors.js";
import type { Embedder } from "./embedder.js";
import { HashEmbedder, type HashEmbedderOptions } from "./hash.js";
import { resolveModel, type ResolveModelOptions } from "./hub.js";
import { OnnxEmbedder, type OnnxEmbedderOptions } from "./onnx.js";

/** The paper's sentence embedder (a hub id; it needs an ONNX export, see hub.ts). */
export const PAPER_ONNX_MODEL = "shibing624/text2vec-base-multilingual";

export type HashEmbedderSpec = { type: "hash" } & HashEmbedderOptions;
export type OnnxEmbedderSpec = {
  type: "onnx";
  /** A model folder or a hub id `owner/name[@revision]`. */
  model: string;
} & Omit<OnnxEmbedderOptions, "folder">;
export type EmbedderSpec = HashEmbedderSpec | OnnxEmbedderSpec;

/** Options of `createEmbedder` beyond the spec: model resolution plus onnx settings for string specs. */
export type CreateEmbedderOptions = ResolveModelOptions & Omit<OnnxEmbedderOptions, "folder" | "name">;

/** The accepted string forms, for help texts and errors. */
export const EMBEDDER_SPEC_FORMS = ["hash", "hash:<dim>", "hash:<dim>:<min>-<max>", "onnx:<folder>", "onnx:<owner>/<name>[@<revision>]"] as const;

function int(s: string, what: string, spec: string): number {
  if (!/^\d+$/.test(s)) throw new EmbedderSpecError(`expected a positive integer for ${what} but received ${JSON.stringify(s)}`, spec);
  return Number(s);
}

/** Parses a string spec into its object form (no I/O). */
export function parseEmbedderSpec(spec: string): EmbedderSpec {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? undefined : spec.slice(colon + 1);
  if (kind === "hash") {
    if (rest === undefined) return { type: "hash" };
    const parts = rest.split(":");
    if (parts.length > 2) throw new EmbedderSpecError(`expected ${EMBEDDER_SPEC_FORMS.slice(0, 3).join(" or ")}`, spec);
    const out: HashEmbedderSpec = { type: "hash", dim: int(parts[0] as string, "the dimension", spec) };
    if (parts[1] !== undefined) {
      const m = /^(\d+)-(\d+)$/.exec(parts[1]);
      if (!m) throw new EmbedderSpecError(`expected an n-gram range <min>-<max> (e.g. 2-4) but received ${JSON.stringify(parts[1])}`, spec);
      out.minN = Number(m[1]);
      out.maxN = Number(m[2]);
    }
    return out;
  }
  if (kind === "onnx") {
    if (!rest) throw new EmbedderSpecError(`expected a model folder or hub id after "onnx:", e.g. onnx:${PAPER_ONNX_MODEL}`, spec);
    return { type: "onnx", model: rest };
  }
  throw new EmbedderSpecError(`expected one of ${EMBEDDER_SPEC_FORMS.join(", ")}`, spec);
}

/**
 * Creates an embedder. onnx specs resolve (and if needed download) the model first; the caller
 * owns the result and must `dispose()` it.
 */
export async function createEmbedder(spec: string | EmbedderSpec, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const s = typeof spec === "string" ? parseEmbedderSpec(spec) : spec;
  if (s.type === "hash") {
    try {
      return new HashEmbedder(s);
    } catch (e) {
      throw new EmbedderSpecError((e as Error).message, typeof spec === "string" ? spec : JSON.stringify(spec));
    }
  }
  if (s.type !== "onnx") throw new EmbedderSpecError(`unknown embedder type ${JSON.stringify((s as { type: unknown }).type)}`, JSON.stringify(spec));
  const { offline, signal, onProgress, retries, ...onnxDefaults } = options;
  const { type: _type, model, ...onnxOptions } = s;
  const resolved = await resolveModel(model, { offline, signal, onProgress, retries });
  signal?.throwIfAborted();
  return OnnxEmbedder.create({ ...onnxDefaults, ...onnxOptions, folder: resolved.folder, name: onnxOptions.name ?? `onnx:${model}` });
}
