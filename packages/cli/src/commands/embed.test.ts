import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HashEmbedder, OnnxEmbedder } from "@advfc/native-embed";
import { writeTinyBertModel } from "@advfc/native-embed/testing";
import { runEmbed } from "./embed.js";
import { runWithIo } from "../test-support/io.js";

const dir = mkdtempSync(join(tmpdir(), "advfc-embed-cli-"));
const savedEnv = { ...process.env };
let modelFolder = "";

beforeAll(() => {
  modelFolder = writeTinyBertModel(join(dir, "tiny-model")).folder;
});
afterAll(() => {
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], stdin = "", tty = false) {
  return runWithIo(runEmbed, args, { stdin, tty });
}

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** numpy's view of a .npy file: shape, dtype and all values. */
function numpyLoad(path: string): { shape: number[]; dtype: string; values: number[] } {
  const py = spawnSync("python3", ["-c", "import numpy, sys, json; a = numpy.load(sys.argv[1]); print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), 'values': [float(x) for x in a.ravel()]}))", path], { encoding: "utf8" });
  if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr}`);
  return JSON.parse(py.stdout) as { shape: number[]; dtype: string; values: number[] };
}

const hasNumpy = spawnSync("python3", ["-c", "import numpy"]).status === 0;

describe.skipIf(!hasNumpy)("advfc embed output (read back with numpy)", () => {
  it("hash: JSON Lines in, n × 512 unit rows out, ids in row order, an honest summary", async () => {
    const input = file("in.jsonl", ['{"id": "a", "text": "What is the weather in Paris?"}', "", '"book a flight"', '{"id": 7, "text": "Book a FLIGHT", "extra": 1}'].join("\n") + "\n");
    const out = join(dir, "hash.npy");
    const ids = join(dir, "hash.ids.jsonl");
    const { code, err } = await run([input, "--embedder", "hash", "--out", out, "--ids-out", ids]);
    expect(err).toMatch(/^advfc embed: 3 texts → .*hash\.npy \(3 × 512 float32\), embedder hash:char-ngram\(2-4,log-tf\)\/512 \[.*surface \(character\) similarity, not meaning\], \d+\.\d\d s\n$/);
    expect(code).toBe(0);
    const a = numpyLoad(out);
    expect(a.shape).toEqual([3, 512]);
    expect(a.dtype).toBe("float32");
    const expected = await new HashEmbedder().embed(["What is the weather in Paris?", "book a flight", "Book a FLIGHT"]);
    expect(a.values).toEqual(Array.from(expected));
    expect(readFileSync(ids, "utf8")).toBe('{"row":0,"line":1,"id":"a"}\n{"row":1,"line":3}\n{"row":2,"line":4,"id":7}\n');
  });

  it("onnx: a model folder, with --field, --batch-size and --max-length", async () => {
    const input = file("q.json", ['{"query": "book a flight to tokyo"}', '{"query": "what is the weather in paris today please"}', '{"query": ""}'].join("\n"));
    const out = join(dir, "onnx.npy");
    const { code, err } = await run([input, "--embedder", `onnx:${modelFolder}`, "--out", out, "--field", "query", "--batch-size", "2", "--max-length", "6", "--device", "cpu"]);
    expect(err).toMatch(new RegExp(`3 texts → .*onnx\\.npy \\(3 × 32 float32\\), embedder onnx:${modelFolder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} on cpu \\[sentence-embedding model`));
    expect(code).toBe(0);
    const a = numpyLoad(out);
    expect(a.shape).toEqual([3, 32]);
    const e = await OnnxEmbedder.create({ folder: modelFolder, device: "cpu", maxLength: 6 });
    try {
      const expected = await e.embed(["book a flight to tokyo", "what is the weather in paris today please", ""]);
      a.values.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-6));
      const full = await e.embed(["what is the weather in paris today please"], { batchSize: 1 });
      expect(Array.from(full)).toEqual(a.values.slice(32, 64));
    } finally {
      await e.dispose();
    }
  });

  it("lines from standard input: every line a row, an empty line a zero row", async () => {
    const out = join(dir, "lines.npy");
    const { code } = await run(["-", "--embedder", "hash:64:3-5", "--out", out, "--quiet"], "first line\n\nthird line\n");
    expect(code).toBe(0);
    const a = numpyLoad(out);
    expect(a.shape).toEqual([3, 64]);
    expect(a.values.slice(64, 128).every((v) => v === 0)).toBe(true);
    expect(Math.hypot(...a.values.slice(0, 64))).toBeCloseTo(1, 5);
  });
});

describe("advfc embed progress", () => {
  it("shows embedding progress on a terminal only, and nothing but errors with --quiet", async () => {
    const input = file("p.txt", Array.from({ length: 70 }, (_, i) => `text number ${i}`).join("\n"));
    const tty = await run([input, "--embedder", "hash", "--out", join(dir, "p.npy"), "--batch-size", "32"], "", true);
    expect(tty.code).toBe(0);
    expect(tty.err).toContain("\r\x1b[2Kadvfc embed: 70/70 texts (100%)");
    const piped = await run([input, "--embedder", "hash", "--out", join(dir, "p.npy")]);
    expect(piped.err).not.toContain("\r");
    const quiet = await run([input, "--embedder", "hash", "--out", join(dir, "p.npy"), "-q"], "", true);
    expect(quiet.err).toBe("");
  });
});

describe("advfc embed errors", () => {
  it("names file, line and field of every malformed line and writes nothing", async () => {
    const input = file("bad.jsonl", ['{"text": "ok"}', "{not json", '{"text": 42}', '{"other": "x"}', "[1, 2]"].join("\n"));
    const out = join(dir, "bad.npy");
    const { code, err } = await run([input, "--embedder", "hash", "--out", out]);
    expect(code).toBe(1);
    expect(err).toContain(`${input}, line 2: not valid JSON`);
    expect(err).toContain(`${input}, line 3, field "text": expected a string but received a number`);
    expect(err).toContain(`${input}, line 4, field "text": expected a string but received nothing (field missing)`);
    expect(err).toContain(`${input}, line 5: expected a JSON object with a "text" field or a JSON string but received an array`);
    expect(err).toContain("4 malformed lines");
    expect(existsSync(out)).toBe(false);
  });

  it("requires --embedder and --out (usage errors exit 2) and shows both embedder kinds in --help", async () => {
    const input = file("ok.txt", "hello\n");
    const noEmbedder = await run([input, "--out", join(dir, "x.npy")]);
    expect(noEmbedder.code).toBe(2);
    expect(noEmbedder.err).toMatch(/--embedder is required: onnx:<folder>, onnx:<owner>\/<name> \(the paper's: onnx:shibing624\/text2vec-base-multilingual\) or hash/);
    expect((await run([input, "--embedder", "hash"])).code).toBe(2);
    expect((await run([input, "--embedder", "hash", "--out", "x.npy", "--batch-size", "0"])).code).toBe(2);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("onnx:<owner>/<name>[@<revision>]");
    expect(help.out).toContain("NOT meaning");
  });

  it("reports a bad embedder spec and a missing hub model (offline) with exit code 1", async () => {
    const input = file("ok2.txt", "hello\n");
    const bad = await run([input, "--embedder", "word2vec", "--out", join(dir, "y.npy")]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Invalid embedder spec "word2vec": expected one of hash, hash:<dim>/);

    process.env.ADVFC_OFFLINE = "1";
    process.env.ADVFC_MODEL_CACHE = join(dir, "cache");
    try {
      const missing = await run([input, "--embedder", "onnx:shibing624/text2vec-base-multilingual", "--out", join(dir, "z.npy")]);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain(join(dir, "cache", "shibing624--text2vec-base-multilingual", "main"));
      expect(missing.err).toContain("optimum-cli export onnx --model shibing624/text2vec-base-multilingual");
      expect(existsSync(join(dir, "z.npy"))).toBe(false);
    } finally {
      delete process.env.ADVFC_OFFLINE;
    }
  });

  it("reports an unreadable input file with exit code 2", async () => {
    const r = await run([join(dir, "nope.jsonl"), "--embedder", "hash", "--out", join(dir, "n.npy")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .*nope\.jsonl: ENOENT/);
  });
});
