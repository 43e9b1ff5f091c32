/**
 * Resumable, verified HTTP download of one file (used for Hugging Face hub files).
 *
 * - Streams into `<dest>.part`; a later call (or a retry after a broken connection) resumes with
 *   `Range: bytes=<size of .part>-`: a 206 reply whose Content-Range starts there is appended, a
 *   200 reply (server ignored the range) restarts the file.
 * - Redirects are followed by hand, because the hub answers LFS files with a 302 to a CDN and puts
 *   the checksum on that 302 (`X-Linked-Etag`: the sha256 of the content, `X-Linked-Size`); the
 *   bearer token is only ever sent to the origin of the first URL, never to a redirect target on
 *   another host. The token is never logged or put into an error.
 * - Verification: when the ETag (x-linked-etag, else etag) is a 64-hex-digit string, the sha256
 *   of the whole file must equal it; otherwise the size must equal x-linked-size, else the total
 *   from Content-Range / Content-Length. On mismatch the .part file is deleted (ChecksumError).
 * - Success renames `.part` onto `dest` (atomic on one file system).
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { ChecksumError, DownloadError } from "./errors.js";

export interface DownloadProgress {
  /** The file's label (its path in the repository). */
  file: string;
  /** Bytes on disk so far, resumed bytes included. */
  received: number;
  /** Total size when the server said, else undefined. */
  total: number | undefined;
  /** Transfer rate of this call, bytes per second. */
  bytesPerSecond: number;
  /** True on the last report of a file (after verification). */
  done: boolean;
}

export interface DownloadOptions {
  /** Bearer token (Authorization header), sent to the first URL's origin only. @default undefined */
  token?: string;
  /** Aborts the transfer; the .part file is kept for a later resume. @default undefined */
  signal?: AbortSignal;
  /** Progress reports, at most every 100 ms plus a final one. @default undefined */
  onProgress?: (p: DownloadProgress) => void;
  /** Resumes after a broken connection or a 5xx reply, this many times. @default 3 */
  retries?: number;
  /** Name used in progress and errors. @default the URL's last path segment */
  label?: string;
}

export interface DownloadResult {
  size: number;
  sha256: string;
  /** What the file was checked against. */
  verified: "sha256" | "size" | "none";
}

function causeText(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e as Error).message;
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

interface Reply {
  res: Response;
  linkedEtag: string | null;
  linkedSize: string | null;
}

async function request(url: string, from: number, options: DownloadOptions): Promise<Reply> {
  const origin = new URL(url).origin;
  let u = url;
  let linkedEtag: string | null = null;
  let linkedSize: string | null = null;
  for (let hop = 0; hop < 10; hop++) {
    const headers: Record<string, string> = { "user-agent": "advfc" };
    if (from > 0) headers.range = `bytes=${from}-`;
    if (options.token && new URL(u).origin === origin) headers.authorization = `Bearer ${options.token}`;
    let res: Response;
    try {
      res = await fetch(u, { headers, redirect: "manual", signal: options.signal });
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new DownloadError(`cannot reach ${new URL(u).origin} (${causeText(e)})`, u, "unreachable", undefined, { cause: e });
    }
    linkedEtag ??= res.headers.get("x-linked-etag");
    linkedSize ??= res.headers.get("x-linked-size");
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      u = new URL(location, u).href;
      continue;
    }
    return { res, linkedEtag, linkedSize };
  }
  throw new DownloadError(`too many redirects`, url, "http");
}

