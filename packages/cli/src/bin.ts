#!/usr/bin/env node
// Placeholder entry point for the `advfc` command: it only knows --help. The real commands
// (run, demo, bench, ...) replace this file.

const USAGE = `Usage: advfc <command> [options]

Commands:
  demo     run the offline demo loop (not implemented yet)
  bench    run the benchmarks (not implemented yet)

Options:
  -h, --help  show this help
`;

function main(argv: readonly string[]): number {
  const [command] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === "demo" || command === "bench") {
    process.stderr.write(`advfc ${command}: not implemented yet\n`);
    return 1;
  }
  process.stderr.write(`advfc: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
