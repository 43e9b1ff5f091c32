import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { downloadFile, type DownloadProgress } from "./download.js";
import { ChecksumError, DownloadError, EmbedderSpecError, ModelUnavailableError } from "./errors.js";
import { createEmbedder } from "./factory.js";
import { hubCacheFolder, parseHubId, resolveModel } from "./hub.js";
import { writeTinyBertModel } from "./testing/tiny-bert.js";

/**
 * A loopback imitation of the hub's `/<owner>/<name>/resolve/<revision>/<file>` endpoint:
 * small files are served directly with a git-style (sha1) ETag; .onnx files answer like LFS
 * files: a 302 to a second server (another origin, the "CDN") with X-Linked-Etag = sha256 and
 * X-Linked-Size. Both servers support `Range: bytes=N-` (206).
 */
interface Logged {
  server: "hub" | "cdn";
  path: string;
  range: string | undefined;
  auth: string | undefined;
}

const root = mkdtempSync(join(tmpdir(), "advfc-hub-"));
const TOKEN = "hf_secret_token_value";
const log: Logged[] = [];
const repos = new Map<string, Map<string, Buffer>>();
const dropOnce = new Set<string>(); // cdn paths whose first full request is cut half-way
let hub: Server;
let cdn: Server;
let hubUrl = "";
let cdnUrl = "";
const savedEnv = { ...process.env };

