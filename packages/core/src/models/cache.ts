/**
 * On-disk response cache: one JSON file per request, named by the SHA-256 of the canonical
 * request body (sorted keys; the body holds the model name but neither the base URL nor the API
 * key, so replicas share entries and no secret reaches the disk). Writes are atomic (a temporary
 * file renamed into place); a file that cannot be read back as an entry is a miss and is
 * overwritten by the next answer.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ParsedCompletion } from "./openai-response.js";

/** Bumped when the entry format or the key derivation changes (old entries are then misses). */
const FORMAT = 1;

/** JSON text with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    if (o[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  }
  return `{${parts.join(",")}}`;
}

interface Entry {
  format: number;
  key: string;
  response: ParsedCompletion;
}

function isEntry(v: unknown, key: string): v is Entry {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Partial<Entry>;
  const r = e.response as Partial<ParsedCompletion> | undefined;
  return e.format === FORMAT && e.key === key && typeof r === "object" && r !== null && typeof r.content === "string" && Array.isArray(r.toolCalls);
}

/** A directory of cached chat completions. */
export class ResponseCache {
  hits = 0;
  misses = 0;
  private made = false;

  constructor(readonly dir: string) {}

  /** The cache key of a request body (which must hold the model name). */
  static key(body: Readonly<Record<string, unknown>>): string {
    return createHash("sha256").update(`advfc-chat-cache-v${FORMAT}\n`).update(canonicalJson(body)).digest("hex");
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The cached completion, or `undefined` (missing, unreadable or corrupt). */
  async get(key: string): Promise<ParsedCompletion | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), "utf8");
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const e: unknown = JSON.parse(text);
      if (isEntry(e, key)) {
        this.hits++;
        return e.response;
      }
    } catch {
      // corrupt: a miss; the next answer overwrites it
    }
    this.misses++;
    return undefined;
  }

  /** Stores a completion (atomically: readers see the old file or the new one, never a part). */
  async set(key: string, response: ParsedCompletion): Promise<void> {
    const file = this.path(key);
    const dir = join(this.dir, key.slice(0, 2));
    if (!this.made) {
      await mkdir(this.dir, { recursive: true });
      this.made = true;
    }
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const entry: Entry = { format: FORMAT, key, response };
    try {
      await writeFile(tmp, JSON.stringify(entry));
      await rename(tmp, file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }
}
