/**
 * Every environment variable @advfc/native-embed reads, in one place (read when first needed, so
 * tests may set them before calling in).
 */
import { homedir } from "node:os";
import { join } from "node:path";

function flag(name: string): boolean {
  const v = process.env[name];
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

export const config = {
  /** ADVFC_DISABLE_SIMD=1: the native CPU kernels use their scalar path (read by the addon itself). */
  get disableSimd(): boolean {
    return flag("ADVFC_DISABLE_SIMD");
  },
  /**
   * ADVFC_SIMD_MAX=scalar|avx2|avx512: caps the SIMD level of the native CPU kernels (read by the
   * addon itself; lets an AVX-512 machine run the AVX2+FMA kernels).
   */
  get simdMax(): string | undefined {
    return process.env.ADVFC_SIMD_MAX || undefined;
  },
  /** ADVFC_NO_NATIVE=1: never load the addon; every op uses the pure-TS backend. */
  get noNative(): boolean {
    return flag("ADVFC_NO_NATIVE");
  },
  /** ADVFC_NATIVE_PATH: an explicit advfc_native.node to load instead of the package's own build. */
  get nativePath(): string | undefined {
    return process.env.ADVFC_NATIVE_PATH || undefined;
  },
  /** ADVFC_THREADS: default CPU kernel threads (0 or unset = hardware concurrency). */
  get threads(): number {
    const n = Number.parseInt(process.env.ADVFC_THREADS ?? "", 10);
    return Number.isFinite(n) && n > 0 ? n : 0;
  },
  /** ADVFC_MODEL_CACHE: where hub models are downloaded (default ~/.cache/advfc/models). */
  get modelCache(): string {
    return process.env.ADVFC_MODEL_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "advfc", "models");
  },
  /** ADVFC_HF_ENDPOINT (or HF_ENDPOINT): the Hugging Face hub base URL (default https://huggingface.co). */
  get hfEndpoint(): string {
    return (process.env.ADVFC_HF_ENDPOINT || process.env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");
  },
  /** HF_TOKEN: bearer token for gated/private hub models. Never logged. */
  get hfToken(): string | undefined {
    return process.env.HF_TOKEN || undefined;
  },
  /** ADVFC_OFFLINE=1 or HF_HUB_OFFLINE=1: never download; use the cache or a local folder. */
  get offline(): boolean {
    return flag("ADVFC_OFFLINE") || flag("HF_HUB_OFFLINE");
  },
  /** ADVFC_EMBED_DEVICE=auto|cpu|cuda: default execution provider choice of the onnx embedder (default auto). */
  get embedDevice(): "auto" | "cpu" | "cuda" {
    const v = (process.env.ADVFC_EMBED_DEVICE ?? "").toLowerCase();
    return v === "cpu" || v === "cuda" ? v : "auto";
  },
};
