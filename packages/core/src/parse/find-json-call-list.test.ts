import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonCallList } from "./decode.js";
import { isPyWhitespace } from "./text.js";

/** Python's `\s` (str patterns): every code unit `isPyWhitespace` accepts, as a regex class. */
const PY_WS = (() => {
  let cls = "";
  for (let c = 0; c < 0x10000; c++) if (isPyWhitespace(c)) cls += `\\u${c.toString(16).padStart(4, "0")}`;
  return `[${cls}]`;
})();

/** BFCL's `re.search(r"\[\s*{.*?}\s*(?:,\s*{.*?}\s*)*\]", s, re.DOTALL)` by a backtracking engine (same semantics for this pattern). */
const BFCL_RE = new RegExp(String.raw`\[${PY_WS}*\{[^]*?\}${PY_WS}*(?:,${PY_WS}*\{[^]*?\}${PY_WS}*)*\]`);

function reference(s: string): [number, number] | undefined {
  const m = BFCL_RE.exec(s);
  return m ? [m.index, m.index + m[0].length] : undefined;
}

describe("findJsonCallList (linear time) finds BFCL's regex match", () => {
  it.each([["[]"], ["[{}]"], ['[{"a": [{"b": 1}]}]'], ["x [ {} , {} ] y"], ["[{}\u2028,\u0085{}]"], ["[{] }]"], ["[[{}]]"], ["[{}, ]"], ["[{},{}"]])("%j", (s) => {
    expect(findJsonCallList(s)).toEqual(reference(s));
  });
  it("on random bracket soup", () => {
    const frag = fc.constantFrom("[", "]", "{", "}", ",", " ", "\n", "\t", "\u00a0", "\u2028", "\x1c", "\x85", "\v", "a", '"', "{}", "[{", "}]", ", {", "} ,");
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 40 }).map((x) => x.join("")), (s) => {
        expect(findJsonCallList(s)).toEqual(reference(s));
      }),
      { numRuns: 20000 },
    );
  });
  it("on call lists with brackets inside (the second shortcut) and where its budget runs out", () => {
    const frag = fc.constantFrom("[", "]", "{", "}", ",", " ", "\n", "\u2028", '"a": 1', "}]", "} ,", ", {", "},{", "[{", "x");
    fc.assert(
      fc.property(fc.constantFrom("[{", "[ {", "[\n{"), fc.array(frag, { maxLength: 40 }).map((x) => x.join("")), (head, body) => {
        const s = head + body;
        expect(findJsonCallList(s)).toEqual(reference(s));
      }),
      { numRuns: 20000 },
    );
    for (const s of ['[{"a": [{"b": 1}]}, {"c": [2]}]', '[{"a": {"b": 1}, "c": [{"d": 2}]}]', '[{"a": [1]}, {"b": 2} x]'])
      expect(findJsonCallList(s)).toEqual(reference(s));
    // long inputs (too long for the backtracking reference) past the budget: the general computation answers
    const chain = "[{" + "}, {".repeat(3000) + "}]";
    expect(findJsonCallList(chain)).toEqual([0, chain.length]);
    expect(findJsonCallList("[{" + "}, {".repeat(3000) + "} x")).toBeUndefined();
    const spaced = "[{" + "} ".repeat(3000) + "}]";
    expect(findJsonCallList(spaced)).toEqual([0, spaced.length]);
    const chain2 = "[{" + "}, {".repeat(3000) + "}] x]";
    expect(findJsonCallList(chain2)).toEqual([0, chain2.length - 3]);
  });
  it("on list-of-objects shapes (the common case's shortcut)", () => {
    const ws = fc.constantFrom("", " ", "\n", "\u00a0", "\x1c", "\u2028");
    const inner = fc.array(fc.constantFrom("{", "}", ",", " ", '"a": 1', "[", "{}", "}, {", "\n", "x"), { maxLength: 12 }).map((x) => x.join(""));
    fc.assert(
      fc.property(fc.tuple(ws, inner, ws, fc.constantFrom("]", "]", "] ", "]]", "")), ([w1, body, w2, end]) => {
        const s = `[${w1}{${body}}${w2}${end}`;
        expect(findJsonCallList(s)).toEqual(reference(s));
      }),
      { numRuns: 20000 },
    );
  });
});
