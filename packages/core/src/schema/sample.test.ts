import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { PyDict, PyFloat } from "../check/pyvalue.js";
import { BadCaseSchema } from "./bad-case.js";
import { ExpectedSchema } from "./expected.js";
import { expectedCallToPy } from "./expected-py.js";
import { RolloutSchema } from "./rollout.js";
import { type Sample, type SampleInput, SampleSchema } from "./sample.js";
import { ToolSchema } from "./tool.js";
import { safeValidate, SchemaValidationError, validate } from "./validate.js";

const tool = {
  name: "calc.area",
  description: "Area of a triangle.",
  parameters: { type: "dict", required: ["base"], properties: { base: { type: "float" }, unit: { type: "any" } } },
};

function sample(over: Partial<Record<keyof SampleInput, unknown>> = {}): Record<string, unknown> {
  return {
    id: "s1",
    messages: [{ role: "user", content: "Area of base 10?" }],
    tools: [tool],
    expected: { calls: [{ name: "calc.area", args: { base: [10], unit: ["", "cm"] } }] },
    category: "simple",
    language: "python",
    source: { format: "advfc" },
    ...over,
  };
}

describe("SampleSchema accepts", () => {
  it("a sample, normalising a v3 category name to v4", () => {
    const s: Sample = validate(SampleSchema, sample());
    expect(s.category).toBe("simple_python");
    expect(s.expected).toEqual({ calls: [{ name: "calc.area", args: { base: [10], unit: ["", "cm"] } }] });
  });
  it("an abstaining sample and a dict-typed option", () => {
    expect(validate(SampleSchema, sample({ expected: { abstain: true }, category: "irrelevance" })).expected).toEqual({ abstain: true });
    const dictArg = { calls: [{ name: "f", args: { d: [{ k: ["a", ""] }], l: [[1, 2]] } }] };
    expect(validate(ExpectedSchema, dictArg)).toEqual(dictArg);
  });
  it("BFCL's type names verbatim and the key order of parameters", () => {
    const t = validate(ToolSchema, {
      name: "f",
      parameters: { type: "dict", required: ["a"], properties: { a: { type: "HashMap" }, b: { type: "tuple" } } },
      strict: true,
    });
    expect(Object.keys(t.parameters)).toEqual(["type", "required", "properties"]);
    expect(t.parameters.properties).toEqual({ a: { type: "HashMap" }, b: { type: "tuple" } });
    expect(t.strict).toBe(true);
  });
  it("extra message keys (tool_calls, name)", () => {
    const s = validate(SampleSchema, sample({ messages: [{ role: "user", content: "x", name: "bob" }] }));
    expect(s.messages[0]).toEqual({ role: "user", content: "x", name: "bob" });
  });
});

