export type { Embedder, EmbedOptions } from "./embedder.js";
export { DEFAULT_BATCH_SIZE } from "./embedder.js";
export { EmbedError, EmbedderSpecError, ModelUnavailableError, DownloadError, ChecksumError, ModelFormatError } from "./errors.js";
export { HashEmbedder, HASH_DEFAULTS, murmurhash3_32, normalizeForHash, type HashEmbedderOptions } from "./hash.js";
export { OnnxEmbedder, cudaProviderInstalled, findOnnxModel, type OnnxEmbedderOptions, type OnnxDevice, type OnnxPooling } from "./onnx.js";
export { loadTokenizer, DEFAULT_MAX_LENGTH, type LoadedTokenizer, type LoadTokenizerOptions, type EncodedText } from "./tokenizer.js";
export { resolveModel, parseHubId, hubCacheFolder, DEFAULT_REVISION, HUB_MODEL_FILES, OPTIONAL_MODEL_FILES, type HubId, type ResolveModelOptions, type ResolvedModel } from "./hub.js";
export { downloadFile, type DownloadOptions, type DownloadProgress, type DownloadResult } from "./download.js";
export { formatBytes, formatDownloadProgress, terminalDownloadProgress } from "./progress.js";
export { npyHeader, encodeNpy, writeNpy } from "./npy.js";
export {
  createEmbedder,
  parseEmbedderSpec,
  PAPER_ONNX_MODEL,
  EMBEDDER_SPEC_FORMS,
  type EmbedderSpec,
  type HashEmbedderSpec,
  type OnnxEmbedderSpec,
  type CreateEmbedderOptions,
} from "./factory.js";
