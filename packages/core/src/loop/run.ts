/**
 * `advfc run` as a library call: load the config and seeds, take the run directory's lock,
 * write (or check) the manifest, build the roles, run Algorithm 1 ({@link runLoop}), write
 * summary.json. `resume` continues a run directory where it stopped.
 */
import { createHash } from "node:crypto";
import { getMaxListeners, setMaxListeners } from "node:events";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { createEmbedder, type Embedder } from "@advfc/native-embed";
import { AdvfcError } from "../errors.js";
import { readBfcl, listBfclFiles, parseBfclFileName } from "../formats/bfcl.js";
import { readOpenAI } from "../formats/openai.js";
import type { ConvertItem } from "../formats/result.js";
import { readSamples } from "../formats/samples.js";
import { readXlam } from "../formats/xlam.js";
import { tryV4Category } from "../schema/category.js";
import type { Sample } from "../schema/sample.js";
import { configHash, loadRunConfig, parseRunConfig, type RunConfig } from "./config.js";
import { runLoop, type LoopEvent, type LoopRoles, type QueryPhase, type RunLoopResult } from "./iteration.js";
import { acquireRunLock } from "./lock.js";
import { summarizeRun, type RunSummary } from "./report.js";
import type { FcRole, FcTrainer } from "./roles.js";
import { RUN_FORMAT, RunStore, RunStoreError, writeJsonAtomic } from "./run-store.js";

/** What a backend factory builds for a run. */
export interface RunBackends {
  roles: LoopRoles;
  trainer: FcTrainer;
  restoreFc?: (state: unknown, iteration: number) => FcRole | Promise<FcRole>;
  /** Replaces the step loop of the query phase (`roles.query.train: verl-ppo`). */
  queryPhase?: QueryPhase;
  /** Releases clients. */
  close?(): Promise<void>;
}

/** Builds the roles of a config (see backends.ts for the built-in one). */
/**
 * Builds the roles. `seeds` are the training seeds (what πF starts from); `allSeeds` every sample
 * of the seed files, held-out split included (the baseline judge's stage-1 caller is fitted on
 * all of them: the judge is never evaluated, and the paper's judge is a model that knows them).
 * `runDir` is the run directory (a spawned model server is recorded there); `onWarning` prints a line.
 */
export type BackendFactory = (
  config: RunConfig,
  context: { seeds: readonly Sample[]; allSeeds: readonly Sample[]; baseDir: string; runDir: string; onWarning?: (message: string) => void },
) => RunBackends | Promise<RunBackends>;

/** The manifest of a run directory. */
export interface RunManifest {
  format: typeof RUN_FORMAT;
  name: string;
  createdAt: string;
  /** The config file it was started from (absolute), if any. */
  configFile: string | null;
  /** Relative paths of the config are resolved against this folder. */
  baseDir: string;
  config: RunConfig;
  configHash: string;
  packages: Record<string, string>;
  node: string;
  seeds: { files: Array<{ path: string; sha256: string; bytes: number }>; train: number; eval: number };
  roles: Record<"query" | "judge" | "fc", { name: string; kind: string }>;
  trainer: string;
  embedder: string;
  resumes: Array<{ at: string; pid: number }>;
}

/** Options of {@link startRun}. */
export interface StartRunOptions {
  /** Config file (YAML or JSON). Required unless `resume` is given. */
  configFile?: string;
  /** An already-parsed config (tests); relative paths resolve against `baseDir`. */
  config?: RunConfig;
  /** @default the config file's folder, else the working directory */
  baseDir?: string;
  /** Run directory (overrides the config's `run_dir`). */
  out?: string;
  /** Continue this run directory. */
  resume?: string;
  backends: BackendFactory;
  stopSignal?: AbortSignal;
  signal?: AbortSignal;
  onEvent?: (event: LoopEvent) => void;
  onWarning?: (message: string) => void;
}

/** How a run ended. */
export interface StartRunResult {
  dir: string;
  result: RunLoopResult;
  /** summary.json's content (also written for an interrupted run, marked so). */
  summary: RunSummary;
  resumed: boolean;
}

