import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeNpy, npyHeader, writeNpy } from "./npy.js";

const dir = mkdtempSync(join(tmpdir(), "advfc-npy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasNumpy = spawnSync("python3", ["-c", "import numpy"]).status === 0;

describe("npy header", () => {
  it("is v1.0, '<f4', C order, padded to a multiple of 64 bytes ending in a newline", () => {
    for (const [n, d] of [[0, 0], [3, 4], [123456789, 1024]] as const) {
      const h = npyHeader(n, d);
      expect(h.length % 64).toBe(0);
      expect(Array.from(h.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      expect(h[8]! | (h[9]! << 8)).toBe(h.length - 10);
      const text = new TextDecoder().decode(h.subarray(10));
      expect(text.endsWith("\n")).toBe(true);
      expect(text.trimEnd()).toBe(`{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`);
    }
    expect(() => npyHeader(-1, 2)).toThrow(RangeError);
  });
});

describe.skipIf(!hasNumpy)("numpy reads it back", () => {
  it("with the right shape, dtype and values", async () => {
    const n = 5;
    const dim = 7;
    const data = Float32Array.from({ length: n * dim }, (_, i) => Math.fround(Math.sin(i) * 1e3) / 7);
    const path = join(dir, "m.npy");
    await writeNpy(path, data, n, dim);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(encodeNpy(data, n, dim)))).toBe(true);
    const py = spawnSync("python3", ["-c", "import numpy, sys, json; a = numpy.load(sys.argv[1]); print(json.dumps([list(a.shape), str(a.dtype), bool(a.flags['C_CONTIGUOUS']), [float(x) for x in a.ravel()]]))", path], { encoding: "utf8" });
    expect(py.stderr).toBe("");
    const [shape, dtype, c, values] = JSON.parse(py.stdout) as [number[], string, boolean, number[]];
    expect(shape).toEqual([n, dim]);
    expect(dtype).toBe("float32");
    expect(c).toBe(true);
    expect(values).toEqual(Array.from(data));
  });

  it("for an empty matrix", async () => {
    const path = join(dir, "empty.npy");
    await writeNpy(path, new Float32Array(0), 0, 16);
    const py = spawnSync("python3", ["-c", "import numpy, sys; a = numpy.load(sys.argv[1]); print(a.shape, a.dtype)", path], { encoding: "utf8" });
    expect(py.stdout.trim()).toBe("(0, 16) float32");
  });

  it("refuses data of the wrong length", async () => {
    await expect(writeNpy(join(dir, "bad.npy"), new Float32Array(5), 2, 3)).rejects.toThrow(/2 × 3 = 6 values/);
  });
});
