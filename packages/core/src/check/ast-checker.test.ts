import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { standardizeString } from "./ast-checker.js";
import { checkCase } from "./check-case.js";
import { parsePyJson } from "../parse/pyjson.js";

/** BFCL `standardize_string`, spelled as BFCL spells it. */
const reference = (s: string) => s.replace(/[ ,./\-_*^]/g, "").toLowerCase().replace(/'/g, '"');

describe("standardizeString", () => {
  it("is BFCL's standardize_string on hand-picked strings", () => {
    for (const s of ["", "abc", "ABC", "New York, NY", "a_b-c.d/e*f^g h", "it's", "'''", "Zürich", "İstanbul", "ΣΑΣ", "x".repeat(300) + "Y", "A", " ", "a'B'c"])
      expect(standardizeString(s), s).toBe(reference(s));
  });
  it("is BFCL's standardize_string on random strings", () => {
    const ch = fc.constantFrom(..."aZ ,./-_*^'\"09é€😀İ\t".split(""), "😀");
    fc.assert(fc.property(fc.array(ch, { maxLength: 40 }).map((a) => a.join("")), (s) => standardizeString(s) === reference(s)), { numRuns: 20_000 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => standardizeString(s) === reference(s)), { numRuns: 5_000 });
  });
});

describe("parameter types", () => {
  it("a known type is checked, an unknown one is unsupported", () => {
    const run = (type: string) =>
      checkCase({
        category: "simple_python",
        functions: parsePyJson(JSON.stringify([{ name: "f", description: "", parameters: { type: "dict", properties: { a: { type, description: "" } }, required: ["a"] } }])),
        possibleAnswer: parsePyJson('[{"f": {"a": [1]}}]'),
        modelOutput: "[f(a=1)]",
        mode: "prompt",
      }).errorType;
    expect(run("integer")).toBeNull();
    expect(run("nope")).toBe("checker_error:unsupported_type");
  });

  it("a type named like an Object.prototype member is unsupported, as it is in BFCL's mapping (KeyError)", () => {
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const r = checkCase({
        category: "simple_python",
        functions: parsePyJson(JSON.stringify([{ name: "f", description: "", parameters: { type: "dict", properties: { a: { type, description: "" } }, required: ["a"] } }])),
        possibleAnswer: parsePyJson('[{"f": {"a": [1]}}]'),
        modelOutput: "[f(a=1)]",
        mode: "prompt",
      });
      expect(r.errorType, type).toBe("checker_error:unsupported_type");
    }
  });
});
