import { describe, expect, it } from "vitest";
import { parsePythonExpression } from "./python-ast.js";
import { unparse } from "./python.js";

// Expected strings are CPython 3.11's ast.unparse output for the same source.
describe("unparse matches CPython's ast.unparse", () => {
  it.each([
    ["g(x := 1)", "g((x := 1))"],
    ["data['key']", "data['key']"],
    ["x[1:2]", "x[1:2]"],
    ["y[1, 2]", "y[1, 2]"],
    ["f(1, *a, k=(1,2), **kw)", "f(1, *a, k=(1, 2), **kw)"],
    ["h(-1, not x, a if b else c, a or b and c, (a+b)*c, a-(b-c), (a**b)**c, 1 .real)", "h(-1, not x, a if b else c, a or (b and c), (a + b) * c, a - (b - c), (a ** b) ** c, 1 .real)"],
    ["f('it''s', \"q\\\"q\", 'a\\nb')", "f('its', 'q\"q', 'a\\nb')"],
  ])("%s", (src, expected) => {
    expect(unparse(parsePythonExpression(src))).toBe(expected);
  });
});
