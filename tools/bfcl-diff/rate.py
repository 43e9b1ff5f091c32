#!/usr/bin/env python3
"""Cases per second of BFCL's own decoder + checker (the functions in ./bfcl_eval, through
oracle.evaluate) on an `advfc check` input file, single thread.

    python3 tools/bfcl-diff/rate.py CASES.jsonl [RUNS]

Prints one JSON object: cases scored, skipped (Java/JavaScript prompt mode: BFCL parses those
with tree-sitter, which this harness does not install), the best rate over RUNS runs with the
inputs parsed beforehand (BFCL's own figure excludes input parsing), the same per output mode,
and one run with `json.loads` of every line included. `advfc bench check --bfcl` runs it.
"""
import contextlib
import io
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402


def skipped(case):
    return case["mode"] == "prompt" and "java" in case["category"]


def timed(cases, runs, sink):
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            for c in cases:
                oracle.evaluate(c)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    cases = [json.loads(line) for line in lines]
    kept = [c for c in cases if not skipped(c)]
    sink = io.StringIO()
    best = timed(kept, runs, sink)
    per_mode = {}
    for mode in ("prompt", "json", "hermes", "openai"):
        sel = [c for c in kept if c["mode"] == mode]
        if sel:
            per_mode[mode] = {"cases": len(sel), "cases_per_sec": len(sel) / timed(sel, runs, sink)}
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sink):
        for line in lines:
            c = json.loads(line)
            if not skipped(c):
                oracle.evaluate(c)
    with_loads = len(kept) / (time.perf_counter() - t0)
    print(json.dumps({"cases": len(kept), "skipped": len(cases) - len(kept), "runs": runs, "cases_per_sec": len(kept) / best,
                      "per_mode": per_mode, "cases_per_sec_with_json_loads": with_loads}))


if __name__ == "__main__":
    main()
