// The aggregator against real databases: a MariaDB source, and a MariaDB, a PostgreSQL and a
// "Redshift" warehouse (the redshift:// dialect's SQL executed by PostgreSQL). Every table is compared
// with the scenario's independent computation after each kind of change.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, type Scenario } from "../../test/aggregator/scenario.js";
import { type AggregatorSetup, openAggregatorSetup } from "../../test/aggregator/setup.js";
import {
  openReader,
  readLatest,
  snapshotCounts,
  type WarehouseReader,
} from "../../test/aggregator/warehouse-reader.js";
import type { TestDatabase } from "../../test/databases.js";
import { type AggregateOptions, aggregate } from "./run.js";
import { parseSqlTimestamp, sqlTimestamp } from "./warehouse/warehouse.js";

const ago = (seconds: number) => sqlTimestamp(new Date(Date.now() - seconds * 1000));

/** What Redshift rejects or would run differently; none of it may reach a redshift:// warehouse. */
const notForRedshift = [
  /\bON\s+CONFLICT\b/i,
  /\b(BIG)?SERIAL\b/i,
  /\bTRUNCATE\b/i,
  /\bRETURNING\b/i,
  /\bFOR\s+UPDATE\b/i,
  /\bNOWAIT\b/i,
  /\bCREATE\s+(UNIQUE\s+)?INDEX\b/i,
  /\bIN\s+\w+\s+MODE\b/i,
  /\?/,
];

