import { existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { STARTER_CONFIG } from "@advfc/core";
import type { CommandIo } from "../io.js";

export const INIT_HELP = `Usage: advfc init [FILE] [--force]

Writes a commented starter run config (YAML) to FILE (default advfc.yaml); every key is
explained in a comment and set to its default (the paper's). Edit it, then: advfc run --config FILE

Options:
  --force     overwrite FILE if it exists
  --stdout    print the config instead of writing a file
  -h, --help  show this help
`;

export async function runInit(argv: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { force: { type: "boolean", default: false }, stdout: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    });
  } catch (e) {
    io.stderr.write(`advfc init: ${(e as Error).message}\n\n${INIT_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(INIT_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr.write(`advfc init: expected at most one file but received ${positionals.length}\n`);
    return 2;
  }
  if (values.stdout) {
    io.stdout.write(STARTER_CONFIG);
    return 0;
  }
  const file = positionals[0] ?? "advfc.yaml";
  if (existsSync(file) && !values.force) {
    io.stderr.write(`advfc init: ${file} exists; pass --force to overwrite it\n`);
    return 1;
  }
  writeFileSync(file, STARTER_CONFIG);
  io.stderr.write(`advfc init: wrote ${file}; edit seeds.files and roles, then run: advfc run --config ${file}\n`);
  return 0;
}
