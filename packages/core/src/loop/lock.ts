/**
 * `run.lock`: one process per run directory. The lock file is created with O_EXCL and holds the
 * owner's pid and hostname; a second process is refused with a message naming them. A lock
 * whose pid no longer runs on this host (the owner crashed or was killed) is stale and taken
 * over, with a warning.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { AdvfcError } from "../errors.js";

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  since: string;
}

/** The run directory is held by another live process. */
export class RunLockedError extends AdvfcError {
  constructor(
    readonly dir: string,
    readonly owner: LockInfo | undefined,
  ) {
    super(
      owner
        ? `run directory ${dir} is in use by pid ${owner.pid} on ${owner.hostname} (since ${owner.since}); wait for it to finish or stop it. If it is gone, delete ${join(dir, "run.lock")}.`
        : `run directory ${dir} is locked (${join(dir, "run.lock")} exists but cannot be read); delete it if no advfc process uses the directory.`,
    );
    this.name = "RunLockedError";
  }
}

/** A held lock; `release()` removes the file (idempotent). */
export interface RunLock {
  readonly path: string;
  readonly info: LockInfo;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as Partial<LockInfo>;
    if (typeof v.pid === "number" && typeof v.hostname === "string") return { pid: v.pid, hostname: v.hostname, since: String(v.since ?? "?") };
  } catch {
    // unreadable: torn write of a crashed owner, or not ours
  }
  return undefined;
}

function create(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(info) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Take `<dir>/run.lock`.
 * @param options.onWarning Told when a stale lock is taken over.
 * @throws {RunLockedError} when a live process (or a process on another host) holds it.
 */
export function acquireRunLock(dir: string, options: { onWarning?: (message: string) => void } = {}): RunLock {
  const path = join(dir, "run.lock");
  const info: LockInfo = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, info)) {
      let released = false;
      return {
        path,
        info,
        release() {
          if (released) return;
          released = true;
          // Only remove a lock that is still ours (a stale-lock takeover may have replaced it).
          const now = readLock(path);
          if (now && now.pid === info.pid && now.hostname === info.hostname) unlinkSync(path);
        },
      };
    }
    const owner = readLock(path);
    if (owner === undefined) {
      // Written by a process that died between open and write: give a live writer a moment.
      if (attempt === 0) continue;
      throw new RunLockedError(dir, undefined);
    }
    if (owner.hostname !== info.hostname || alive(owner.pid)) throw new RunLockedError(dir, owner);
    options.onWarning?.(`taking over the stale lock of pid ${owner.pid} on ${owner.hostname} (since ${owner.since}): that process no longer runs`);
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  throw new RunLockedError(dir, readLock(path));
}
