import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { BFCL_V4_CATEGORIES, CATEGORY_ENTRY_COUNTS, type Category, toV3Category } from "../schema/category.js";
import { expectedCallToPy } from "../schema/expected-py.js";
import type { Sample } from "../schema/sample.js";
import { bfclDataDir } from "../testing/bfcl-data.js";
import { PyFloat } from "../check/pyvalue.js";
import {
  bfclCategoryFromId,
  bfclFileName,
  bfclToSample,
  listBfclFiles,
  parseBfclFileName,
  readBfcl,
  readBfclDir,
  sampleToBfclLines,
  writeBfcl,
} from "./bfcl.js";
import { collectSamples } from "./result.js";

const dataDir = bfclDataDir();

function splitLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

describe("bfclDataDir", () => {
  it("resolves to the shared BFCL copy beside the checkout", async () => {
    expect(dataDir.endsWith("/shared/data/bfcl")).toBe(true);
    expect(await readFile(join(dataDir, "README.md"), "utf8")).toContain("BFCL");
  });
});

describe("file names and ids", () => {
  it("parses v3 and v4 file names into v4 categories", () => {
    expect(parseBfclFileName("/x/BFCL_v4_simple_python.json")).toEqual({ version: "v4", category: "simple_python" });
    expect(parseBfclFileName("BFCL_v3_java.json")).toEqual({ version: "v3", category: "simple_java" });
    expect(parseBfclFileName("BFCL_v3_live_relevance.json")).toEqual({ version: "v3", category: "live_relevance" });
    expect(parseBfclFileName("BFCL_v4_multi_turn_base.json")).toBeUndefined();
    expect(parseBfclFileName("other.json")).toBeUndefined();
  });
  it("names files in the version's spelling", () => {
    expect(bfclFileName("simple_python")).toBe("BFCL_v4_simple_python.json");
    expect(bfclFileName("simple_python", "v3")).toBe("BFCL_v3_simple.json");
    expect(bfclFileName("javascript", "v4")).toBe("BFCL_v4_simple_javascript.json");
    expect(bfclFileName("live_multiple", "v3")).toBe("BFCL_v3_live_multiple.json");
  });
  it("reads the category from ids of both versions", () => {
    expect(bfclCategoryFromId("simple_python_12")).toBe("simple_python");
    expect(bfclCategoryFromId("simple_12")).toBe("simple_python");
    expect(bfclCategoryFromId("java_3")).toBe("simple_java");
    expect(bfclCategoryFromId("javascript_3")).toBe("simple_javascript");
    expect(bfclCategoryFromId("live_parallel_multiple_0-0-0")).toBe("live_parallel_multiple");
    expect(bfclCategoryFromId("parallel_multiple_199")).toBe("parallel_multiple");
    expect(bfclCategoryFromId("nonsense")).toBeUndefined();
  });
});

