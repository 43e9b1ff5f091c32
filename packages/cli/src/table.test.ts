import { describe, expect, it } from "vitest";
import { markdownTable } from "./table.js";

describe("markdownTable", () => {
  it("left-aligns the text columns, right-aligns the rest, with a --: separator", () => {
    expect(markdownTable([["name", "n"], ["alpha", "1"], ["b", "100"]])).toEqual([
      "| name  |   n |",
      "|-------|----:|",
      "| alpha |   1 |",
      "| b     | 100 |",
    ]);
  });
  it("takes the number of text columns", () => {
    expect(markdownTable([["a", "b", "c"], ["x", "y", "12"]], 2)).toEqual(["| a | b |  c |", "|---|---|---:|", "| x | y | 12 |"]);
  });
  it("returns nothing for no rows", () => {
    expect(markdownTable([])).toEqual([]);
  });
});
