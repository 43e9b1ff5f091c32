/**
 * Model resolution for the `onnx` embedder: a local folder, or a Hugging Face hub repository
 * downloaded once into a cache.
 *
 * A spec is
 * - a folder that exists (`./models/x`, `/abs/path`): used as is; it must hold model.onnx (or
 *   onnx/model.onnx) and tokenizer.json (+ optional tokenizer_config.json, config.json,
 *   sentence_bert_config.json, 1_Pooling/config.json);
 * - otherwise a hub id `owner/name[@revision]` (revision: a branch, tag or commit; default
 *   "main"), cached in `<config.modelCache>/<owner>--<name>/<revision>/` with the repository's
 *   relative paths. A cache folder that holds a model file and tokenizer.json is used without any
 *   network access (delete it to fetch again; a mutable revision such as "main" is not
 *   re-checked). Otherwise the files are fetched from
 *   `<config.hfEndpoint>/<owner>/<name>/resolve/<revision>/<file>` with `Authorization: Bearer
 *   $HF_TOKEN` when set: tokenizer.json (required), the optional JSON files above, then the model,
 *   trying onnx/model.onnx and then model.onnx (plus its `_data` external-weights file if present).
 *   Downloads show progress, resume, and are verified (see download.ts).
 *
 * Not every hub model has an ONNX export; the paper's shibing624/text2vec-base-multilingual is
 * not known to have one. Then the error explains how to export it:
 *   optimum-cli export onnx --model <id> --task feature-extraction <folder>
 * (Hugging Face optimum; `pip install "optimum[onnx]"`). A plain `torch.onnx.export` of the
 * transformers model with inputs input_ids / attention_mask (/ token_type_ids), output
 * last_hidden_state and dynamic batch and sequence axes works as well; save the tokenizer with
 * `AutoTokenizer.from_pretrained(id).save_pretrained(folder)` next to it.
 */
import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { config } from "../config.js";
import { downloadFile, type DownloadProgress } from "./download.js";
import { DownloadError, EmbedderSpecError, ModelUnavailableError } from "./errors.js";
import { findOnnxModel } from "./onnx.js";
import { terminalDownloadProgress } from "./progress.js";

export const DEFAULT_REVISION = "main";
/** Files fetched when present on the hub; a 404 on them is fine. */
export const OPTIONAL_MODEL_FILES = ["tokenizer_config.json", "config.json", "sentence_bert_config.json", "1_Pooling/config.json"] as const;
/** Model file locations tried on the hub, in order. */
export const HUB_MODEL_FILES = ["onnx/model.onnx", "model.onnx"] as const;

export interface HubId {
  owner: string;
  name: string;
  /** `owner/name` */
  id: string;
  revision: string;
}

export interface ResolveModelOptions {
  /** Never use the network (missing files → ModelUnavailableError). @default config.offline (ADVFC_OFFLINE / HF_HUB_OFFLINE) */
  offline?: boolean;
  /** Cancels downloads (partial files are kept for a resume). @default undefined */
  signal?: AbortSignal;
  /** Download progress; false for none. @default a progress line on stderr when stderr is a terminal, else none */
  onProgress?: ((p: DownloadProgress) => void) | false;
  /** Resumes per file after a broken connection. @default 3 */
  retries?: number;
}

export interface ResolvedModel {
  /** Folder holding the model file and tokenizer.json. */
  folder: string;
  /** "local": a folder given by the user; "cache": already downloaded; "download": fetched now. */
  source: "local" | "cache" | "download";
  /** The hub id, for hub specs. */
  hub?: HubId;
}

const HUB_ID = /^([A-Za-z0-9][A-Za-z0-9_.-]*)\/([A-Za-z0-9_.-]+)(?:@([A-Za-z0-9_./-]+))?$/;

/** Parses `owner/name[@revision]`; undefined when the string is not of that form. */
export function parseHubId(spec: string): HubId | undefined {
  const m = HUB_ID.exec(spec);
  if (!m || m[1] === undefined || m[2] === undefined || spec.includes("..")) return undefined;
  return { owner: m[1], name: m[2], id: `${m[1]}/${m[2]}`, revision: m[3] ?? DEFAULT_REVISION };
}

/** The cache folder of a hub model: `<config.modelCache>/<owner>--<name>/<revision>` ("/" in a revision becomes "--"). */
export function hubCacheFolder(hub: HubId): string {
  return join(config.modelCache, `${hub.owner}--${hub.name}`, hub.revision.replaceAll("/", "--"));
}

function looksLikePath(spec: string): boolean {
  return isAbsolute(spec) || spec.startsWith(".") || spec.startsWith("~") || spec.includes("\\");
}

function isModelFolder(folder: string): boolean {
  return findOnnxModel(folder) !== undefined && existsSync(join(folder, "tokenizer.json"));
}

function exportHint(id: string, folder: string): string {
  return (
    `Export it to ONNX yourself (needs Python with torch and transformers):\n` +
    `  pip install "optimum[onnx]"\n` +
    `  optimum-cli export onnx --model ${id} --task feature-extraction ${folder}\n` +
    `then run again. Any folder with model.onnx (or onnx/model.onnx) + tokenizer.json works: pass onnx:<folder>.`
  );
}

