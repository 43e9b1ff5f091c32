import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { parseRunConfigText } from "@advfc/core";
import { afterAll, describe, expect, it } from "vitest";
import { runInit } from "./init.js";
import { runReport } from "./report.js";
import { runRun } from "./run.js";

const tmp = mkdtempSync(join(tmpdir(), "advfc-cli-run-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function io() {
  const out = { stdout: "", stderr: "" };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => (out.stdout += c.toString()));
  stderr.on("data", (c: Buffer) => (out.stderr += c.toString()));
  return { io: { stdin: new PassThrough(), stdout, stderr }, out };
}

describe("advfc init", () => {
  it("writes a commented config that validates, and refuses to overwrite", async () => {
    const file = join(tmp, "advfc.yaml");
    const a = io();
    expect(await runInit([file], a.io)).toBe(0);
    expect(parseRunConfigText(readFileSync(file, "utf8")).alpha).toBe(0.05);
    const b = io();
    expect(await runInit([file], b.io)).toBe(1);
    expect(b.out.stderr).toContain("--force");
  });
});

describe("advfc run + report", () => {
  it("runs the demo config with progress on stderr, then reports it as Markdown and JSON", async () => {
    const out = join(tmp, "demo");
    const demo = fileURLToPath(new URL("../../../../examples/demo.yaml", import.meta.url));
    const r = io();
    expect(await runRun(["--config", demo, "--out", out], r.io, {})).toBe(0);
    expect(r.out.stderr).toMatch(/iter 0 step 0: 128 rewrites \(128 total\), judge-valid \d+, ASR [\d.]+%, kept \d+, diversity 0\.\d{3}, mean reward -?[\d.]+ \(r_adv -?[\d.]+\), early-stop streak 0\/5/);
    const md = io();
    expect(await runReport([out], md.io)).toBe(0);
    expect(md.out.stdout).toMatch(/^\| 0 +\| single-call +\| \d+ +\| (converged|max_steps) @ step \d+/m);
    const js = io();
    expect(await runReport([out, "--format", "json"], js.io)).toBe(0);
    const summary = JSON.parse(js.out.stdout);
    expect(summary.iterations).toHaveLength(3);
    expect(summary.status).toBe("finished");
    // a second start into the same directory is refused: it already holds a run
    const again = io();
    expect(await runRun(["--config", demo, "--out", out], again.io, {})).toBe(1);
    expect(again.out.stderr).toContain("--resume");
  }, 60_000);

  it("explains a bad config by key path", async () => {
    const r = io();
    expect(await runRun(["--config", fileURLToPath(new URL("../../../../examples/README.md", import.meta.url))], r.io, {})).toBe(1);
    expect(r.out.stderr).toMatch(/invalid run config/);
  });
});