function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function sendBody(req: IncomingMessage, res: ServerResponse, body: Buffer, headers: Record<string, string>, drop: boolean, ranges = true): void {
  const m = ranges ? /^bytes=(\d+)-$/.exec(req.headers.range ?? "") : null;
  if (m) {
    const start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, "content-length": String(body.length - start), "content-range": `bytes ${start}-${body.length - 1}/${body.length}` });
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(200, { ...headers, "content-length": String(body.length) });
  if (drop) {
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(body);
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<[Server, string]> {
  const s = createServer(handler);
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve([s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`])));
}

function repoFiles(folder: string, layout: Record<string, string>): Map<string, Buffer> {
  return new Map(Object.entries(layout).map(([repoPath, local]) => [repoPath, readFileSync(join(folder, local))]));
}

beforeAll(async () => {
  const tiny = writeTinyBertModel(join(root, "src-model"));
  const base = { "tokenizer.json": "tokenizer.json", "tokenizer_config.json": "tokenizer_config.json", "config.json": "config.json" };
  repos.set("acme/tiny@main", repoFiles(tiny.folder, { ...base, "model.onnx": "model.onnx" }));
  repos.set("acme/tiny@v2", repoFiles(tiny.folder, { ...base, "onnx/model.onnx": "model.onnx" }));
  repos.set("acme/noonnx@main", repoFiles(tiny.folder, base));
  repos.set("acme/flaky@main", repoFiles(tiny.folder, { ...base, "onnx/model.onnx": "model.onnx" }));
  repos.set("acme/badsha@main", repoFiles(tiny.folder, { ...base, "onnx/model.onnx": "model.onnx" }));
  repos.set("acme/norange@main", repoFiles(tiny.folder, base));
  repos.set("acme/private@main", repoFiles(tiny.folder, { ...base, "onnx/model.onnx": "model.onnx" }));

  [cdn, cdnUrl] = await listen((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    log.push({ server: "cdn", path, range: req.headers.range, auth: req.headers.authorization });
    const [repo = "", ...file] = path.split("/").filter(Boolean); // /<owner--name@rev>/<file...>
    const body = repos.get(repo.replace("--", "/"))?.get(file.join("/"));
    if (!body) return void res.writeHead(404).end();
    const drop = dropOnce.delete(path) && req.headers.range === undefined;
    sendBody(req, res, body, { etag: `"${sha256(body)}"` }, drop);
  });
  [hub, hubUrl] = await listen((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    log.push({ server: "hub", path, range: req.headers.range, auth: req.headers.authorization });
    const m = /^\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (!m) return void res.writeHead(404).end();
    const [, owner, name, rev, file] = m as unknown as [string, string, string, string, string];
    if (owner === "acme" && name === "private" && req.headers.authorization !== `Bearer ${TOKEN}`) {
      return void res.writeHead(401, { "content-type": "text/plain" }).end("Invalid credentials");
    }
    const body = repos.get(`${owner}/${name}@${rev}`)?.get(file);
    if (!body) return void res.writeHead(404, { "x-error-code": "EntryNotFound" }).end("Entry not found");
    if (file.endsWith(".onnx")) {
      const linked = name === "badsha" ? "0".repeat(64) : sha256(body);
      res.writeHead(302, { location: `${cdnUrl}/${owner}--${name}@${rev}/${file}`, "x-linked-etag": `"${linked}"`, "x-linked-size": String(body.length) }).end();
      return;
    }
    sendBody(req, res, body, { etag: `"${createHash("sha1").update(body).digest("hex")}"` }, false, name !== "norange");
  });
  process.env.ADVFC_HF_ENDPOINT = hubUrl;
  process.env.ADVFC_MODEL_CACHE = join(root, "cache");
  delete process.env.HF_TOKEN;
  delete process.env.ADVFC_OFFLINE;
  delete process.env.HF_HUB_OFFLINE;
});

afterEach(() => {
  log.length = 0;
  delete process.env.HF_TOKEN;
  delete process.env.ADVFC_OFFLINE;
});

afterAll(async () => {
  process.env = savedEnv;
  await new Promise((r) => hub.close(r));
  await new Promise((r) => cdn.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe("hub ids", () => {
  it("parses owner/name[@revision] and maps it to the cache folder", () => {
    expect(parseHubId("shibing624/text2vec-base-multilingual")).toEqual({ owner: "shibing624", name: "text2vec-base-multilingual", id: "shibing624/text2vec-base-multilingual", revision: "main" });
    expect(parseHubId("a/b@refs/pr/1")?.revision).toBe("refs/pr/1");
    expect(parseHubId("a/b/c")).toBeUndefined();
    expect(parseHubId("../x")).toBeUndefined();
    expect(hubCacheFolder(parseHubId("a/b@refs/pr/1")!)).toBe(join(root, "cache", "a--b", "refs--pr--1"));
  });
});

describe("resolveModel: download, cache and the embedder on top", () => {
  it("downloads on first use (trying onnx/model.onnx, then model.onnx), verifies, then reuses the cache offline", async () => {
    const events: DownloadProgress[] = [];
    const r = await resolveModel("acme/tiny", { onProgress: (p) => events.push(p) });
    expect(r.source).toBe("download");
    expect(r.folder).toBe(join(root, "cache", "acme--tiny", "main"));
    for (const f of ["tokenizer.json", "tokenizer_config.json", "config.json", "model.onnx"]) expect(existsSync(join(r.folder, f))).toBe(true);
    expect(readFileSync(join(r.folder, "model.onnx")).equals(repos.get("acme/tiny@main")!.get("model.onnx")!)).toBe(true);
    expect(existsSync(join(r.folder, "model.onnx.part"))).toBe(false);
    const hubPaths = log.filter((l) => l.server === "hub").map((l) => l.path.replace("/acme/tiny/resolve/main/", ""));
    expect(hubPaths).toEqual(["tokenizer.json", "tokenizer_config.json", "config.json", "sentence_bert_config.json", "1_Pooling/config.json", "onnx/model.onnx", "model.onnx", "model.onnx_data"]);
    expect(log.filter((l) => l.server === "cdn").map((l) => l.path)).toEqual(["/acme--tiny@main/model.onnx"]);
    const last = events.filter((e) => e.file === "model.onnx").at(-1)!;
    expect(last.done).toBe(true);
    expect(last.received).toBe(last.total);

    log.length = 0;
    process.env.ADVFC_OFFLINE = "1";
    const again = await resolveModel("acme/tiny");
    expect(again).toMatchObject({ source: "cache", folder: r.folder });
    expect(log).toEqual([]);

    const e = await createEmbedder("onnx:acme/tiny", { device: "cpu" });
    const local = await createEmbedder(`onnx:${join(root, "src-model")}`, { device: "cpu" });
    try {
      expect(e.name).toBe("onnx:acme/tiny");
      expect(e.dim).toBe(32);
      expect(Array.from(await e.embed(["book a flight"]))).toEqual(Array.from(await local.embed(["book a flight"])));
    } finally {
      await e.dispose();
      await local.dispose();
    }
  });

  it("takes a revision after @ and the onnx/ subfolder layout", async () => {
    const r = await resolveModel("acme/tiny@v2", { onProgress: false });
    expect(r.folder).toBe(join(root, "cache", "acme--tiny", "v2"));
    expect(existsSync(join(r.folder, "onnx", "model.onnx"))).toBe(true);
    expect(log.some((l) => l.path === "/acme/tiny/resolve/v2/model.onnx")).toBe(false);
  });

  it("explains how to export when the repository has no ONNX model", async () => {
    const err = await resolveModel("acme/noonnx", { onProgress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    const folder = join(root, "cache", "acme--noonnx", "main");
    expect((err as ModelUnavailableError).folder).toBe(folder);
    expect((err as Error).message).toContain("tried onnx/model.onnx and model.onnx");
    expect((err as Error).message).toContain(`optimum-cli export onnx --model acme/noonnx --task feature-extraction ${folder}`);
    expect(existsSync(join(folder, "tokenizer.json"))).toBe(true);
  });

  it("fails offline with the exact folder to fill and the files that go there", async () => {
    process.env.ADVFC_OFFLINE = "1";
    const err = await resolveModel("shibing624/text2vec-base-multilingual").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    const folder = join(root, "cache", "shibing624--text2vec-base-multilingual", "main");
    expect((err as Error).message).toContain(folder);
    expect((err as Error).message).toMatch(/tokenizer\.json and model\.onnx \(or onnx\/model\.onnx\)/);
    expect(log).toEqual([]);
  });

  it("treats an unreachable endpoint like offline, with the same instructions", async () => {
    const [s, url] = await listen(() => undefined);
    await new Promise((r) => s.close(r));
    process.env.ADVFC_HF_ENDPOINT = url;
    try {
      const err = await resolveModel("acme/tiny@never", { onProgress: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect((err as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect((err as Error).message).toContain(join(root, "cache", "acme--tiny", "never"));
    } finally {
      process.env.ADVFC_HF_ENDPOINT = hubUrl;
    }
  });

  it("sends HF_TOKEN to the hub only, never to the redirect target, and names the problem on 401", async () => {
    const err = await resolveModel("acme/private", { onProgress: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).status).toBe(401);
    expect((err as Error).message).toMatch(/set HF_TOKEN/);

    process.env.HF_TOKEN = TOKEN;
    log.length = 0;
    const r = await resolveModel("acme/private", { onProgress: false });
    expect(existsSync(join(r.folder, "onnx", "model.onnx"))).toBe(true);
    expect(log.filter((l) => l.server === "hub").every((l) => l.auth === `Bearer ${TOKEN}`)).toBe(true);
    const cdnHits = log.filter((l) => l.server === "cdn");
    expect(cdnHits.length).toBe(1);
    expect(cdnHits[0]!.auth).toBeUndefined();

    process.env.HF_TOKEN = "wrong";
    rmSync(r.folder, { recursive: true });
    const refused = await resolveModel("acme/private", { onProgress: false }).catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/token in HF_TOKEN was refused/);
    expect((refused as Error).message).not.toContain("wrong");
  });

  it("rejects specs that are neither folders nor hub ids", async () => {
    await expect(resolveModel("just-a-name")).rejects.toThrow(EmbedderSpecError);
    await expect(resolveModel("./no/such/folder")).rejects.toThrow(/does not exist/);
  });
});

describe("downloadFile: resume and verification", () => {
  const url = () => `${hubUrl}/acme/flaky/resolve/main/onnx/model.onnx`;
  const body = () => repos.get("acme/flaky@main")!.get("onnx/model.onnx")!;

  it("resumes with a Range request after the connection drops half-way (within one call)", async () => {
    dropOnce.add("/acme--flaky@main/onnx/model.onnx");
    const dest = join(root, "dl", "a", "model.onnx");
    const r = await downloadFile(url(), dest, { retries: 2 });
    expect(r).toMatchObject({ size: body().length, sha256: sha256(body()), verified: "sha256" });
    expect(readFileSync(dest).equals(body())).toBe(true);
    const cdnHits = log.filter((l) => l.server === "cdn");
    expect(cdnHits.length).toBe(2);
    expect(cdnHits[0]!.range).toBeUndefined();
    expect(cdnHits[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(cdnHits[1]!.range!)![0])).toBeGreaterThan(0);
  });

  it("keeps the .part when retries run out, and the next call resumes from it", async () => {
    dropOnce.add("/acme--flaky@main/onnx/model.onnx");
    const dest = join(root, "dl", "b", "model.onnx");
    const err = await downloadFile(url(), dest, { retries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).reason).toBe("interrupted");
    expect((err as Error).message).toMatch(/run again to resume/);
    const partSize = statSync(`${dest}.part`).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(body().length);
    log.length = 0;
    const r = await downloadFile(url(), dest, { retries: 0 });
    expect(r.verified).toBe("sha256");
    expect(readFileSync(dest).equals(body())).toBe(true);
    expect(log.find((l) => l.server === "cdn")!.range).toBe(`bytes=${partSize}-`);
  });

  it("restarts from scratch when the server ignores the range (200 instead of 206)", async () => {
    const dest = join(root, "dl", "c", "tokenizer.json");
    const full = repos.get("acme/norange@main")!.get("tokenizer.json")!;
    mkdirSync(join(root, "dl", "c"), { recursive: true });
    writeFileSync(`${dest}.part`, "garbage that must not stay");
    const r = await downloadFile(`${hubUrl}/acme/norange/resolve/main/tokenizer.json`, dest);
    expect(log[0]!.range).toBe("bytes=26-");
    expect(r.verified).toBe("size");
    expect(readFileSync(dest).equals(full)).toBe(true);
  });

  it("restarts when the .part is longer than the file (416)", async () => {
    const dest = join(root, "dl", "c2", "tokenizer.json");
    const full = repos.get("acme/flaky@main")!.get("tokenizer.json")!;
    mkdirSync(join(root, "dl", "c2"), { recursive: true });
    writeFileSync(`${dest}.part`, Buffer.alloc(full.length + 10, 120));
    const r = await downloadFile(`${hubUrl}/acme/flaky/resolve/main/tokenizer.json`, dest);
    expect(log.map((l) => l.range)).toEqual([`bytes=${full.length + 10}-`, undefined]);
    expect(r.verified).toBe("size");
    expect(readFileSync(dest).equals(full)).toBe(true);
  });

  it("deletes the file and fails on a sha256 mismatch", async () => {
    const dest = join(root, "dl", "d", "model.onnx");
    const err = await downloadFile(`${hubUrl}/acme/badsha/resolve/main/onnx/model.onnx`, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as ChecksumError).kind).toBe("sha256");
    expect((err as ChecksumError).expected).toBe("0".repeat(64));
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it("gives up on 404 at once with the status", async () => {
    const err = await downloadFile(`${hubUrl}/acme/tiny/resolve/main/missing.bin`, join(root, "dl", "e", "x")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as DownloadError).status).toBe(404);
    expect(log.length).toBe(1);
  });

  it("stops on abort and keeps nothing in place", async () => {
    const dest = join(root, "dl", "f", "model.onnx");
    await expect(downloadFile(url(), dest, { signal: AbortSignal.abort(new Error("cancelled")) })).rejects.toThrow("cancelled");
    expect(existsSync(dest)).toBe(false);
  });
});