function manualHint(hub: HubId, folder: string): string {
  return (
    `To use it without network, fill this folder by hand:\n  ${folder}\n` +
    `with tokenizer.json and model.onnx (or onnx/model.onnx), optionally ${OPTIONAL_MODEL_FILES.join(", ")}, ` +
    `e.g. copied from a machine that has them, or exported there with\n` +
    `  optimum-cli export onnx --model ${hub.id} --task feature-extraction ${folder}`
  );
}

/**
 * Resolves an onnx embedder's model spec (folder or hub id) to a folder with the model files,
 * downloading them on first use. See the module comment for the rules.
 */
export async function resolveModel(spec: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  if (spec === "") throw new EmbedderSpecError("expected a model folder or a hub id owner/name[@revision] after onnx:", spec);
  const asPath = spec.startsWith("~/") ? join(process.env.HOME ?? "~", spec.slice(2)) : spec;
  if (existsSync(asPath) && statSync(asPath).isDirectory()) {
    const folder = resolve(asPath);
    if (!isModelFolder(folder)) {
      const missing = [findOnnxModel(folder) === undefined ? "model.onnx (or onnx/model.onnx)" : undefined, existsSync(join(folder, "tokenizer.json")) ? undefined : "tokenizer.json"].filter((x) => x !== undefined);
      throw new ModelUnavailableError(
        `model folder ${folder} lacks ${missing.join(" and ")}.${findOnnxModel(folder) === undefined ? `\n${exportHint("<hub id or local transformers folder>", folder)}` : ""}`,
        folder,
        ["model.onnx", "tokenizer.json"],
      );
    }
    return { folder, source: "local" };
  }
  const hub = looksLikePath(spec) ? undefined : parseHubId(spec);
  if (hub === undefined) {
    if (looksLikePath(spec) || spec.includes("/")) {
      throw new ModelUnavailableError(`model folder ${resolve(asPath)} does not exist (and ${JSON.stringify(spec)} is not a hub id owner/name[@revision])`, resolve(asPath), ["model.onnx", "tokenizer.json"]);
    }
    throw new EmbedderSpecError("expected an existing model folder or a hub id owner/name[@revision] after onnx:", spec);
  }
  const folder = hubCacheFolder(hub);
  if (isModelFolder(folder)) return { folder, source: "cache", hub };

  const offline = options.offline ?? config.offline;
  if (offline) {
    throw new ModelUnavailableError(`${hub.id}@${hub.revision} is not in the model cache and downloads are off (ADVFC_OFFLINE / HF_HUB_OFFLINE).\n${manualHint(hub, folder)}`, folder, ["tokenizer.json", "model.onnx"]);
  }

  const onProgress = options.onProgress === false ? undefined : (options.onProgress ?? ((process.stderr as { isTTY?: boolean }).isTTY ? terminalDownloadProgress(process.stderr, `${hub.id}: `) : undefined));
  const fetchFile = async (file: string, optional: boolean): Promise<boolean> => {
    const dest = join(folder, ...file.split("/"));
    if (existsSync(dest)) return true;
    const url = `${config.hfEndpoint}/${hub.owner}/${hub.name}/resolve/${encodeURIComponent(hub.revision)}/${file}`;
    try {
      await downloadFile(url, dest, { token: config.hfToken, signal: options.signal, onProgress, retries: options.retries, label: file });
      return true;
    } catch (e) {
      if (e instanceof DownloadError && e.status === 404 && optional) return false;
      if (e instanceof DownloadError && e.reason === "unreachable") {
        throw new ModelUnavailableError(`cannot download ${hub.id}@${hub.revision}: ${e.message}.\n${manualHint(hub, folder)}`, folder, ["tokenizer.json", "model.onnx"], { cause: e });
      }
      if (e instanceof DownloadError && e.status === 404 && file === "tokenizer.json") {
        throw new ModelUnavailableError(
          `${hub.id}@${hub.revision}: tokenizer.json not found on ${config.hfEndpoint} (no such repository or revision, or a repository without a fast tokenizer).\n${manualHint(hub, folder)}`,
          folder,
          ["tokenizer.json", "model.onnx"],
          { cause: e },
        );
      }
      throw e;
    }
  };

  await fetchFile("tokenizer.json", false);
  for (const f of OPTIONAL_MODEL_FILES) await fetchFile(f, true);
  let model: string | undefined;
  for (const f of HUB_MODEL_FILES) {
    if (await fetchFile(f, true)) {
      model = f;
      break;
    }
  }
  if (model === undefined) {
    throw new ModelUnavailableError(
      `${hub.id}@${hub.revision} has no ONNX export on ${config.hfEndpoint} (tried ${HUB_MODEL_FILES.join(" and ")}); its tokenizer files are in ${folder}.\n${exportHint(hub.id, folder)}`,
      folder,
      ["model.onnx"],
    );
  }
  // Models over 2 GB keep their weights in an external-data file next to the graph.
  await fetchFile(`${model}_data`, true);
  await writeFile(join(folder, ".advfc-source.json"), JSON.stringify({ id: hub.id, revision: hub.revision, endpoint: config.hfEndpoint, model, fetchedAt: new Date().toISOString() }, null, 2) + "\n");
  return { folder, source: "download", hub };
}
