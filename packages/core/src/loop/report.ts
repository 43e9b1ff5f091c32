/**
 * The summary of a run directory, per iteration: steps, why the query phase stopped, rewrites,
 * judge stage pass rates, attack success rate, bad cases kept and dropped as duplicates, batch
 * diversity, FC accuracy before and after training, wall time. Read from the committed steps
 * lines and eval/train files only, so it works on a run in progress or interrupted too.
 */
import { existsSync } from "node:fs";
import { DROP_REASONS, type DropReason } from "./collector.js";
import type { IterationEval, IterationTrain, StepRecord } from "./iteration.js";
import { readJsonIfExists, readJsonlPrefix, RunStore } from "./run-store.js";

/** One iteration's row. */
export interface IterationSummary {
  iteration: number;
  stage: string | null;
  steps: number;
  /** Why the query phase stopped (null while it runs). */
  earlyStop: { reason: string; step: number } | null;
  rewrites: number;
  failures: { rewrite: number; judge: number; fc: number };
  /** Stage-1 pass rate over judged rewrites; stage-2 over those that reached it. */
  stage1PassRate: number;
  stage2PassRate: number;
  judgeValid: number;
  /** Bad cases before deduplication. */
  candidates: number;
  /** candidates / judge-valid. */
  attackSuccessRate: number;
  badCasesKept: number;
  droppedDuplicates: number;
  dropped: Record<DropReason, number>;
  /** Mean over steps of the batch diversity D (Eq. 6). */
  diversity: number;
  /** Mean r_adv of the last step. */
  lastMeanRAdv: number | null;
  fcAccuracy: {
    evalBefore: number | null;
    evalAfter: number | null;
    badCasesBefore: number | null;
    badCasesAfter: number | null;
    evalN: number | null;
  };
  trained: boolean;
  /** Query steps + evaluation and training, ms. */
  wallMs: number;
}

/** summary.json */
export interface RunSummary {
  dir: string;
  name: string | null;
  status: "finished" | "in-progress";
  iterations: IterationSummary[];
  totals: { steps: number; rewrites: number; badCases: number; wallMs: number };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Summarise a run directory (read-only). */
export function summarizeRun(dir: string): RunSummary {
  const store = new RunStore(dir);
  const manifest = readJsonIfExists<{ name?: string; config?: { iterations?: number } }>(store.manifestPath);
  const iterations: IterationSummary[] = [];
  for (const k of store.iterations()) {
    const { values } = readJsonlPrefix(`${store.iterationDir(k)}/steps.jsonl`);
    const steps = values as StepRecord[];
    const ev = readJsonIfExists<IterationEval>(store.evalPath(k));
    const tr = readJsonIfExists<IterationTrain>(store.trainPath(k));
    const sum = (f: (s: StepRecord) => number) => steps.reduce((a, s) => a + f(s), 0);
    const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, sum((s) => s.dropped[r])])) as Record<DropReason, number>;
    const last = steps[steps.length - 1];
    const judged = sum((s) => s.judged);
    const s1 = sum((s) => s.stage1.passed);
    const s2e = sum((s) => s.stage2.evaluated);
    const valid = sum((s) => s.judgeValid);
    const candidates = sum((s) => s.candidates);
    iterations.push({
      iteration: k,
      stage: last?.stage ?? null,
      steps: steps.length,
      earlyStop: last?.state.earlyStop.fired ? { reason: last.state.earlyStop.fired.reason, step: last.state.earlyStop.fired.step } : null,
      rewrites: sum((s) => s.rollouts),
      failures: { rewrite: sum((s) => s.failures.rewrite), judge: sum((s) => s.failures.judge), fc: sum((s) => s.failures.fc) },
      stage1PassRate: ratio(s1, judged),
      stage2PassRate: ratio(valid, s2e),
      judgeValid: valid,
      candidates,
      attackSuccessRate: ratio(candidates, valid),
      badCasesKept: sum((s) => s.kept),
      droppedDuplicates: DROP_REASONS.reduce((a, r) => a + dropped[r], 0),
      dropped,
      diversity: ratio(sum((s) => s.diversity), steps.length),
      lastMeanRAdv: last?.meanRAdv ?? null,
      fcAccuracy: {
        evalBefore: ev?.evalSplit.before.accuracy ?? null,
        evalAfter: ev?.evalSplit.after.accuracy ?? null,
        badCasesBefore: ev?.badCases.before.accuracy ?? null,
        badCasesAfter: ev?.badCases.after.accuracy ?? null,
        evalN: ev?.evalSplit.before.n ?? null,
      },
      trained: tr !== undefined,
      wallMs: sum((s) => s.time.wallMs) + (ev?.wallMs ?? 0),
    });
  }
  const planned = manifest?.config?.iterations ?? Infinity;
  const finished = iterations.length >= planned && iterations.every((it) => it.fcAccuracy.evalAfter !== null);
  return {
    dir,
    name: manifest?.name ?? null,
    status: finished || existsSync(store.summaryPath) ? "finished" : "in-progress",
    iterations,
    totals: {
      steps: iterations.reduce((a, it) => a + it.steps, 0),
      rewrites: iterations.reduce((a, it) => a + it.rewrites, 0),
      badCases: iterations.reduce((a, it) => a + it.badCasesKept, 0),
      wallMs: iterations.reduce((a, it) => a + it.wallMs, 0),
    },
  };
}

const pct = (x: number | null): string => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const secs = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);

/** The summary as a Markdown table (one row per iteration) with a totals line. */
export function formatRunReport(summary: RunSummary): string {
  const head = ["iter", "stage", "steps", "early stop", "rewrites", "stage-1 pass", "stage-2 pass", "ASR", "bad cases kept", "dropped dups", "diversity", "FC acc eval before → after", "FC acc bad cases before → after", "wall time"];
  const rows = summary.iterations.map((it) => [
    String(it.iteration),
    it.stage ?? "–",
    String(it.steps),
    it.earlyStop ? `${it.earlyStop.reason} @ step ${it.earlyStop.step}` : "running",
    String(it.rewrites),
    pct(it.stage1PassRate),
    pct(it.stage2PassRate),
    pct(it.attackSuccessRate),
    String(it.badCasesKept),
    String(it.droppedDuplicates),
    it.diversity.toFixed(3),
    `${pct(it.fcAccuracy.evalBefore)} → ${pct(it.fcAccuracy.evalAfter)}${it.fcAccuracy.evalN !== null ? ` (n=${it.fcAccuracy.evalN})` : ""}`,
    `${pct(it.fcAccuracy.badCasesBefore)} → ${pct(it.fcAccuracy.badCasesAfter)}`,
    secs(it.wallMs),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(" | ")} |`;
  const t = summary.totals;
  return [
    `## advfc run ${summary.name ?? ""} — ${summary.status}`,
    "",
    `${summary.dir}`,
    "",
    line(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
    "",
    `total: ${t.steps} steps, ${t.rewrites} rewrites, ${t.badCases} bad cases kept, ${secs(t.wallMs)} in the loop`,
    "ASR = bad cases (before deduplication) / judge-valid rewrites; stage-2 pass = judge-valid / rewrites that reached stage 2.",
    "",
  ].join("\n");
}