describe("SampleSchema rejects, with clear messages", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["a wrong role", sample({ messages: [{ role: "robot", content: "x" }] }), 'Expected one of "system", "user", "assistant", "tool" for sample.messages[0].role but received "robot"'],
    ["a number as content", sample({ messages: [{ role: "user", content: 3 }] }), "Expected a string for sample.messages[0].content but received 3"],
    ["no messages", sample({ messages: [] }), "Expected a non-empty array for sample.messages but received []"],
    ["an unknown category", sample({ category: "exec_simple" }), 'for sample.category but received "exec_simple"'],
    ["a bad call name deep in a union", sample({ expected: { calls: [{ name: 3, args: {} }] } }), "Expected a string for sample.expected.calls[0].name but received 3"],
    ["an allowed value that is not a list", sample({ expected: { calls: [{ name: "f", args: { a: 5 } }] } }), "Expected an array for sample.expected.calls[0].args.a but received 5"],
    ["an expected of neither shape", sample({ expected: { answer: 1 } }), 'Expected {calls: [{name, args}]} or {abstain: true} for sample.expected but received {"answer":1}'],
    ["abstain: false", sample({ expected: { abstain: false } }), "Expected true for sample.expected.abstain but received false"],
    ["an unknown top-level key", { ...sample(), expcted: 1 }, 'Expected no keys other than the known ones for sample but received unknown key "expcted"'],
    ["a language that contradicts the category", sample({ category: "java" }), 'Expected "java" (the language of category simple_java) for sample.language but received "python"'],
    ["a non-string type in parameters", sample({ tools: [{ name: "f", parameters: { type: 1 } }] }), "Expected a type name (string) for sample.tools[0].parameters.type but received 1"],
    ["a pyFloats pointer to nothing", sample({ expected: { calls: [{ name: "f", args: { a: [1] }, pyFloats: ["/a/3"] }] } }), 'Expected a JSON Pointer to an integral number inside args for sample.expected.calls[0].pyFloats[0] but received "/a/3"'],
    ["a bad source line", sample({ source: { format: "bfcl-v4", line: 0 } }), "Expected a number > 0 for sample.source.line but received 0"],
  ];
  for (const [what, value, message] of cases) {
    it(what, () => {
      const r = safeValidate(SampleSchema, value, "sample");
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.message).toContain(message);
    });
  }

  it("throws an InvalidInputError naming file and line, and counts further problems", () => {
    const bad = sample({ id: "", messages: [{ role: "user", content: 1 }] });
    let caught: unknown;
    try {
      validate(SampleSchema, bad, { file: "seeds.jsonl", line: 4, field: "sample" });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SchemaValidationError);
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect(InvalidInputError.isInstance(caught)).toBe(true);
    const e = caught as SchemaValidationError;
    expect(e.message).toBe('seeds.jsonl, line 4: Expected a non-empty string for sample.id but received "" (and 1 more problem)');
    expect(e.where).toEqual({ file: "seeds.jsonl", line: 4 });
    expect(e.path).toBe("sample.id");
    expect(e.issues).toHaveLength(2);
  });

  it("says 'the value' when there is no path, and quotes odd keys", () => {
    expect(safeValidate(SampleSchema, 5).success).toBe(false);
    expect(() => validate(SampleSchema, 5)).toThrow("Expected an object for the value but received 5");
    expect(() => validate(ExpectedSchema, { calls: [{ name: "f", args: { "a-b": 1 } }] }, "x")).toThrow('for x.calls[0].args["a-b"]');
  });
});

describe("expectedCallToPy", () => {
  it("builds Python values, floats where pyFloats says so", () => {
    const py = expectedCallToPy({ name: "f", args: { a: [2, 2.5, ""], d: [{ k: [3] }] }, pyFloats: ["/a/0", "/d/0/k/0"] });
    expect(py.get("a")).toEqual([new PyFloat(2), new PyFloat(2.5), ""]);
    const d = py.get("d")![0] as PyDict;
    expect(d).toBeInstanceOf(PyDict);
    expect(d.get("k")).toEqual([new PyFloat(3)]);
    expect(expectedCallToPy({ name: "f", args: { a: [2] } }).get("a")).toEqual([2]);
  });
});

describe("Rollout and BadCase", () => {
  const rollout = {
    id: "r1",
    seedId: "s1",
    iteration: 0,
    step: 3,
    rewrite: "Could you work out the area for a base of ten?",
    judge: { toolMatch: { passed: true, reason: "same tool", calledNames: ["calc.area"] }, reasoning: { passed: true, reason: "all fields present" } },
    fc: { raw: "[calc.area(base=100)]", mode: "prompt" },
    check: { valid: false, errorType: "value_error:others", outcome: "call" },
    reward: { rJudge: 1, rAdv: 1, diversity: 0.012, total: 1.012 },
  };
  it("accepts a rollout and keeps unknown keys", () => {
    expect(validate(RolloutSchema, { ...rollout, latencyMs: 12 })).toMatchObject({ latencyMs: 12, step: 3 });
  });
  it("rejects a rollout with a bad outcome", () => {
    expect(() => validate(RolloutSchema, { ...rollout, check: { valid: false, outcome: "maybe" } }, "rollout")).toThrow(
      'Expected one of "call", "abstain", "unparseable" for rollout.check.outcome but received "maybe"',
    );
  });
  it("accepts a bad case only when r_adv is positive and the check failed", () => {
    const bad = { id: "b1", sample: sample(), rollout, seed: { id: "s1", category: "simple_python", source: { format: "advfc" } } };
    expect(validate(BadCaseSchema, bad).sample.category).toBe("simple_python");
    expect(() => validate(BadCaseSchema, { ...bad, rollout: { ...rollout, reward: { ...rollout.reward, rAdv: -1 } } }, "badCase")).toThrow(
      "Expected a positive r_adv (a bad case) for badCase.rollout.reward.rAdv but received -1",
    );
  });
});
