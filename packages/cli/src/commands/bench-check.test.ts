import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findBfclDir } from "../data.js";
import { runBench } from "./bench.js";
import { runWithIo } from "../test-support/io.js";

function run(args: string[]) {
  return runWithIo(runBench, ["check", ...args]);
}

// A stand-in for tools/bfcl-diff/rate.py: BFCL's own code cannot be committed, so this script
// plays rate.py at its boundary (reads the workload file advfc wrote, prints its JSON report)
// with a made-up rate. It checks every line is an advfc check input line.
const STAND_IN = `
import json, sys
cases = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert all(set(c) == {"id", "category", "functions", "possible_answer", "model_output", "mode"} for c in cases)
modes = {}
for c in cases:
    modes.setdefault(c["mode"], 0)
    modes[c["mode"]] += 1
print(json.dumps({"cases": len(cases), "skipped": 0, "runs": int(sys.argv[2]), "cases_per_sec": 1000.0,
                  "per_mode": {m: {"cases": n, "cases_per_sec": 1000.0} for m, n in modes.items()},
                  "cases_per_sec_with_json_loads": 500.0}))
`;

const DATA = findBfclDir();
const tmp = mkdtempSync(join(tmpdir(), "advfc-bench-check-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("advfc bench check", () => {
  it.skipIf(DATA === undefined)(
    "times advfc check's pipeline on the whole workload and, with --bfcl, BFCL's rate.py on the same lines",
    async () => {
      writeFileSync(join(tmp, "rate.py"), STAND_IN);
      const r = await run(["--data", DATA!, "--runs", "1", "--warmup", "1", "--bfcl", tmp]);
      expect(r.code, r.err).toBe(0);
      // every line scored by the byte pipeline: the valid count is the workload's
      expect(r.out).toMatch(/39,132 cases \(88\.\d MiB of JSON lines, 19,516 valid\)/);
      expect(r.out).toContain("| advfc check: bytes → verdict lines");
      expect(r.out).toContain("vs BFCL Python, measured here (1,000/s)");
      expect(r.out).toMatch(/\| BFCL Python, measured here\* +\| 39,132 \| +1,000 \| 1000\.00 \|/);
      expect(r.out).toContain("decode + check");
      const ratio = /\| advfc check: bytes → verdict lines .*\| +([\d.]+)x \|$/m.exec(r.out);
      expect(Number(ratio?.[1])).toBeGreaterThan(5); // advfc's rate / 1,000
    },
    120_000,
  );

  it("refuses a --bfcl folder without rate.py before timing anything", async () => {
    const r = await run(["--bfcl", join(tmp, "nope"), "--data", DATA ?? tmp]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("rate.py not found");
    expect(r.err).not.toContain("building the workload");
  });
});