function packageVersion(url: URL): string {
  try {
    return (JSON.parse(readFileSync(url, "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

async function drain(items: AsyncIterable<ConvertItem>, file: string): Promise<Sample[]> {
  const out: Sample[] = [];
  const errors: string[] = [];
  for await (const it of items) {
    if (it.error) errors.push(it.error.message);
    else out.push(it.sample);
  }
  if (errors.length > 0) throw new AdvfcError(`${file}: ${errors.length} seed line(s) could not be read:\n  ${errors.slice(0, 5).join("\n  ")}${errors.length > 5 ? "\n  …" : ""}`);
  return out;
}

function readSeedFile(path: string, format: RunConfig["seeds"]["format"]): AsyncIterable<ConvertItem> {
  switch (format) {
    case "samples":
      return readSamples(path, { file: path });
    case "bfcl":
      return readBfcl(path);
    case "xlam":
      return readXlam(path, { file: path });
    case "openai":
      return readOpenAI(path, { file: path });
  }
}

/** A stable position in [0, 1) for a sample id (first 32 bits of its sha256). */
export function idHashFraction(id: string): number {
  return createHash("sha256").update(id).digest().readUInt32BE(0) / 2 ** 32;
}

/** The seeds of a config, split into training seeds and the eval split, with the files' hashes. */
export async function loadRunSeeds(config: RunConfig, baseDir: string): Promise<{ train: Sample[]; eval: Sample[]; all: Sample[]; files: RunManifest["seeds"]["files"] }> {
  const files: RunManifest["seeds"]["files"] = [];
  const all: Sample[] = [];
  for (const f of config.seeds.files) {
    const path = isAbsolute(f) ? f : resolve(baseDir, f);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new AdvfcError(`seeds.files: cannot read ${path}: ${(e as Error).message}`);
    }
    files.push({ path, sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length });
    all.push(...(await drain(readSeedFile(path, config.seeds.format), path)));
  }
  const seen = new Set<string>();
  for (const s of all) {
    if (seen.has(s.id)) throw new AdvfcError(`seeds: the id ${JSON.stringify(s.id)} appears twice; seed ids must be unique`);
    seen.add(s.id);
  }
  let train: Sample[];
  let evalSamples: Sample[];
  const split = config.seeds.eval;
  if ("fraction" in split) {
    train = all.filter((s) => idHashFraction(s.id) >= split.fraction);
    evalSamples = all.filter((s) => idHashFraction(s.id) < split.fraction);
  } else {
    train = all;
    const dir = isAbsolute(split.bfcl_dir) ? split.bfcl_dir : resolve(baseDir, split.bfcl_dir);
    const wanted = split.categories ? new Set(split.categories.map((c) => tryV4Category(c))) : undefined;
    evalSamples = [];
    for (const path of await listBfclFiles(dir)) {
      const info = parseBfclFileName(path);
      if (!info || (wanted && !wanted.has(info.category))) continue;
      const samples = await drain(readBfcl(path), path);
      evalSamples.push(...(split.limit ? samples.slice(0, split.limit) : samples));
      files.push({ path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex"), bytes: readFileSync(path).length });
    }
  }
  if (config.seeds.limit !== undefined) train = train.slice(0, config.seeds.limit);
  if (train.length === 0) throw new AdvfcError("seeds: no training seeds left after the eval split");
  return { train, eval: evalSamples, all, files };
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "-");
}

/**
 * Start or resume a run.
 * @throws {RunConfigError} for an invalid config, {@link RunLockedError} when another process
 * holds the directory, {@link RunStoreError} when `out` already holds a run or a resumed
 * directory's config / seeds changed.
 */
export async function startRun(options: StartRunOptions): Promise<StartRunResult> {
  let config: RunConfig;
  let baseDir: string;
  let dir: string;
  let configFile: string | null = null;
  const store = (d: string) => new RunStore(d);
  const resumed = options.resume !== undefined;
  let manifest: RunManifest | undefined;
  if (options.resume !== undefined) {
    dir = resolve(options.resume);
    manifest = store(dir).readManifest<RunManifest>();
    if (manifest.format !== RUN_FORMAT) throw new RunStoreError(`${dir}: unknown run format ${JSON.stringify(manifest.format)} (expected ${RUN_FORMAT})`);
    config = parseRunConfig(manifest.config, join(dir, "manifest.json"));
    baseDir = manifest.baseDir;
    configFile = manifest.configFile;
    if (options.configFile !== undefined) {
      const given = await loadRunConfig(options.configFile);
      if (configHash(given) !== manifest.configHash) throw new RunStoreError(`${options.configFile} differs from the config of the run in ${dir} (config hash ${configHash(given).slice(0, 12)} vs ${manifest.configHash.slice(0, 12)}); resume without --config, or start a new run`);
    }
  } else {
    if (options.config !== undefined) {
      config = options.config;
      baseDir = resolve(options.baseDir ?? ".");
    } else if (options.configFile !== undefined) {
      configFile = resolve(options.configFile);
      config = await loadRunConfig(options.configFile);
      baseDir = options.baseDir ?? dirname(configFile);
    } else throw new AdvfcError("startRun: a config file, a config or a run directory to resume is needed");
    dir = options.out !== undefined ? resolve(options.out) : config.run_dir !== undefined ? resolve(baseDir, config.run_dir) : resolve("runs", `${config.name}-${timestamp()}`);
    if (store(dir).hasManifest()) throw new RunStoreError(`${dir} already holds a run; continue it with --resume ${dir}, or choose another --out`);
  }
  mkdirSync(dir, { recursive: true });
  const lock = acquireRunLock(dir, options.onWarning ? { onWarning: options.onWarning } : {});
  let embedder: Embedder | undefined;
  let backends: RunBackends | undefined;
  try {
    const runStore = store(dir);
    const seeds = await loadRunSeeds(config, baseDir);
    if (manifest !== undefined) {
      const before = new Map(manifest.seeds.files.map((f) => [f.path, f.sha256]));
      for (const f of seeds.files) {
        if (before.get(f.path) !== f.sha256) throw new RunStoreError(`${f.path} changed since the run in ${dir} started (sha256 ${f.sha256.slice(0, 12)} vs ${(before.get(f.path) ?? "absent").slice(0, 12)}); resuming would mix data`);
      }
    }
    embedder = await createEmbedder(config.embedder);
    backends = await options.backends(config, { seeds: seeds.train, allSeeds: seeds.all, baseDir, runDir: dir, ...(options.onWarning ? { onWarning: options.onWarning } : {}) });
    const roles = backends.roles;
    if (manifest === undefined) {
      manifest = {
        format: RUN_FORMAT,
        name: config.name,
        createdAt: new Date().toISOString(),
        configFile,
        baseDir,
        config,
        configHash: configHash(config),
        packages: {
          "@advfc/core": packageVersion(new URL("../../package.json", import.meta.url)),
          "@advfc/native-embed": packageVersion(new URL("../../../native-embed/package.json", import.meta.url)),
        },
        node: process.version,
        seeds: { files: seeds.files, train: seeds.train.length, eval: seeds.eval.length },
        roles: { query: { name: roles.query.name, kind: roles.query.kind }, judge: { name: roles.judge.name, kind: roles.judge.kind }, fc: { name: roles.fc.name, kind: roles.fc.kind } },
        trainer: backends.trainer.name,
        embedder: embedder.name,
        resumes: [],
      };
    } else manifest.resumes.push({ at: new Date().toISOString(), pid: process.pid });
    runStore.writeManifest(manifest);
    const result = await runLoop({
      config,
      store: runStore,
      seeds: seeds.train,
      evalSamples: seeds.eval,
      roles,
      trainer: backends.trainer,
      embedder,
      ...(backends.restoreFc ? { restoreFc: backends.restoreFc } : {}),
      ...(backends.queryPhase ? { queryPhase: backends.queryPhase } : {}),
      ...(options.stopSignal ? { stopSignal: withListenerRoom(options.stopSignal) } : {}),
      ...(options.signal ? { signal: withListenerRoom(options.signal) } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    const summary = summarizeRun(dir);
    if (result.status === "finished") writeJsonAtomic(runStore.summaryPath, { ...summary, finishedAt: new Date().toISOString() });
    return { dir, result, summary, resumed };
  } finally {
    await backends?.close?.();
    await embedder?.dispose();
    lock.release();
  }
}

/**
 * Every model call, queue wait and kernel call in flight listens to the run's signals, so a run
 * legitimately has hundreds of listeners on them; raise Node's leak warning threshold (10) to
 * the loop's scale instead of printing a false MaxListenersExceededWarning.
 */
function withListenerRoom(signal: AbortSignal): AbortSignal {
  if (getMaxListeners(signal) < 10_000) setMaxListeners(10_000, signal);
  return signal;
}
