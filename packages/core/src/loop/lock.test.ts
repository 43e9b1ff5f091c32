import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireRunLock, RunLockedError } from "./lock.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "advfc-lock-"));
  dirs.push(d);
  return d;
}

describe("run.lock", () => {
  it("holds the owner's pid and hostname and is removed on release", () => {
    const dir = tmp();
    const lock = acquireRunLock(dir);
    expect(JSON.parse(readFileSync(join(dir, "run.lock"), "utf8"))).toMatchObject({ pid: process.pid, hostname: hostname() });
    lock.release();
    expect(existsSync(join(dir, "run.lock"))).toBe(false);
  });

  it("refuses a second owner while the first is alive, naming its pid", () => {
    const dir = tmp();
    const lock = acquireRunLock(dir);
    expect(() => acquireRunLock(dir)).toThrow(RunLockedError);
    expect(() => acquireRunLock(dir)).toThrow(new RegExp(`in use by pid ${process.pid} on `));
    lock.release();
    acquireRunLock(dir).release();
  });

  it("takes over a stale lock (its pid no longer runs) with a warning", () => {
    const dir = tmp();
    // A pid that surely ran and exited: a finished child's.
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    writeFileSync(join(dir, "run.lock"), JSON.stringify({ pid: dead, hostname: hostname(), since: "then" }));
    const warnings: string[] = [];
    const lock = acquireRunLock(dir, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining(`stale lock of pid ${dead}`)]);
    expect(JSON.parse(readFileSync(join(dir, "run.lock"), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("refuses a lock held on another host (its pid cannot be checked)", () => {
    const dir = tmp();
    writeFileSync(join(dir, "run.lock"), JSON.stringify({ pid: 1, hostname: "elsewhere.example", since: "then" }));
    expect(() => acquireRunLock(dir)).toThrow(/in use by pid 1 on elsewhere\.example/);
  });
});
