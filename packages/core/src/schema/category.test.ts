import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import {
  BFCL_V4_CATEGORIES,
  CATEGORY_ENTRY_COUNTS,
  CategorySchema,
  categoryLanguage,
  isIrrelevanceCategory,
  isLiveRelevanceCategory,
  toV3Category,
  toV4Category,
  tryV4Category,
} from "./category.js";

describe("v3 ↔ v4 names", () => {
  it("maps the three renamed categories both ways and leaves the rest alone", () => {
    expect(toV4Category("simple")).toBe("simple_python");
    expect(toV4Category("java")).toBe("simple_java");
    expect(toV4Category("javascript")).toBe("simple_javascript");
    expect(toV3Category("simple_python")).toBe("simple");
    expect(toV3Category("simple_java")).toBe("java");
    expect(toV3Category("simple_javascript")).toBe("javascript");
    for (const c of BFCL_V4_CATEGORIES.slice(3)) {
      expect(toV4Category(c)).toBe(c);
      expect(toV3Category(c)).toBe(c);
    }
    expect(toV3Category("java")).toBe("java");
  });
  it("rejects unknown names with the list of accepted ones", () => {
    expect(tryV4Category("multi_turn_base")).toBeUndefined();
    expect(() => toV4Category("simple_rust")).toThrow(InvalidInputError);
    expect(() => toV4Category("simple_rust")).toThrow(/Expected a BFCL single-turn category \(simple_python, .*\) but received "simple_rust"/);
  });
  it("parses aliases to v4 names in the schema", () => {
    expect(CategorySchema.parse("java")).toBe("simple_java");
    expect(CategorySchema.parse("live_simple")).toBe("live_simple");
    expect(CategorySchema.safeParse("exec_simple").success).toBe(false);
  });
});

describe("categoryLanguage", () => {
  it("follows BFCL's naming rule in both spellings", () => {
    expect(categoryLanguage("simple_java")).toBe("java");
    expect(categoryLanguage("java")).toBe("java");
    expect(categoryLanguage("simple_javascript")).toBe("javascript");
    expect(categoryLanguage("javascript")).toBe("javascript");
    expect(categoryLanguage("simple")).toBe("python");
    expect(categoryLanguage("live_multiple")).toBe("python");
  });
});

describe("CATEGORY_ENTRY_COUNTS", () => {
  it("has the README's counts (v4 / v3 differ only in live (ir)relevance)", () => {
    expect(CATEGORY_ENTRY_COUNTS.live_irrelevance).toEqual({ v4: 884, v3: 882 });
    expect(CATEGORY_ENTRY_COUNTS.live_relevance).toEqual({ v4: 16, v3: 18 });
    const total = (v: "v3" | "v4") => BFCL_V4_CATEGORIES.reduce((n, c) => n + CATEGORY_ENTRY_COUNTS[c][v], 0);
    expect(total("v4")).toBe(3641);
    expect(total("v3")).toBe(3641);
  });
});

describe("relevance kinds", () => {
  it("names the categories judged by call / no call", () => {
    expect(BFCL_V4_CATEGORIES.filter(isIrrelevanceCategory)).toEqual(["irrelevance", "live_irrelevance"]);
    expect(BFCL_V4_CATEGORIES.filter(isLiveRelevanceCategory)).toEqual(["live_relevance"]);
  });
});

describe("names of Object.prototype members", () => {
  it("are not categories", () => {
    for (const name of ["toString", "__proto__", "constructor", "hasOwnProperty", "valueOf"]) {
      expect(tryV4Category(name)).toBeUndefined();
      expect(() => toV4Category(name)).toThrow(/Expected a BFCL single-turn category/);
    }
  });
});