for (const version of ["v4", "v3"] as const) {
  describe(`BFCL ${version} data`, () => {
    const dir = join(dataDir, version);
    const byCategory = new Map<Category, Sample[]>();
    let errors: InvalidInputError[] = [];

    beforeAll(async () => {
      const r = await collectSamples(readBfclDir(dir));
      errors = r.errors;
      for (const s of r.samples) {
        const list = byCategory.get(s.category) ?? [];
        list.push(s);
        byCategory.set(s.category, list);
      }
    });

    it("converts every entry without an error", () => {
      expect(errors.map((e) => e.message)).toEqual([]);
    });

    it("has the README's entry count for every category", () => {
      const counts = Object.fromEntries(BFCL_V4_CATEGORIES.map((c) => [c, byCategory.get(c)?.length ?? 0]));
      // The README table, written out by hand (v3 differs in the live (ir)relevance split).
      const expected =
        version === "v4"
          ? { simple_python: 400, simple_java: 100, simple_javascript: 50, multiple: 200, parallel: 200, parallel_multiple: 200, irrelevance: 240, live_simple: 258, live_multiple: 1053, live_parallel: 16, live_parallel_multiple: 24, live_irrelevance: 884, live_relevance: 16 }
          : { simple_python: 400, simple_java: 100, simple_javascript: 50, multiple: 200, parallel: 200, parallel_multiple: 200, irrelevance: 240, live_simple: 258, live_multiple: 1053, live_parallel: 16, live_parallel_multiple: 24, live_irrelevance: 882, live_relevance: 18 };
      expect(counts).toEqual(expected);
      for (const c of BFCL_V4_CATEGORIES) expect(CATEGORY_ENTRY_COUNTS[c][version]).toBe(expected[c]);
    });

    it("keeps ids, sources, languages and expected shapes", () => {
      for (const [category, samples] of byCategory) {
        const idPrefix = version === "v3" ? toV3Category(category) : category;
        samples.forEach((s, i) => {
          expect(s.id.startsWith(`${idPrefix}_`)).toBe(true);
          expect(s.source).toEqual({ format: `bfcl-${version}`, file: join(dir, bfclFileName(category, version)), line: i + 1, id: s.id });
          expect(s.language).toBe(category.includes("javascript") ? "javascript" : category.includes("java") ? "java" : "python");
          if (category === "irrelevance" || category === "live_irrelevance") expect(s.expected).toEqual({ abstain: true });
          else if (category === "live_relevance") {
            expect(s.expected).toEqual({ calls: [] });
            expect(s.meta).toEqual({ relevance: true });
          } else {
            expect("calls" in s.expected && s.expected.calls.length > 0).toBe(true);
            expect(s.meta).toBeUndefined();
          }
        });
      }
      const ids = [...byCategory.values()].flat().map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("writes every answer line back byte for byte, and every question line to equal JSON", async () => {
      for (const path of await listBfclFiles(dir)) {
        const category = parseBfclFileName(path)!.category;
        const samples = byCategory.get(category)!;
        const qLines = splitLines(await readFile(path, "utf8"));
        const written = samples.map(sampleToBfclLines);
        expect(written.map((w) => JSON.parse(w.question))).toEqual(qLines.map((l) => JSON.parse(l)));
        if (category === "irrelevance" || category === "live_irrelevance" || category === "live_relevance") {
          expect(written.every((w) => w.answer === undefined)).toBe(true);
        } else {
          const aLines = splitLines(await readFile(join(dir, "possible_answer", bfclFileName(category, version)), "utf8"));
          expect(written.map((w) => JSON.parse(w.answer!))).toEqual(aLines.map((l) => JSON.parse(l)));
          // BFCL writes its files with Python's json.dumps; one answer line was edited by hand
          // (a missing space after a comma), every other line comes back byte for byte.
          const differing = written.flatMap((w, i) => (w.answer === aLines[i] ? [] : [(JSON.parse(aLines[i]!) as { id: string }).id]));
          expect(differing).toEqual(category === "live_multiple" ? ["live_multiple_1051-278-0"] : []);
        }
      }
    });

    it("round-trips Sample → BFCL lines → Sample identically", async () => {
      for (const [category, samples] of byCategory) {
        const file = join(dir, bfclFileName(category, version));
        const lines = samples.map(sampleToBfclLines);
        const answers = lines.flatMap((l) => (l.answer === undefined ? [] : [l.answer]));
        const back = await collectSamples(
          readBfcl(
            lines.map((l) => l.question),
            { file, answers: answers.length > 0 ? answers : null },
          ),
        );
        expect(back.errors).toEqual([]);
        expect(back.samples).toEqual(samples);
      }
    });
  });
}

describe("integral floats in possible answers", () => {
  it("marks 50.0-style answers as Python floats and 50 as ints", () => {
    const q = { id: "simple_python_9", question: [[{ role: "user", content: "x" }]], function: [{ name: "f", parameters: { type: "dict", properties: {} } }] };
    const text = '{"id": "simple_python_9", "ground_truth": [{"f": {"a": [50.0, 50], "b": [{"k": [2.0]}], "c": [1.5]}}]}';
    const floats = ["/ground_truth/0/f/a/0", "/ground_truth/0/f/b/0/k/0"];
    const s = bfclToSample(q, JSON.parse(text), { answerFloats: floats });
    expect(s.expected).toEqual({ calls: [{ name: "f", args: { a: [50, 50], b: [{ k: [2] }], c: [1.5] }, pyFloats: ["/a/0", "/b/0/k/0"] }] });
    expect(sampleToBfclLines(s).answer).toBe(text);
    const py = expectedCallToPy((s.expected as { calls: Parameters<typeof expectedCallToPy>[0][] }).calls[0]!);
    expect(py.get("a")![0]).toBeInstanceOf(PyFloat);
    expect(py.get("a")![1]).toBe(50);
    expect(py.get("c")![0]).toEqual(new PyFloat(1.5));
  });
});

describe("errors name the file and line", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "advfc-bfcl-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("reports a malformed question line and an id mismatch, and converts the rest", async () => {
    const qPath = join(tmp, "BFCL_v4_simple_python.json");
    const fn = '[{"name": "f", "description": "d", "parameters": {"type": "dict", "properties": {"a": {"type": "integer"}}, "required": ["a"]}}]';
    await writeFile(
      qPath,
      [
        `{"id": "simple_python_0", "question": [[{"role": "user", "content": "hi"}]], "function": ${fn}}`,
        `{"id": "simple_python_1", "question": [[{"role": "user", "content": "hi"}]], "function": ${fn}`,
        `{"id": "simple_python_2", "question": [[{"role": "user", "content": "hi"}]], "function": ${fn}}`,
        `{"id": "simple_python_3", "question": [[{"role": "user", "content": "hi"}]], "function": ${fn}}`,
      ].join("\n"),
    );
    await mkdir(join(tmp, "possible_answer"), { recursive: true });
    await writeFile(
      join(tmp, "possible_answer", "BFCL_v4_simple_python.json"),
      [
        '{"id": "simple_python_0", "ground_truth": [{"f": {"a": [1]}}]}',
        '{"id": "simple_python_1", "ground_truth": [{"f": {"a": [1]}}]}',
        '{"id": "simple_python_9", "ground_truth": [{"f": {"a": [1]}}]}',
        '{"id": "simple_python_3", "ground_truth": [{"f": {"a": ["x"]}}]}',
      ].join("\n") + "\n",
    );
    const r = await collectSamples(readBfcl(qPath));
    expect(r.samples.map((s) => s.id)).toEqual(["simple_python_0", "simple_python_3"]);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toBeInstanceOf(InvalidInputError);
    expect(r.errors[0]!.message).toMatch(new RegExp(`^${qPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, line 2: malformed JSON`));
    expect(r.errors[1]!.message).toContain("possible_answer/BFCL_v4_simple_python.json, line 3");
    expect(r.errors[1]!.message).toContain('Expected the possible answer of "simple_python_2" but received the one of "simple_python_9"');
  });

  it("refuses a category that needs answers when there is no answer file", async () => {
    const qPath = join(tmp, "BFCL_v4_multiple.json");
    await writeFile(qPath, '{"id": "multiple_0", "question": [[{"role": "user", "content": "hi"}]], "function": []}\n');
    await expect(collectSamples(readBfcl(qPath))).rejects.toThrow(/category multiple needs a possible-answer file/);
  });

  it("names the field of a bad question record", () => {
    expect(() =>
      bfclToSample({ id: "irrelevance_0", question: [[{ role: "user", content: 5 }]], function: [] }, undefined, { file: "f.json", line: 7 }),
    ).toThrow("f.json, line 7: Expected a string for question record.question[0][0].content but received 5");
  });
});

describe("writeBfcl", () => {
  it("writes question and answer files per category, in the chosen version's names", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "advfc-bfcl-out-"));
    try {
      const r = await collectSamples(readBfcl(join(dataDir, "v4", "BFCL_v4_simple_java.json")));
      const rel = await collectSamples(readBfcl(join(dataDir, "v4", "BFCL_v4_live_relevance.json")));
      const counts = await writeBfcl([...r.samples, ...rel.samples], tmp, { version: "v3" });
      expect(Object.fromEntries(counts)).toEqual({ "BFCL_v3_java.json": 100, "BFCL_v3_live_relevance.json": 16 });
      const again = await collectSamples(readBfclDir(tmp));
      expect(again.errors).toEqual([]);
      expect(again.samples).toHaveLength(116);
      expect(again.samples[0]!.source.format).toBe("bfcl-v3");
      expect(again.samples[0]!.category).toBe("simple_java");
      expect(again.samples[0]!.expected).toEqual(r.samples[0]!.expected);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