describe.each(["mysql", "postgres", "redshift"] as const)("aggregator into a %s warehouse", (kind) => {
  let setup: AggregatorSetup;
  let source: TestDatabase;
  let warehouse: AggregatorSetup["warehouse"];
  let warehouseUrl: string;
  let scenario: Scenario;
  let reader: WarehouseReader;
  const sent: Array<{ text: string; params: unknown[] }> = [];

  const run = async (extra: Partial<AggregateOptions> = {}) => {
    // Only the aggregator's statements, not the reader's, are recorded.
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (typeof args[0] === "string") sent.push({ text: args[0], params: (args[1] as unknown[]) ?? [] });
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      return await aggregate({ sourceUrl: source.url, warehouseUrl, overlapSeconds: 5, batchRows: 100, ...extra });
    } finally {
      pg.Client.prototype.query = original;
    }
  };

  const expected = () => scenario.expectedWarehouse();

  beforeAll(async () => {
    setup = await openAggregatorSetup(kind);
    ({ source, warehouse, scenario, reader } = setup);
    ({ warehouseUrl } = setup);
  });

  afterAll(() => setup?.close());

  const recentDays = ["2024-03-20", "2024-03-21", "2024-03-22"];

  it("the first run loads every table, equal to an independent computation", async () => {
    // History: two hours old, then a last batch an hour old.
    await scenario.addSales(1500, "2024-01-01", "2024-03-31", ago(7200));
    await scenario.addSales(6, recentDays[0]!, recentDays[2]!, ago(3600));
    await scenario.addNotifications(300, { firstDay: "2024-01-01", lastDay: "2024-03-31" });
    await scenario.addNotifications(20);

    const summary = await run();

    expect(summary).toMatchObject({ outcome: "loaded", mode: "full", salesAggregated: 1506 });
    expect(summary.notificationDaysRecomputed).toBe(new Set(scenario.notifications.map((n) => n.createdDate)).size);
    const days = new Set([...scenario.sales.values()].map((s) => s.saleDate));
    expect(summary.daysRecomputed).toBe(days.size);
    const latest = await readLatest(reader);
    expect(latest).toEqual(expected());
    // Sanity of the scenario itself: some products met their target, one (never sold) did not.
    expect(latest.products.filter((p) => p[4] === "Achieved").length).toBeGreaterThan(0);
    expect(latest.products.find((p) => p[0] === "UNSOLD")).toEqual([
      "UNSOLD",
      "Life – Unsold Plan",
      "1.00",
      "0.00",
      "Not Achieved",
    ]);
  });

  it("an incremental run applies new sales, corrections, moves and deletions on old days, and late commits", async () => {
    const [[watermark]] = (await reader.rows("SELECT watermark FROM aggregator_runs")) as [[string]];
    const touched = new Set<string>();
    const current = (id: number) => scenario.sales.get(id)!;
    const old = [...scenario.sales.values()].filter((s) => s.saleDate < "2024-02-15").map((s) => s.id);

    for (const s of await scenario.addSales(40, "2024-03-25", "2024-03-31")) touched.add(s.saleDate);
    for (const id of old.slice(0, 5)) {
      touched.add(current(id).saleDate);
      await scenario.updateSale(id, { cents: current(id).cents + 12_345n });
    }
    for (const id of old.slice(5, 8)) {
      const to = addDays(current(id).saleDate, -10);
      touched.add(current(id).saleDate).add(to);
      await scenario.updateSale(id, { saleDate: to });
    }
    touched.add(current(old[8]!).saleDate);
    await scenario.updateSale(old[8]!, { branch: "Galle", team: "Delta", productCode: "VEH-TP" });
    // A day that loses every sale must lose its facts too.
    const emptied = current(old[9]!).saleDate;
    for (const s of [...scenario.sales.values()].filter((s) => s.saleDate === emptied)) await scenario.deleteSale(s.id);
    touched.add(emptied);
    for (const id of old.slice(10, 13).filter((id) => scenario.sales.has(id))) {
      touched.add(current(id).saleDate);
      await scenario.deleteSale(id);
    }
    // Stamped before the last run read the change log, committed after it: inside the overlap.
    const lateStamp = sqlTimestamp(new Date(parseSqlTimestamp(watermark).getTime() - 2_000));
    for (const s of await scenario.addSales(1, "2024-01-05", "2024-01-05", lateStamp)) touched.add(s.saleDate);
    // The last batch of the first run, an hour old, is behind the watermark and the overlap: not re-read.
    const statusBefore = new Map(scenario.notifications.map((n) => [n.id, n.status]));
    await scenario.addNotifications(50);
    await scenario.deliverPending(20);
    // Old days' notifications: one set by hand to another status, one deleted (no trace but its absence).
    const oldNotes = scenario.notifications.filter((n) => n.createdDate < "2024-02-01");
    const changed = oldNotes.find((n) => n.status === "FAILED")!;
    const deleted = oldNotes.find((n) => n.createdDate !== changed.createdDate)!;
    await scenario.setNotificationStatus(changed.id, "PENDING");
    await scenario.deleteNotification(deleted.id);
    const notificationDays = new Set([
      deleted.createdDate,
      ...scenario.notifications.filter((n) => statusBefore.get(n.id) !== n.status).map((n) => n.createdDate),
    ]);

    const summary = await run();

    expect(summary).toMatchObject({ outcome: "loaded", mode: "incremental" });
    expect(summary.daysRecomputed).toBe(touched.size);
    // Days of new, delivered, re-set and deleted notifications, and no other.
    expect(summary.notificationDaysRecomputed).toBe(notificationDays.size);
    const latest = await readLatest(reader);
    expect(latest).toEqual(expected());
    expect(latest.facts.some((f) => f[0] === emptied)).toBe(false);
  });

  it("rerunning with no new data changes no facts and appends an identical snapshot", async () => {
    const before = await readLatest(reader);
    const counts = await snapshotCounts(reader);

    const summary = await run();

    expect(summary.outcome).toBe("loaded");
    expect(await readLatest(reader)).toEqual(before);
    const n = counts.runs + 1;
    expect(await snapshotCounts(reader)).toEqual({ runs: n, team: n, branch: n, product: n, agent: n, status: n });
  });

  it("recomputes only days with changes, and a full run recomputes all of them", async () => {
    // Tamper with a day nothing has touched: an incremental run must leave it (and show it in the
    // KPIs, which sum the facts); a full run must repair it.
    const day = "2024-02-20";
    const tampered = await reader.rows(
      "UPDATE fact_daily_sales SET sale_count = sale_count + 1000 WHERE sale_date = ?",
      [day],
    );
    expect(tampered).toEqual([]);
    const tamperedFacts = (await readLatest(reader)).facts.filter((f) => f[0] === day);
    expect(tamperedFacts.length).toBeGreaterThan(0);

    const incremental = await run();
    const afterIncremental = await readLatest(reader);
    expect(incremental.mode).toBe("incremental");
    expect(afterIncremental.facts.filter((f) => f[0] === day)).toEqual(tamperedFacts);
    expect(afterIncremental.teams).not.toEqual(scenario.expectedTeams());

    const full = await run({ full: true });
    expect(full.mode).toBe("full");
    expect(await readLatest(reader)).toEqual(expected());
  });

  it("skips, writing nothing, while another run holds the lock", async () => {
    const counts = await snapshotCounts(reader);
    const holder = await openReader(warehouse.url);
    try {
      if (kind === "mysql") {
        const name = `moon_aggregator:${new URL(warehouse.url).pathname.slice(1)}`;
        expect(await holder.rows("SELECT GET_LOCK(?, 0)", [name])).toEqual([["1"]]);
      } else {
        await holder.rows("BEGIN");
        await holder.rows("LOCK TABLE aggregator_runs IN EXCLUSIVE MODE");
      }
      // Redshift cannot fail fast: there the run waits for the holder instead of skipping. (Reading
      // aggregator_runs would queue behind the waiting run's lock, so look at a KPI table.)
      if (kind === "redshift") {
        const waiting = run();
        await new Promise((r) => setTimeout(r, 500));
        expect(await reader.rows("SELECT COUNT(DISTINCT snapshot_at) FROM kpi_team_performance")).toEqual([
          [String(counts.team)],
        ]);
        await holder.rows("ROLLBACK");
        expect((await waiting).outcome).toBe("loaded");
        expect((await snapshotCounts(reader)).runs).toBe(counts.runs + 1);
        return;
      }
      expect((await run()).outcome).toBe("skipped");
      expect(await snapshotCounts(reader)).toEqual(counts);
    } finally {
      await holder.close();
    }
  });

  it.runIf(kind === "redshift")("sends Redshift only Redshift-safe statements", () => {
    expect(sent.length).toBeGreaterThan(20);
    for (const { text, params } of sent) {
      for (const pattern of notForRedshift) expect(text, text.slice(0, 200)).not.toMatch(pattern);
      // Redshift's limit is 16 MB a statement; values are bound, but count them in anyway.
      expect(Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(params))).toBeLessThan(16 * 1024 * 1024);
      expect(params.length).toBeLessThanOrEqual(32_767);
    }
    expect(sent.some((s) => /^LOCK aggregator_runs$/.test(s.text))).toBe(true);
  });
});
