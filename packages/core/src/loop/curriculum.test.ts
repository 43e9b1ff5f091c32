import { describe, expect, it } from "vitest";
import type { Category } from "../schema/category.js";
import { SampleSchema, type Sample } from "../schema/sample.js";
import {
  CurriculumError,
  DEFAULT_CURRICULUM,
  mulberry32,
  StageSampler,
  stageDataset,
  stageForIteration,
  validateCurriculum,
  type Curriculum,
} from "./curriculum.js";

function sample(id: string, category: Category): Sample {
  const expected = category.includes("irrelevance") ? { abstain: true as const } : { calls: [{ name: "f", args: {} }] };
  return SampleSchema.parse({
    id,
    messages: [{ role: "user", content: `q ${id}` }],
    tools: [{ name: "f", parameters: { type: "dict", properties: {} } }],
    expected,
    category,
    language: category.includes("javascript") ? "javascript" : category.includes("java") ? "java" : "python",
    source: { format: "advfc" },
  });
}

const seeds: Sample[] = [
  ...Array.from({ length: 6 }, (_, i) => sample(`s${i}`, "simple_python")),
  ...Array.from({ length: 3 }, (_, i) => sample(`m${i}`, "multiple")),
  ...Array.from({ length: 2 }, (_, i) => sample(`i${i}`, "irrelevance")),
  ...Array.from({ length: 4 }, (_, i) => sample(`p${i}`, "parallel")),
  ...Array.from({ length: 2 }, (_, i) => sample(`pm${i}`, "parallel_multiple")),
];

