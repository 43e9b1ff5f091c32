#!/usr/bin/env node
// Old-vs-new verdict diff of `advfc check` on the `advfc bench check` workload (39,132 lines).
//
//   node tools/check-diff/diff.mjs OLD_CORE_DIR [NEW_CORE_DIR] [--data DIR]
//
// OLD_CORE_DIR / NEW_CORE_DIR: folders holding a built @advfc/core (`dist/index.js`); NEW
// defaults to packages/core. Build the old one with e.g.
//   git worktree add /tmp/old HEAD && (cd /tmp/old && npm ci && npx turbo run build --filter=@advfc/core)
// or copy a packages/core/dist built before the change into /tmp/old-core/dist (with a
// package.json and a node_modules link to the repo's). Every line is scored by both, through the
// whole raw-line path (doc cache on, and off) and through checkCase on the parsed line; the
// verdicts, the error messages and the decoded values must be identical. When the new core has
// CheckStream (advfc check's byte pipeline), its output on the workload file's bytes must be the
// old per-line output, byte for byte. Exits 1 on any
// difference and prints the first ones.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
let data = process.env.ADVFC_BFCL_DATA ? resolve(process.env.ADVFC_BFCL_DATA, "v4") : undefined;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--data") data = args[++i];
  else dirs.push(args[i]);
}
if (dirs.length < 1) {
  console.error("usage: node tools/check-diff/diff.mjs OLD_CORE_DIR [NEW_CORE_DIR] [--data DIR]");
  process.exit(2);
}
const here = new URL(".", import.meta.url);
if (dirs.length < 2) dirs.push(new URL("../../packages/core", here).pathname);
if (data === undefined) {
  for (const c of ["../../shared/data/bfcl/v4", "../../../shared/data/bfcl/v4"]) {
    const p = new URL(c, here).pathname;
    if (existsSync(p)) data = p;
  }
}
if (data === undefined) {
  console.error("BFCL v4 data not found; pass --data DIR");
  process.exit(2);
}
const [oldCore, newCore] = await Promise.all(dirs.map((d) => import(pathToFileURL(resolve(d, "dist/index.js")).href)));
const lines = newCore.buildCheckWorkload(data);

function run(core, text, i, cache) {
  const r = core.checkRawLine(text, { line: i + 1 }, {}, cache);
  if ("error" in r) return { error: String(r.error.message) };
  let detail;
  try {
    const parsed = core.parseCheckLine(text, { line: i + 1 }, null);
    const c = core.checkCase(parsed);
    detail = { errors: c.errors, decoded: c.decoded === undefined ? null : core.pyRepr(c.decoded) };
  } catch (e) {
    detail = { threw: String(e) };
  }
  return { verdict: r.verdict, category: r.category, ...detail };
}

let diffs = 0;
const oldCache = new oldCore.DocCache();
const newCache = new newCore.DocCache();
for (let i = 0; i < lines.length; i++) {
  const text = lines[i].text;
  const a = JSON.stringify(run(oldCore, text, i, oldCache));
  const b = JSON.stringify(run(newCore, text, i, newCache));
  const b0 = JSON.stringify(run(newCore, text, i, null));
  if (a !== b || a !== b0) {
    if (++diffs <= 10) console.log(`line ${i + 1} (${lines[i].mode} ${lines[i].variant}):\n  old: ${a}\n  new: ${b}\n  new, no cache: ${b0}`);
  }
}
// advfc check's byte pipeline (when the new core has one) against the old per-line output
if (newCore.CheckStream) {
  let expected = "";
  const oc = new oldCore.DocCache();
  for (let i = 0; i < lines.length; i++) {
    const r = oldCore.checkRawLine(lines[i].text, { line: i + 1 }, {}, oc);
    if ("verdict" in r) expected += JSON.stringify(r.verdict) + "\n";
  }
  const bytes = Buffer.from(lines.map((l) => l.text).join("\n") + "\n");
  for (const chunk of [65536, 262144, 1 << 30]) {
    const stream = new newCore.CheckStream({ cache: new newCore.DocCache() });
    let got = "";
    for (let a = 0; a < bytes.length; a += chunk) got += stream.push(bytes.subarray(a, a + chunk));
    got += stream.end();
    if (got !== expected) {
      diffs++;
      const g = got.split("\n");
      const e = expected.split("\n");
      const k = g.findIndex((x, j) => x !== e[j]);
      console.log(`CheckStream (chunks of ${chunk} bytes) differs at output line ${k + 1}:\n  old: ${e[k]}\n  new: ${g[k]}`);
    }
  }
}
console.log(`${lines.length} lines, ${diffs} differences`);
process.exit(diffs === 0 ? 0 : 1);
