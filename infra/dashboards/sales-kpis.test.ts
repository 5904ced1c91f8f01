// Every Sales KPI panel's SQL, run against MySQL and PostgreSQL warehouses that a real aggregator run
// filled from known sales and notifications; the Redshift SQL runs on PostgreSQL too (in a UTC session,
// with GETDATE() defined as Redshift's), except the one panel using Redshift's DATEDIFF. Key figures
// are computed here from the scenario's own records, independently of the SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregate } from "../../apps/aggregator/run.js";
import { addDays, type Sale, type Scenario } from "../../test/aggregator/scenario.js";
import { type AggregatorSetup, openAggregatorSetup } from "../../test/aggregator/setup.js";
import type { WarehouseReader } from "../../test/aggregator/warehouse-reader.js";
import { salesKpiSections, type WarehousePanel } from "./sales-kpi-panels.js";
import { sqlDialects, type WarehouseDialect } from "./sql-dialect.js";

const panels = new Map(salesKpiSections.flatMap((s) => s.panels).map((p) => [p.key, p]));
const panel = (key: string) => panels.get(key) ?? (undefined as unknown as WarehousePanel);

/** Exact cents of a decimal string as either server prints it ("12.5", "12.50", "0"). */
const cents = (s: string) => {
  const [whole = "0", fraction = ""] = s.split(".");
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * BigInt(whole.replace("-", "") + fraction.padEnd(2, "0").slice(0, 2)) * 1n;
};
/** round(100 × part / whole, 2) as the servers compute it (half away from zero). */
const pct = (part: bigint, whole: bigint) => Math.round((Number(part) * 100 * 100) / Number(whole)) / 100;

const today = new Date().toISOString().slice(0, 10);
const monthStart = (monthsBack: number) => {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - monthsBack);
  return d.toISOString().slice(0, 10);
};
const inMonth = (day: string, monthsBack: number) => day >= monthStart(monthsBack) && day < monthStart(monthsBack - 1);

const targets: Record<string, string> = {
  // Near a month's sales of one product, so some months reach it and some do not.
  "LIFE-PLAT": "1700000.00",
  "VEH-FULL": "1500000.00",
  // Never reached.
  "HEALTH-FAM": "90000000.00",
};

