import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { type JsonLine, readJsonLines, writeJsonLines } from "./jsonl.js";
import { dumpsPythonJson, parseJsonWithFloats } from "./python-json.js";

async function all(it: AsyncIterable<JsonLine>): Promise<JsonLine[]> {
  const out: JsonLine[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("readJsonLines", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "advfc-jsonl-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("yields values with physical line numbers, skips blank lines, reports bad lines and goes on", async () => {
    const path = join(tmp, "a.jsonl");
    await writeFile(path, '\uFEFF{"a": 1}\r\n\n{"b": \n  \n[1, 2]\n"tail"');
    const lines = await all(readJsonLines(path));
    expect(lines.map((l) => l.line)).toEqual([1, 3, 5, 6]);
    expect(lines[0]!.value).toEqual({ a: 1 });
    expect(lines[1]!.error).toBeInstanceOf(InvalidInputError);
    expect(lines[1]!.error!.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, line 3: malformed JSON`));
    expect(lines[1]!.error!.where).toEqual({ file: path, line: 3 });
    expect(lines[2]!.value).toEqual([1, 2]);
    expect(lines[3]!.value).toBe("tail");
  });

  it("reads streams and in-memory lines, labelling them", async () => {
    const fromStream = await all(readJsonLines(Readable.from(['{"x":', ' 1}\n{"y"\n']), { file: "pipe" }));
    expect(fromStream[0]!.value).toEqual({ x: 1 });
    expect(fromStream[1]!.error!.message).toMatch(/^pipe, line 2: malformed JSON/);
    const fromArray = await all(readJsonLines(["1", "oops"]));
    expect(fromArray[1]!.error!.message).toMatch(/^<input>, line 2: /);
  });

  it("reports integral floats when asked", async () => {
    const [l] = await all(readJsonLines(['{"a": [1, 1.0, 2.5, 1e3]}'], { pyFloats: true }));
    expect(l!.value).toEqual({ a: [1, 1, 2.5, 1000] });
    expect(l!.floats).toEqual(["/a/1", "/a/3"]);
  });

  it("throws an InvalidInputError for a missing file", async () => {
    await expect(all(readJsonLines(join(tmp, "nope.jsonl")))).rejects.toThrow(/nope\.jsonl: cannot read the file/);
  });

  it("streams a 20k-line file in order", async () => {
    const path = join(tmp, "big.jsonl");
    await writeFile(path, Array.from({ length: 20000 }, (_, i) => JSON.stringify({ i })).join("\n"));
    let n = 0;
    let last = -1;
    for await (const l of readJsonLines(path)) {
      n++;
      last = (l.value as { i: number }).i;
    }
    expect([n, last]).toEqual([20000, 19999]);
  });
});

describe("writeJsonLines", () => {
  it("writes one line per value and waits for drain", async () => {
    const out = new PassThrough({ highWaterMark: 8 });
    const chunks: string[] = [];
    out.on("data", (c: Buffer) => chunks.push(c.toString()));
    const n = await writeJsonLines(out, (async function* () {
      yield { a: 1 };
      yield [1, "x"];
      yield "s";
    })());
    expect(n).toBe(3);
    expect(chunks.join("")).toBe('{"a":1}\n[1,"x"]\n"s"\n');
  });
});

describe("python-json", () => {
  it("dumps like Python's json.dumps", () => {
    expect(dumpsPythonJson({ a: [1, 2.5, "é\n\"", null, true], "k/~": {} }, new Set(["/a/0"]))).toBe(
      '{"a": [1.0, 2.5, "\\u00e9\\n\\"", null, true], "k/~": {}}',
    );
    expect(dumpsPythonJson([1e-5, 1e16, 123456789012345680000, 0.1, "\u{1F600}\x7f"])).toBe(
      '[1e-05, 10000000000000000, 123456789012345683968, 0.1, "\\ud83d\\ude00\\u007f"]',
    );
  });
  it("writes integral numbers as ints unless listed as floats", () => {
    expect(dumpsPythonJson([1e16, 1e16], new Set(["/1"]))).toBe("[10000000000000000, 1e+16]");
  });
  it("round-trips floats through parse and dumps", () => {
    const text = '{"x": [50.0, 50, -2.0, 1e+20, 0.5]}';
    const { value, floats } = parseJsonWithFloats(text);
    expect(floats).toEqual(["/x/0", "/x/2", "/x/3"]);
    expect(dumpsPythonJson(value, new Set(floats))).toBe(text);
  });
});