describe("mulberry32", () => {
  it("matches the reference implementation (bryc's public-domain original, verbatim logic)", () => {
    function reference(a: number): () => number {
      return function () {
        let t = (a += 0x6d2b79f5);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    for (const seed of [0, 1, 42, 0xdeadbeef]) {
      const mine = mulberry32(seed);
      const ref = reference(seed);
      for (let i = 0; i < 1000; i++) expect(mine()).toBe(ref());
    }
    const r = mulberry32(0);
    expect(Math.round(r() * 4294967296)).toBe(1144304738);
  });
});

describe("DEFAULT_CURRICULUM", () => {
  it("iteration 0: single-call categories only (incl. multiple and irrelevance); later: parallel too", () => {
    const s0 = stageForIteration(DEFAULT_CURRICULUM, 0).stage;
    expect(s0.categories).toEqual(expect.arrayContaining(["simple_python", "live_simple", "multiple", "irrelevance", "live_irrelevance"]));
    expect(s0.categories).not.toContain("parallel");
    expect(s0.categories).not.toContain("parallel_multiple");
    const s1 = stageForIteration(DEFAULT_CURRICULUM, 1).stage;
    expect(s1.categories).toEqual(expect.arrayContaining(["parallel", "parallel_multiple", "live_parallel", "simple_python"]));
    expect(stageForIteration(DEFAULT_CURRICULUM, 7)).toMatchObject({ index: 1 });
  });

  it("draws iteration 0 from single-call samples only", () => {
    const d = stageDataset(seeds, DEFAULT_CURRICULUM, { seed: 1, iteration: 0 });
    expect(d).toHaveLength(11);
    expect(new Set(d.map((s) => s.category))).toEqual(new Set(["simple_python", "multiple", "irrelevance"]));
    expect(new Set(d.map((s) => s.id)).size).toBe(11); // one epoch = each sample once
    const d1 = stageDataset(seeds, DEFAULT_CURRICULUM, { seed: 1, iteration: 1 });
    expect(d1).toHaveLength(17);
  });
});

describe("determinism", () => {
  it("same seed and iteration → same batches; a different seed or iteration → a different order", () => {
    const ids = (seed: number, iteration: number) => new StageSampler(seeds, DEFAULT_CURRICULUM, { seed, iteration }).next(30).map((s) => s.id);
    expect(ids(7, 1)).toEqual(ids(7, 1));
    expect(ids(7, 1)).not.toEqual(ids(8, 1));
    expect(ids(7, 2)).not.toEqual(ids(7, 1));
  });

  it("epochs cover every sample before repeating", () => {
    const s = new StageSampler(seeds, DEFAULT_CURRICULUM, { seed: 3, iteration: 1 });
    const first = s.next(17).map((x) => x.id);
    const second = s.next(17).map((x) => x.id);
    expect(new Set(first).size).toBe(17);
    expect(new Set(second).size).toBe(17);
  });
});

describe("mixture weights", () => {
  const weighted: Curriculum = { stages: [{ name: "mix", categories: ["simple_python", "parallel"], weights: { simple_python: 1, parallel: 3 } }] };
  it("draws categories in proportion to their weights", () => {
    const batch = new StageSampler(seeds, weighted, { seed: 5 }).next(4000);
    const par = batch.filter((s) => s.category === "parallel").length / batch.length;
    expect(par).toBeGreaterThan(0.72);
    expect(par).toBeLessThan(0.78);
    expect(batch.every((s) => s.category === "simple_python" || s.category === "parallel")).toBe(true);
  });

  it("a category without a weight gets none", () => {
    const c: Curriculum = { stages: [{ name: "mix", categories: ["simple_python", "parallel"], weights: { parallel: 1 } }] };
    expect(new StageSampler(seeds, c, { seed: 1 }).next(50).every((s) => s.category === "parallel")).toBe(true);
  });

  it("is deterministic too", () => {
    const a = new StageSampler(seeds, weighted, { seed: 9 }).next(40).map((s) => s.id);
    expect(new StageSampler(seeds, weighted, { seed: 9 }).next(40).map((s) => s.id)).toEqual(a);
  });
});

describe("validateCurriculum", () => {
  it("reports counts and empty categories", () => {
    const r = validateCurriculum(DEFAULT_CURRICULUM, seeds);
    expect(r[0]).toMatchObject({ name: "single-call", total: 11, counts: { simple_python: 6, multiple: 3, irrelevance: 2, live_simple: 0 } });
    expect(r[0]!.empty).toContain("live_simple");
  });

  it("names the stage and categories of a stage without samples", () => {
    const onlyParallel = seeds.filter((s) => s.category === "parallel");
    let err: unknown;
    try {
      validateCurriculum(DEFAULT_CURRICULUM, onlyParallel);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CurriculumError);
    expect((err as CurriculumError).stage).toBe("single-call");
    expect((err as Error).message).toMatch(/stage "single-call" \(categories simple_python, .*live_relevance\) but the seed data has none/);
    // A sampler checks its own stage only (seed data may grow between iterations).
    expect(() => new StageSampler(onlyParallel, DEFAULT_CURRICULUM, { iteration: 0 })).toThrow(/stage "single-call"/);
    expect(new StageSampler(onlyParallel, DEFAULT_CURRICULUM, { iteration: 1 }).next(2)).toHaveLength(2);
  });

  it.each([
    ["no stages", { stages: [] }, /at least one curriculum stage/],
    ["no categories", { stages: [{ name: "a", categories: [] }] }, /categories for stage "a"/],
    ["unknown category", { stages: [{ name: "a", categories: ["simple"] }] }, /BFCL v4 category names in stage "a" but received simple/],
    ["weight outside the stage", { stages: [{ name: "a", categories: ["simple_python"], weights: { parallel: 1 } }] }, /weights for parallel/],
    ["negative weight", { stages: [{ name: "a", categories: ["simple_python"], weights: { simple_python: -1 } }] }, /finite weights/],
    ["all zero", { stages: [{ name: "a", categories: ["simple_python"], weights: { simple_python: 0 } }] }, /positive weight/],
    ["weighted category without samples", { stages: [{ name: "a", categories: ["simple_python", "live_simple"], weights: { simple_python: 1, live_simple: 1 } }] }, /weighted categories live_simple of stage "a"/],
  ])("%s", (_, curriculum, message) => {
    expect(() => validateCurriculum(curriculum as unknown as Curriculum, seeds)).toThrow(message);
  });

  it("rejects a bad iteration or batch size", () => {
    expect(() => stageForIteration(DEFAULT_CURRICULUM, -1)).toThrow(/iteration/);
    expect(() => new StageSampler(seeds).next(-1)).toThrow(/batch size/);
  });
});
