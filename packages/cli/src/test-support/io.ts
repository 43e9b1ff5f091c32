import { PassThrough, Readable } from "node:stream";
import type { CommandIo } from "../io.js";

/** What a command printed, and its exit code. */
export interface CommandOutput {
  code: number;
  out: string;
  err: string;
}

/**
 * Run a command function of the CLI with in-memory streams (tests): `stdin` is fed as one chunk,
 * `tty` makes standard error look like a terminal (progress lines).
 */
export async function runWithIo(command: (argv: string[], io: CommandIo) => Promise<number>, argv: string[], o: { stdin?: string; tty?: boolean } = {}): Promise<CommandOutput> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (o.tty) Object.assign(stderr, { isTTY: true });
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await command(argv, { stdin: Readable.from([o.stdin ?? ""]), stdout, stderr });
  return { code, out, err };
}
