/**
 * Loads the native addon once, lazily, on the first op or `info()` call. Tries, in order:
 * ADVFC_NATIVE_PATH, then this package's own build (`build/Release/advfc_native.node`, next to
 * `src/` and `dist/`). An addon is accepted only if it exports every function of `binding.ts`
 * and reports the same contract version. When none loads, one warning (code
 * ADVFC_NATIVE_FALLBACK, once per process) lists every attempt with its failure and the
 * possible solutions, and the ops use the pure-TS backend.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { NATIVE_CONTRACT_VERSION, type NativeBinding } from "./binding.js";
import { config } from "./config.js";

export interface NativeLoadAttempt {
  /** Where the path came from. */
  source: "ADVFC_NATIVE_PATH" | "package build";
  path: string;
  /** Why it was not used (absent for the one that loaded). */
  error?: string;
}

export interface NativeLoadReport {
  loaded: boolean;
  /** The addon that loaded. */
  path?: string;
  /** ADVFC_NO_NATIVE=1 was set, so nothing was tried. */
  disabled: boolean;
  attempts: NativeLoadAttempt[];
  /** Why no addon is in use, in one line (absent when one loaded). */
  reason?: string;
}

/** Every function `binding.ts` declares: an addon lacking one is refused. */
const REQUIRED = [
  "info",
  "normalizeRows",
  "meanPairwiseCosineDistance",
  "rowDiversity",
  "cosineSimilarityMatrix",
  "nearDuplicates",
  "topK",
  "cudaKernelTime",
  "memoryBandwidth",
] as const;

export const BUILD_COMMAND = "npm run build:native -w @advfc/native-embed";

/** The package's own build: ../build/Release from both src/ and dist/. */
export function packageAddonPath(): string {
  return fileURLToPath(new URL("../build/Release/advfc_native.node", import.meta.url));
}

let state: { binding: NativeBinding | undefined; report: NativeLoadReport } | undefined;

function tryLoad(attempt: NativeLoadAttempt): NativeBinding | undefined {
  if (!existsSync(attempt.path)) {
    attempt.error = attempt.source === "package build" ? "not found (the addon has not been built)" : "not found";
    return undefined;
  }
  let mod: Partial<Record<(typeof REQUIRED)[number], unknown>>;
  try {
    mod = createRequire(import.meta.url)(attempt.path) as typeof mod;
  } catch (e) {
    attempt.error = `failed to load: ${(e as Error).message.split("\n")[0]}`;
    return undefined;
  }
  const missing = REQUIRED.filter((name) => typeof mod[name] !== "function");
  if (missing.length > 0) {
    attempt.error = `not an advfc addon of this version: it lacks ${missing.join(", ")}`;
    return undefined;
  }
  const binding = mod as unknown as NativeBinding;
  let version: unknown;
  try {
    version = binding.info().contractVersion;
  } catch (e) {
    attempt.error = `info() threw: ${(e as Error).message}`;
    return undefined;
  }
  if (version !== NATIVE_CONTRACT_VERSION) {
    attempt.error = `contract version ${String(version)}, but this package needs ${NATIVE_CONTRACT_VERSION} (a stale build: rebuild it)`;
    return undefined;
  }
  return binding;
}

function fallbackWarning(report: NativeLoadReport): string {
  if (report.disabled) {
    return "ADVFC_NO_NATIVE=1 is set: the native addon is not loaded and every op runs on the pure-TypeScript backend. Unset ADVFC_NO_NATIVE to use the addon.";
  }
  return [
    "The advfc native addon did not load; every op runs on the pure-TypeScript backend (correct, but much slower on large inputs).",
    "Attempts:",
    ...report.attempts.map((a) => `  - ${a.source} ${a.path}: ${a.error ?? "?"}`),
    "Possible solutions:",
    `  - Build it: ${BUILD_COMMAND}`,
    "  - The build needs cmake (>= 3.18) and a C++17 compiler (g++ or clang++): install them, then build again",
    "  - Point ADVFC_NATIVE_PATH at an advfc_native.node built for this platform and this version",
    "  - Set ADVFC_NO_NATIVE=1 to use the pure-TypeScript backend on purpose",
  ].join("\n");
}

/** Process-wide, so that a second copy of this module (src and dist both loaded) stays quiet. */
const WARNED = Symbol.for("advfc.native-embed.fallback-warned");

function warnOnce(report: NativeLoadReport): void {
  const g = globalThis as { [WARNED]?: boolean };
  if (g[WARNED]) return;
  g[WARNED] = true;
  process.emitWarning(fallbackWarning(report), { code: "ADVFC_NATIVE_FALLBACK" });
}

function load(): { binding: NativeBinding | undefined; report: NativeLoadReport } {
  if (config.noNative) {
    return { binding: undefined, report: { loaded: false, disabled: true, attempts: [], reason: "disabled by ADVFC_NO_NATIVE=1" } };
  }
  const attempts: NativeLoadAttempt[] = [];
  const explicit = config.nativePath;
  if (explicit !== undefined) attempts.push({ source: "ADVFC_NATIVE_PATH", path: explicit });
  attempts.push({ source: "package build", path: packageAddonPath() });
  for (const attempt of attempts) {
    const binding = tryLoad(attempt);
    if (binding !== undefined) {
      return { binding, report: { loaded: true, path: attempt.path, disabled: false, attempts: attempts.slice(0, attempts.indexOf(attempt) + 1) } };
    }
  }
  const reason = `the native addon did not load (${attempts.map((a) => `${a.source} ${a.path}: ${a.error ?? "?"}`).join("; ")}); build it with \`${BUILD_COMMAND}\` or set ADVFC_NATIVE_PATH`;
  return { binding: undefined, report: { loaded: false, disabled: false, attempts, reason } };
}

/** The addon, or undefined when none loaded (the first call loads it, and warns if it cannot). */
export function nativeBinding(): NativeBinding | undefined {
  if (state === undefined) {
    state = load();
    if (state.binding === undefined) warnOnce(state.report);
  }
  return state.binding;
}

/** What the loader tried and why each attempt failed (loads the addon if not done yet). */
export function nativeLoadReport(): NativeLoadReport {
  nativeBinding();
  return state!.report;
}
