import { describe, expect, it } from "vitest";
import { runBench } from "./bench.js";
import { runBenchClient, type ClientBenchRow } from "./bench-client.js";
import { runWithIo } from "../test-support/io.js";

function run(args: string[], via: "client" | "bench" = "client") {
  return via === "client" ? runWithIo(runBenchClient, args) : runWithIo(runBench, ["client", ...args]);
}

describe("advfc bench client", () => {
  it("text: one row per level with the bound, its fraction and the target column", async () => {
    const r = await run(["--levels", "1,4", "--requests", "8", "--latency-ms", "5", "--runs", "1", "--warmup", "20"], "bench");
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split("\n");
    const header = lines.find((l) => l.includes("concurrency") && l.startsWith("|"))!;
    expect(header).toMatch(/req\/s.*steady req\/s.*bound req\/s.*steady of bound.*overall of bound.*client CPU µs\/req.*p50 ms.*p99 ms.*target/);
    const all = lines.filter((l) => /^\| (OpenAIChatModel|node:http bare loop) /.test(l)).map((l) => l.split("|").map((x) => x.trim()).filter((x) => x !== ""));
    expect(all.map((x) => `${x[0]} ${x[1]}`)).toEqual(["OpenAIChatModel 1", "node:http bare loop 1", "OpenAIChatModel 4", "node:http bare loop 4"]);
    const rows = all.filter((x) => x[0] === "OpenAIChatModel");
    expect(rows.map((x) => x[2])).toEqual(["8", "8"]);
    // bound = concurrency / 5 ms
    expect(rows.map((x) => x[6])).toEqual(["200", "800"]);
    for (const row of rows) expect(row[row.length - 1]).toMatch(/^(met|NOT met)$/);
    for (const row of all.filter((x) => x[0] !== "OpenAIChatModel")) expect(row[row.length - 1]).toBe("(none)");
    expect(r.out).toMatch(/target \(OpenAIChatModel\): steady rate ≥ 90% of the bound up to 256 in flight — (met|NOT met)/);
  });

  it("json: rows whose numbers agree with each other", async () => {
    const r = await run(["--levels", "2", "--requests", "10", "--latency-ms", "5", "--runs", "2", "--warmup", "0", "--no-baseline", "--format", "json"]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { benchmark: string; latency_ms: number; rows: ClientBenchRow[] };
    expect(j.benchmark).toBe("client");
    expect(j.rows).toHaveLength(1);
    const row = j.rows[0]!;
    expect(row).toMatchObject({ client: "OpenAIChatModel", concurrency: 2, requests: 10, bound_req_per_s: 400, errors: 0, retries: 0 });
    expect(row.req_per_s).toBeCloseTo(10 / row.seconds, 6);
    expect(row.overall_fraction_of_bound).toBeCloseTo(row.req_per_s / 400, 6);
    expect(row.fraction_of_bound).toBeCloseTo(row.steady_req_per_s / 400, 6);
    expect(row.overall_fraction_of_bound).toBeLessThanOrEqual(1.05);
    expect(row.steady_req_per_s).toBeGreaterThan(0);
    expect(row.p50_ms).toBeGreaterThanOrEqual(4.5);
    expect(row.p99_ms).toBeGreaterThanOrEqual(row.p50_ms);
    expect(row.server_max_in_flight).toBeLessThanOrEqual(2);
    expect(row.client_cpu_us_per_req).toBeGreaterThan(0);
  });

  it("rejects bad options and prints help", async () => {
    expect((await run(["--levels", "0,x"])).code).toBe(2);
    expect((await run(["--latency-ms", "-1"])).code).toBe(2);
    expect((await run(["--format", "xml"])).code).toBe(2);
    expect((await run(["--warmup", "-3"])).code).toBe(2);
    const h = await run(["--help"]);
    expect(h.code).toBe(0);
    expect(h.out).toContain("--latency-ms");
  });
});