function cleanEtag(v: string | null): string | undefined {
  if (!v) return undefined;
  return v.replace(/^W\//, "").replace(/^"|"$/g, "");
}

/** Downloads `url` to `dest` (see the module comment). Rejects with DownloadError, ChecksumError or the signal's reason. */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const label = options.label ?? decodeURIComponent(new URL(url).pathname.split("/").pop() ?? url);
  const retries = options.retries ?? 3;
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    options.signal?.throwIfAborted();
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** (attempt - 1))));
    let have = await stat(part).then((s) => s.size, () => 0);
    const { res, linkedEtag, linkedSize } = await request(url, have, options);

    if (res.status === 416 && have > 0) {
      // The .part is already as long as (or longer than) the file: start over.
      await res.body?.cancel();
      await rm(part, { force: true });
      lastError = new DownloadError(`range not satisfiable`, url, "http", 416);
      attempt--; // not a transfer failure; bounded since the .part is now gone
      continue;
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      const why =
        res.status === 401 || res.status === 403
          ? options.token
            ? "the token in HF_TOKEN was refused (no access to this repository, or no such repository)"
            : "authentication required, or no such repository (the hub answers 401 for both): check the id, and for a gated or private repository set HF_TOKEN to an access token"
          : res.status === 404
            ? "not found"
            : res.statusText || "HTTP error";
      const err = new DownloadError(`${label}: HTTP ${res.status} from ${new URL(url).origin}: ${why}`, url, "http", res.status);
      if (res.status >= 500 && attempt < retries) {
        lastError = err;
        continue;
      }
      throw err;
    }

    const hash = createHash("sha256");
    let total: number | undefined;
    const rangeHeader = res.headers.get("content-range");
    const lengthHeader = res.headers.get("content-length");
    if (res.status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(rangeHeader ?? "");
      if (!m || Number(m[1]) !== have) {
        // A range we did not ask for: distrust the .part and start again.
        await res.body?.cancel();
        await rm(part, { force: true });
        lastError = new DownloadError(`unexpected Content-Range ${rangeHeader ?? "(none)"}`, url, "interrupted");
        continue;
      }
      if (m[3] !== "*") total = Number(m[3]);
      await hashFile(part, hash);
    } else {
      have = 0;
      if (lengthHeader !== null) total = Number(lengthHeader);
    }
    if (linkedSize !== null && /^\d+$/.test(linkedSize)) total = Number(linkedSize);
    const etag = cleanEtag(linkedEtag) ?? cleanEtag(res.headers.get("etag"));
    const expectedSha = etag !== undefined && /^[0-9a-f]{64}$/i.test(etag) ? etag.toLowerCase() : undefined;

    const fh = await open(part, have > 0 ? "a" : "w");
    const started = Date.now();
    let received = have;
    let lastReport = 0;
    const report = (done: boolean) => {
      const secs = Math.max((Date.now() - started) / 1000, 1e-3);
      options.onProgress?.({ file: label, received, total, bytesPerSecond: (received - have) / secs, done });
    };
    let broken: unknown;
    try {
      if (res.body) {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          await fh.write(chunk);
          hash.update(chunk);
          received += chunk.length;
          if (Date.now() - lastReport >= 100) {
            lastReport = Date.now();
            report(false);
          }
        }
      }
    } catch (e) {
      broken = e;
    } finally {
      await fh.close();
    }
    if (broken !== undefined) {
      if (options.signal?.aborted) throw options.signal.reason;
      lastError = new DownloadError(`${label}: connection broke after ${received} bytes (${causeText(broken)})`, url, "interrupted", undefined, { cause: broken });
      continue; // resume from the .part
    }

    const sha256 = hash.digest("hex");
    if (total !== undefined && received < total) {
      // A clean end of stream, but short: resume.
      lastError = new DownloadError(`${label}: stream ended after ${received} of ${total} bytes`, url, "interrupted");
      continue;
    }
    if (expectedSha !== undefined && sha256 !== expectedSha) {
      await rm(part, { force: true });
      throw new ChecksumError(label, expectedSha, sha256, "sha256");
    }
    if (expectedSha === undefined && total !== undefined && received !== total) {
      await rm(part, { force: true });
      throw new ChecksumError(label, String(total), String(received), "size");
    }
    await rename(part, dest);
    report(true);
    return { size: received, sha256, verified: expectedSha !== undefined ? "sha256" : total !== undefined ? "size" : "none" };
  }
  if (lastError instanceof DownloadError) {
    throw new DownloadError(`${lastError.message}; gave up after ${retries + 1} attempts (the partial file ${part} is kept: run again to resume)`, url, lastError.reason, lastError.status, { cause: lastError });
  }
  throw lastError;
}
