#!/usr/bin/env node
// Builds build/Release/advfc_native.node (the CPU kernels, plus the CUDA kernels when nvcc is
// found) with cmake-js. Run by the package's `build` script and by `npm run build:native`.
//
// The addon is optional: when cmake or a compiler is missing, or the build fails, this prints a
// warning and exits 0, and @advfc/native-embed falls back to its pure-TS kernels. Set
// ADVFC_REQUIRE_NATIVE=1 to make that an error (CI does). Other switches:
//   --force            rebuild even if the addon is newer than every source
//   ADVFC_NO_CUDA=1    build without the CUDA kernels even if nvcc is present
//
// cmake-js is told nothing about Node headers: package.json declares binary.napi_versions, so it
// takes them from node-api-headers and downloads nothing (these machines are offline).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(packageDir, "../..");
const nativeDir = join(repoRoot, "native");
const output = join(packageDir, "build", "Release", "advfc_native.node");
const force = process.argv.includes("--force");
const requireNative = process.env.ADVFC_REQUIRE_NATIVE === "1";
const noCuda = process.env.ADVFC_NO_CUDA === "1";
const retry = "npm run build:native -w @advfc/native-embed";

function warnAndExit(what, detail) {
  const lines = [
    `[@advfc/native-embed] native addon not built: ${what}.`,
    ...(detail ? [detail.trimEnd()] : []),
    requireNative
      ? "ADVFC_REQUIRE_NATIVE=1 is set, so this is an error."
      : existsSync(output)
        ? `The previously built ${relative(repoRoot, output)} is left in place and may be out of date.`
        : "The pure-TypeScript kernels will be used instead (correct, but much slower).",
    `Fix the cause above, then retry with: ${retry}`,
  ];
  console.warn(lines.join("\n"));
  process.exit(requireNative ? 1 : 0);
}

/** Newest modification time (ms) of the files under `dir` (recursively). */
function newestUnder(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate() {
  if (!existsSync(output)) return false;
  const sources = Math.max(
    newestUnder(join(nativeDir, "include")),
    newestUnder(join(nativeDir, "src")),
    newestUnder(join(nativeDir, "bench")),
    newestUnder(join(packageDir, "addon")),
    statSync(join(nativeDir, "CMakeLists.txt")).mtimeMs,
    statSync(join(packageDir, "CMakeLists.txt")).mtimeMs,
  );
  return statSync(output).mtimeMs > sources;
}

function has(command, args = ["--version"]) {
  const r = spawnSync(command, args, { stdio: "ignore" });
  return r.status === 0;
}

if (!force && upToDate()) {
  console.log(`[@advfc/native-embed] ${relative(repoRoot, output)} is up to date (use --force to rebuild).`);
  process.exit(0);
}

if (!has("cmake")) warnAndExit("cmake was not found on PATH", "Install CMake >= 3.18 (e.g. apt-get install cmake).");
const cxx = process.env.CXX ?? "c++";
if (process.platform !== "win32" && !has(cxx)) {
  warnAndExit(`no C++ compiler (${cxx}) was found`, "Install g++ or clang++ (e.g. apt-get install g++), or set CXX.");
}

let cmakeJs;
try {
  cmakeJs = createRequire(join(packageDir, "package.json")).resolve("cmake-js/bin/cmake-js");
} catch {
  warnAndExit("cmake-js is not installed", "Run npm install at the repository root.");
}

// Configure every time a build is needed (cmake-js `build` alone would reuse a cache made with
// other options, e.g. before ADVFC_NO_CUDA was set), then build with 2 parallel jobs.
const parallel = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? "2";
const common = ["--directory", packageDir, "--config", "Release"];
if (noCuda) common.push("--CDADVFC_WITH_CUDA=OFF");
else common.push("--CDADVFC_WITH_CUDA=ON");
const started = Date.now();
let log = "";
for (const [step, extra] of [
  ["configure", []],
  ["build", ["--parallel", parallel]],
]) {
  const result = spawnSync(process.execPath, [cmakeJs, step, ...common, ...extra], {
    cwd: packageDir,
    encoding: "utf8",
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: parallel },
    maxBuffer: 64 * 1024 * 1024,
  });
  log += `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.error || result.status !== 0) {
    const tail = log.split("\n").slice(-40).join("\n");
    warnAndExit(
      result.error
        ? `cmake-js could not run (${result.error.message})`
        : `cmake-js ${step} failed (exit ${result.status})`,
      tail,
    );
  }
}
if (!existsSync(output)) warnAndExit(`the build finished but ${relative(repoRoot, output)} is missing`, log.split("\n").slice(-20).join("\n"));

// Load the fresh addon in a child process: proves it links and loads, and says what it contains.
const probe = spawnSync(
  process.execPath,
  ["-e", "const i = require(process.argv[1]).info(); console.log(JSON.stringify(i));", output],
  { encoding: "utf8" },
);
if (probe.status !== 0) warnAndExit("the addon was built but does not load", probe.stderr);
const info = JSON.parse(probe.stdout);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const cuda = info.cuda.compiled
  ? "with CUDA"
  : noCuda
    ? "without CUDA (ADVFC_NO_CUDA=1)"
    : "without CUDA (nvcc not found or not usable)";
console.log(
  `[@advfc/native-embed] built ${relative(repoRoot, output)} ${cuda}, CPU SIMD ${info.simd}, in ${seconds} s`,
);
