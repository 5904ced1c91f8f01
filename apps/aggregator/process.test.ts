// The aggregator as the CronJob runs it: a child process. A run SIGKILLed in the middle of its load
// must leave the warehouse exactly as the last committed run left it; a failing run exits non-zero
// with the reason; a bad environment names the variable.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Scenario } from "../../test/aggregator/scenario.js";
import { type AggregatorSetup, openAggregatorSetup } from "../../test/aggregator/setup.js";
import {
  openReader,
  readLatest,
  snapshotCounts,
  type WarehouseReader,
} from "../../test/aggregator/warehouse-reader.js";
import type { TestDatabase } from "../../test/databases.js";
import { ConfigError, loadEnv } from "../runtime/env.js";
import { aggregatorEnv } from "./env.js";
import { aggregate } from "./run.js";
import { sqlTimestamp } from "./warehouse/warehouse.js";

const repoRoot = new URL("../..", import.meta.url).pathname;

function startAggregator(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/main.ts", "aggregator"], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exited };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(["mysql", "postgres"] as const)("a run killed mid-load (%s warehouse)", (kind) => {
  let setup: AggregatorSetup;
  let source: TestDatabase;
  let warehouse: AggregatorSetup["warehouse"];
  let scenario: Scenario;
  let reader: WarehouseReader;

  beforeAll(async () => {
    setup = await openAggregatorSetup(kind);
    ({ source, warehouse, scenario, reader } = setup);
  });

  afterAll(() => setup?.close());

  it("leaves the last snapshot whole, and the next run completes it", async () => {
    await scenario.addSales(2000, "2024-01-01", "2024-03-31", sqlTimestamp(new Date(Date.now() - 3_600_000)));
    await scenario.addNotifications(100);
    await aggregate({ sourceUrl: source.url, warehouseUrl: warehouse.url, overlapSeconds: 5, batchRows: 100 });
    const before = await readLatest(reader);
    const countsBefore = await snapshotCounts(reader);

    // Changes the killed run would have applied: old-day corrections and deletions, new sales.
    const ids = [...scenario.sales.keys()];
    for (const id of ids.slice(0, 20)) await scenario.updateSale(id, { cents: scenario.sales.get(id)!.cents + 1n });
    for (const id of ids.slice(20, 30)) await scenario.deleteSale(id);
    await scenario.addSales(300, "2024-03-01", "2024-03-31");
    await scenario.addNotifications(20);

    // Hold a lock the run needs after it has rewritten the facts and written the team KPIs, so the
    // kill lands in the middle of the load, not before or after it.
    const blocker = await openReader(warehouse.url);
    await blocker.rows("BEGIN");
    if (kind === "mysql")
      await blocker.rows("SELECT snapshot_at FROM kpi_branch_performance WHERE snapshot_at > '2000-01-01' FOR UPDATE");
    else await blocker.rows("LOCK TABLE kpi_branch_performance IN SHARE MODE");

    const { child, exited } = startAggregator({
      DATABASE_URL: source.url,
      WAREHOUSE_URL: warehouse.url,
      AGGREGATE_BATCH_ROWS: "50",
    });
    onTestFinished(() => void child.kill("SIGKILL"));
    const database = new URL(warehouse.url).pathname.slice(1);
    // The run's session, blocked on the KPI insert: it has rewritten the facts in its transaction.
    const session = await until(async () => {
      const rows =
        kind === "mysql"
          ? await reader.rows(
              "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'INSERT INTO kpi_branch_performance%'",
              [database],
            )
          : await reader.rows(
              `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL
                  AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO kpi_branch_performance%'`,
            );
      return rows[0]?.[0];
    }, "the run to block mid-load");

    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    await blocker.rows("ROLLBACK");
    await blocker.close();
    // The server ends the dead client's session (rolling its transaction back) once it notices.
    await until(async () => {
      const alive =
        kind === "mysql"
          ? await reader.rows("SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?", [session])
          : await reader.rows("SELECT 1 FROM pg_stat_activity WHERE pid = ?", [Number(session)]);
      return alive.length === 0 ? true : undefined;
    }, "the killed run's session to end");

    expect(await readLatest(reader)).toEqual(before);
    expect(await snapshotCounts(reader)).toEqual(countsBefore);

    const { code, output } = await startAggregator({ DATABASE_URL: source.url, WAREHOUSE_URL: warehouse.url }).exited;
    expect(code, output).toBe(0);
    const line = JSON.parse(output.trim().split("\n").pop()!);
    expect(line).toMatchObject({
      service: "aggregator",
      outcome: "loaded",
      mode: "incremental",
      msg: "aggregation run",
    });
    for (const field of ["rowsRead", "daysRecomputed", "rowsWritten", "durationMs"])
      expect(typeof line[field]).toBe("number");
    expect(await readLatest(reader)).toEqual(scenario.expectedWarehouse());
  });
});

describe("failures", () => {
  it("exits non-zero with the reason when the warehouse is unreachable", async () => {
    const { code, output } = await startAggregator({
      DATABASE_URL: "mysql://root@127.0.0.1:3306/moon",
      WAREHOUSE_URL: "postgres://postgres@127.0.0.1:1/nowhere",
    }).exited;
    expect(code).toBe(1);
    expect(output).toMatch(/"outcome":"failed","reason":"[^"]*ECONNREFUSED/);
  });

  it("names the variable when the environment is wrong", () => {
    expect(() =>
      loadEnv(aggregatorEnv, { DATABASE_URL: "mysql://root@db:3306/moon", WAREHOUSE_URL: "sqlite:///tmp/w" }),
    ).toThrow(ConfigError);
    expect(() => loadEnv(aggregatorEnv, { DATABASE_URL: "mysql://root@db:3306/moon" })).toThrow(
      /WAREHOUSE_URL: is required/,
    );
    expect(() =>
      loadEnv(aggregatorEnv, {
        DATABASE_URL: "mysql://root@db:3306/moon",
        WAREHOUSE_URL: "redshift://u:p@wh:5439/dev",
        AGGREGATE_BATCH_ROWS: "0",
      }),
    ).toThrow(/AGGREGATE_BATCH_ROWS/);
  });
});
