import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { formatBytes, formatDownloadProgress, terminalDownloadProgress } from "./progress.js";

describe("download progress line", () => {
  it("shows bytes, total, percent, rate and a bar when the total is known", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(470 * 1024 * 1024)).toBe("470.0 MiB");
    expect(formatDownloadProgress({ file: "onnx/model.onnx", received: 256 * 1024 * 1024, total: 1024 * 1024 * 1024, bytesPerSecond: 10 * 1024 * 1024, done: false })).toBe(
      "onnx/model.onnx  [#####---------------] 256.0 MiB / 1.0 GiB  25.0%  10.0 MiB/s",
    );
    expect(formatDownloadProgress({ file: "x", received: 2048, total: undefined, bytesPerSecond: 1024, done: false })).toBe("x  2.0 KiB  1.0 KiB/s");
  });

  it("redraws in place and ends the line when a file is done", () => {
    const s = new PassThrough();
    let out = "";
    s.on("data", (c: Buffer) => (out += c.toString()));
    const cb = terminalDownloadProgress(s, "dl ");
    cb({ file: "a", received: 1, total: 2, bytesPerSecond: 1, done: false });
    cb({ file: "a", received: 2, total: 2, bytesPerSecond: 1, done: true });
    expect(out).toBe("\r\x1b[2Kdl a  [##########----------] 1 B / 2 B  50.0%  1 B/s\r\x1b[2Kdl a  [####################] 2 B / 2 B  100.0%  1 B/s\n");
  });
});
