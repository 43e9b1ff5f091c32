import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// The built bin, not the source: this checks what `npm run build` produces (run `npm test`,
// which builds first).
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

beforeAll(() => {
  expect(existsSync(bin), `${bin} is missing; run \`npm run build\` first`).toBe(true);
});

describe("advfc --help", () => {
  it("exits 0 and prints usage naming the command", () => {
    const result = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("advfc");
    expect(result.stdout).toMatch(/^Usage: advfc/);
  });
});

describe("advfc --version", () => {
  it("prints the package version", () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const result = spawnSync(process.execPath, [bin, flag], { encoding: "utf8" });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`advfc ${pkg.version} (node ${process.versions.node})\n`);
    }
  });
});

describe("advfc <unknown command>", () => {
  it("exits 2 and names the command", () => {
    const result = spawnSync(process.execPath, [bin, "no-such-command"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "no-such-command"');
  });
});