describe.each(["mysql", "postgres", "redshift"] as const)("Sales KPI panels on a %s warehouse", (dialect) => {
  let setup: AggregatorSetup;
  let scenario: Scenario;
  let reader: WarehouseReader;
  let secondBatch: Set<number>;
  let secondNotes: Set<number>;
  const run = (key: string) => reader.rows(panel(key).sql(sqlDialects[dialect as WarehouseDialect]));
  const sales = () => [...scenario.sales.values()];

  beforeAll(async () => {
    setup = await openAggregatorSetup(dialect);
    ({ scenario, reader } = setup);
    const { source, warehouse } = setup;
    for (const [code, amount] of Object.entries(targets))
      await source.handle.pool.query("UPDATE products SET target_amount = ? WHERE product_code = ?", [amount, code]);
    const warehouseUrl =
      dialect === "redshift" ? `${warehouse.url.replace(/^postgres:/, "redshift:")}?sslmode=disable` : warehouse.url;
    const load = () => aggregate({ sourceUrl: source.url, warehouseUrl, overlapSeconds: 5, batchRows: 500 });

    await scenario.addSales(900, addDays(today, -200), today);
    await scenario.addNotifications(400, { firstDay: addDays(today, -100), lastDay: addDays(today, -1) });
    await scenario.addNotifications(30);
    await load();
    // A day passes: the first load's snapshot becomes 25 hours old.
    const shift = dialect === "mysql" ? "- INTERVAL 25 HOUR" : "- INTERVAL '25 hours'";
    for (const table of ["aggregator_runs", ...["team", "branch", "product"].map((t) => `kpi_${t}_performance`)])
      await reader.rows(`UPDATE ${table} SET snapshot_at = snapshot_at ${shift}`);
    for (const table of ["kpi_agent_notifications", "kpi_notification_status"])
      await reader.rows(`UPDATE ${table} SET snapshot_at = snapshot_at ${shift}`);
    secondBatch = new Set((await scenario.addSales(60, addDays(today, -2), today)).map((s) => s.id));
    const before = scenario.notifications.length;
    await scenario.addNotifications(40);
    secondNotes = new Set(scenario.notifications.slice(before).map((n) => n.id));
    await scenario.deliverPending(25);
    await load();
    if (dialect === "redshift") {
      // What Redshift provides and PostgreSQL lacks: GETDATE() (UTC), in a UTC session.
      await reader.rows("SET TIME ZONE 'UTC'");
      await reader.rows(
        "CREATE FUNCTION getdate() RETURNS timestamp AS $$ SELECT CAST(NOW() AT TIME ZONE 'UTC' AS timestamp) $$ LANGUAGE sql",
      );
    }
  });

  afterAll(() => setup?.close());

  const sumBy = <K>(rows: Sale[], key: (s: Sale) => K) => {
    const totals = new Map<K, bigint>();
    for (const s of rows) totals.set(key(s), (totals.get(key(s)) ?? 0n) + s.cents);
    return totals;
  };
  const byTotal = <K>(m: Map<K, bigint>, dir: 1 | -1) =>
    [...m].sort((a, b) => (a[1] === b[1] ? String(a[0]).localeCompare(String(b[0])) : a[1] < b[1] ? -dir : dir));

  it("top 5 teams: the top team and its total, in order", async () => {
    const expected = byTotal(
      sumBy(sales(), (s) => s.team),
      -1,
    ).slice(0, 5);
    const rows = await run("teams.top5");
    expect(rows.map((r) => [r[0], cents(r[1]!)])).toEqual(expected);
    expect(expected.length).toBe(4);
  });

  it("daily sales per team over the past 7 days", async () => {
    const expected = sumBy(
      sales().filter((s) => s.saleDate >= addDays(today, -6)),
      (s) => `${s.saleDate}|${s.team}`,
    );
    const rows = await run("teams.daily7d");
    expect(new Map(rows.map((r) => [`${r[0]!.slice(0, 10)}|${r[1]}`, cents(r[2]!)]))).toEqual(expected);
    expect(rows.length).toBeGreaterThan(4);
  });

  it("monthly growth per team over the last 3 complete months", async () => {
    const rows = await run("teams.growth3m");
    expect(rows.length).toBe(12);
    for (const [team, month, total, previous, growth] of rows) {
      const back = [1, 2, 3].find((n) => monthStart(n) === month!.slice(0, 10))!;
      const cur =
        sumBy(
          sales().filter((s) => s.team === team && inMonth(s.saleDate, back)),
          () => 0,
        ).get(0) ?? 0n;
      const prev =
        sumBy(
          sales().filter((s) => s.team === team && inMonth(s.saleDate, back + 1)),
          () => 0,
        ).get(0) ?? 0n;
      expect([cents(total!), cents(previous!)]).toEqual([cur, prev]);
      expect(Number(growth)).toBeCloseTo(pct(cur - prev, prev), 2);
    }
  });

  it("bottom 5 branches last month, the bottom one first", async () => {
    const branches = new Set(sales().map((s) => s.branch));
    const totals = sumBy(
      sales().filter((s) => inMonth(s.saleDate, 1)),
      (s) => s.branch,
    );
    for (const b of branches) if (!totals.has(b)) totals.set(b, 0n);
    const rows = await run("branches.bottom5LastMonth");
    expect(rows.map((r) => [r[0], cents(r[1]!)])).toEqual(byTotal(totals, 1).slice(0, 5));
  });

  it("top branches by the last 24 hours' sales: what was loaded since the day-old snapshot", async () => {
    const expected = sumBy(
      sales().filter((s) => secondBatch.has(s.id)),
      (s) => s.branch,
    );
    const rows = await run("branches.top24h");
    const got = new Map(rows.map((r) => [r[0], cents(r[1]!)]));
    for (const [branch, total] of byTotal(expected, -1).slice(0, 5)) expect(got.get(branch)).toBe(total);
    expect(rows[0]![0]).toBe(byTotal(expected, -1)[0]![0]);
  });

  it("branches month by month over the last 6 months", async () => {
    const expected = sumBy(
      sales().filter((s) => s.saleDate >= monthStart(5)),
      (s) => `${s.saleDate.slice(0, 7)}-01|${s.branch}`,
    );
    const rows = await run("branches.monthly6m");
    expect(new Map(rows.map((r) => [`${r[0]!.slice(0, 10)}|${r[1]}`, cents(r[2]!)]))).toEqual(expected);
  });

  it("branch shares add up to 100 % and match each branch's total", async () => {
    const totals = sumBy(sales(), (s) => s.branch);
    const all = [...totals.values()].reduce((a, b) => a + b, 0n);
    const rows = await run("branches.share");
    expect(rows.length).toBe(totals.size);
    for (const [branch, , share] of rows) expect(Number(share)).toBeCloseTo(pct(totals.get(branch!)!, all), 2);
    expect(rows.reduce((sum, r) => sum + Number(r[2]), 0)).toBeCloseTo(100, 0);
    expect(Math.abs(rows.reduce((sum, r) => sum + Number(r[2]), 0) - 100)).toBeLessThanOrEqual(0.005 * rows.length);
  });

  it("products achieved: every product whose sales reach its target, and no other", async () => {
    const totals = sumBy(sales(), (s) => s.productCode);
    const target = (p: { productCode: string; targetAmount: string }) =>
      cents(targets[p.productCode] ?? p.targetAmount);
    const achieved = scenario.products
      .filter((p) => (totals.get(p.productCode) ?? 0n) >= target(p))
      .map((p) => p.productCode)
      .sort();
    const rows = await run("products.vsTarget");
    expect(rows.length).toBe(scenario.products.length);
    expect(
      rows
        .filter((r) => r[5] === "Achieved")
        .map((r) => r[0])
        .sort(),
    ).toEqual(achieved);
    expect(achieved).not.toContain("HEALTH-FAM");
    expect(achieved.length).toBeGreaterThan(2);
  });

  it("months each product reached its target, of the last 6 complete months", async () => {
    const rows = await run("products.consistency");
    const got = new Map(rows.map((r) => [r[0], Number(r[2])]));
    for (const p of scenario.products) {
      const target = cents(targets[p.productCode] ?? p.targetAmount);
      let months = 0;
      for (let n = 1; n <= 6; n++) {
        const month = sales().filter((s) => s.productCode === p.productCode && inMonth(s.saleDate, n));
        if (month.reduce((a, s) => a + s.cents, 0n) >= target) months++;
      }
      expect([p.productCode, got.get(p.productCode)]).toEqual([p.productCode, months]);
    }
    // The scenario makes the figure discriminate: some products reach it only some months.
    expect(new Set(got.values()).size).toBeGreaterThan(1);
  });

  it("top 3 fastest-growing products month over month, with their growth", async () => {
    const last = sumBy(
      sales().filter((s) => inMonth(s.saleDate, 1)),
      (s) => s.productCode,
    );
    const before = sumBy(
      sales().filter((s) => inMonth(s.saleDate, 2)),
      (s) => s.productCode,
    );
    const growth = [...last]
      .filter(([code, total]) => total > 0n && (before.get(code) ?? 0n) > 0n)
      .map(([code, total]) => [code, pct(total - before.get(code)!, before.get(code)!)] as const)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const rows = await run("products.fastestGrowing");
    expect(rows.map((r) => r[0])).toEqual(growth.slice(0, 3).map((g) => g[0]));
    expect(Number(rows[0]![3])).toBeCloseTo(growth[0]![1], 2);
  });

  it("daily product performance over the last 30 days", async () => {
    const expected = sumBy(
      sales().filter((s) => s.saleDate >= addDays(today, -29)),
      (s) => `${s.saleDate}|${s.productCode}`,
    );
    const rows = await run("products.daily30d");
    expect(new Map(rows.map((r) => [`${r[0]!.slice(0, 10)}|${r[1]}`, cents(r[2]!)]))).toEqual(expected);
  });

  const countBy = <K>(items: Array<{ recipient: string }>, key: (n: never) => K) => {
    const counts = new Map<K, number>();
    for (const n of items) counts.set(key(n as never), (counts.get(key(n as never)) ?? 0) + 1);
    return counts;
  };

  it("most-notified agents in the last 24 hours: the notifications raised since the day-old snapshot", async () => {
    const agents = new Set(scenario.agents.map((a) => a.agentCode));
    const notified = new Set(scenario.notifications.filter((n) => agents.has(n.recipient)).map((n) => n.recipient));
    const recent = countBy(
      scenario.notifications.filter((n) => secondNotes.has(n.id)),
      (n: { recipient: string }) => n.recipient,
    );
    const expected = [...notified]
      .map((code) => [code, recent.get(code) ?? 0] as const)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10);
    const rows = await run("agents.notified24h");
    expect(rows.map((r) => [r[0], Number(r[2])])).toEqual(expected);
    expect(expected[0]![1]).toBeGreaterThan(0);
  });

  it("monthly notifications per agent over the last 3 months", async () => {
    const agents = new Set(scenario.agents.map((a) => a.agentCode));
    const expected = countBy(
      scenario.notifications.filter((n) => agents.has(n.recipient) && n.createdDate >= monthStart(2)),
      (n: { recipient: string; createdDate: string }) => `${n.createdDate.slice(0, 7)}-01|${n.recipient}`,
    );
    const rows = await run("agents.monthly3m");
    expect(new Map(rows.map((r) => [`${r[0]!.slice(0, 10)}|${r[1]}`, Number(r[3])]))).toEqual(expected);
  });

  it("highest average notifications per sale", async () => {
    const notes = countBy(scenario.notifications, (n: { recipient: string }) => n.recipient);
    const salesPerAgent = new Map<string, number>();
    for (const s of sales()) salesPerAgent.set(s.agentCode, (salesPerAgent.get(s.agentCode) ?? 0) + 1);
    const expected = scenario.agents
      .filter((a) => notes.has(a.agentCode) && salesPerAgent.has(a.agentCode))
      .map(
        (a) =>
          [a.agentCode, Math.round((notes.get(a.agentCode)! / salesPerAgent.get(a.agentCode)!) * 1000) / 1000] as const,
      )
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const rows = await run("agents.perSale");
    expect(rows.map((r) => r[0])).toEqual(expected.slice(0, 10).map((e) => e[0]));
    expect(Number(rows[0]![4])).toBeCloseTo(expected[0]![1], 3);
  });

  it("notifications sent vs pending last month, by status now", async () => {
    const expected = countBy(
      scenario.notifications.filter((n) => inMonth(n.createdDate, 1)),
      (n: { status: string }) => n.status,
    );
    const rows = await run("notifications.lastMonthByStatus");
    expect(new Map(rows.map((r) => [r[0], Number(r[1])]))).toEqual(expected);
  });

  it("daily delivery trend per status over the past 7 days", async () => {
    const expected = countBy(
      scenario.notifications.filter((n) => n.createdDate >= addDays(today, -6)),
      (n: { status: string; createdDate: string }) => `${n.createdDate}|${n.status}`,
    );
    const rows = await run("notifications.daily7dByStatus");
    expect(new Map(rows.map((r) => [`${r[0]!.slice(0, 10)}|${r[1]}`, Number(r[2])]))).toEqual(expected);
  });

  it("notification status shares: each status's share of all notifications, adding up to 100 %", async () => {
    const all = scenario.notifications;
    const counts = countBy(all, (n: { status: string }) => n.status);
    const rows = await run("notifications.statusShare");
    for (const [status, count, share] of rows) {
      expect(Number(count)).toBe(counts.get(status!) ?? 0);
      expect(Number(share)).toBeCloseTo(pct(BigInt(counts.get(status!) ?? 0), BigInt(all.length)), 2);
    }
    expect(Math.abs(rows.reduce((sum, r) => sum + Number(r[2]), 0) - 100)).toBeLessThanOrEqual(0.015);
  });

  it.skipIf(dialect === "redshift")("freshness: the last load, minutes since it, the newest sale date", async () => {
    const [[lastLoaded, minutes, newest]] = (await run("freshness")) as [[string, string, string]];
    const [[latest]] = (await reader.rows("SELECT MAX(snapshot_at) FROM aggregator_runs")) as [[string]];
    expect(lastLoaded).toBe(latest);
    expect(Number(minutes)).toBeGreaterThanOrEqual(0);
    expect(Number(minutes)).toBeLessThan(5);
    expect(newest.slice(0, 10)).toBe(
      sales()
        .map((s) => s.saleDate)
        .sort()
        .at(-1),
    );
  });

  it("every panel returns rows", async () => {
    for (const p of panels.values()) {
      if (dialect === "redshift" && p.key === "freshness") continue;
      expect([p.key, (await run(p.key)).length > 0]).toEqual([p.key, true]);
    }
  });
});
