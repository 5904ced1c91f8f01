// The warehouse keeps names apart as the source does (docs/domain.md, "Identity"): five teams that
// differ only by emoji, accent or case are five rows in every dialect, and a MySQL warehouse created
// before keys compared exactly is converted and fully recomputed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AggregatorSetup, openAggregatorSetup } from "../../test/aggregator/setup.js";
import { aggregate } from "./run.js";
import { warehouseDdl } from "./warehouse/ddl.js";
import { mysqlDialect } from "./warehouse/mysql.js";

const teams = ["😀", "🦄", "alpha", "Álpha", "Alpha"];
const latestTeams =
  "SELECT team, total_sales, sale_count FROM kpi_team_performance WHERE snapshot_at = (SELECT MAX(snapshot_at) FROM aggregator_runs) ORDER BY total_sales";
const expected = teams.map((team, i) => [team, `${(i + 1) * 10}.00`, "1"]);

/** One AGT004 sale per team on 2024-03-01, the n-th team's for n × 10.00, logged as the service would. */
async function addTeamSales(setup: AggregatorSetup): Promise<void> {
  const pool = setup.source.handle.pool;
  for (const [i, team] of teams.entries()) {
    const [result] = await pool.query(
      "INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team) VALUES (?, 'AGT004', 'LIFE-PLAT', ?, '2024-03-01', 'Colombo', ?)",
      [`ID-${i}`, `${(i + 1) * 10}.00`, team],
    );
    await pool.query("INSERT INTO sale_changes (sale_id, sale_date) VALUES (?, '2024-03-01')", [
      (result as { insertId: number }).insertId,
    ]);
  }
}

const run = (setup: AggregatorSetup) =>
  aggregate({ sourceUrl: setup.source.url, warehouseUrl: setup.warehouseUrl, overlapSeconds: 5, batchRows: 100 });

describe.each(["mysql", "postgres", "redshift"] as const)("a %s warehouse", (kind) => {
  let setup: AggregatorSetup;
  beforeAll(async () => {
    setup = await openAggregatorSetup(kind);
    await addTeamSales(setup);
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  it("keeps teams that differ by emoji, accent or case apart, in facts and KPIs", async () => {
    expect((await run(setup)).outcome).toBe("loaded");
    expect(await setup.reader.rows(latestTeams)).toEqual(expected);
    const facts = await setup.reader.rows("SELECT team FROM fact_daily_sales ORDER BY total_amount");
    expect(facts.map(([team]) => team)).toEqual(teams);
  });
});

describe("a MySQL warehouse created before keys compared exactly", () => {
  let setup: AggregatorSetup;
  beforeAll(async () => {
    setup = await openAggregatorSetup("mysql");
    // The tables as an earlier version made them: key columns in the database's collation.
    for (const ddl of warehouseDdl({ ...mysqlDialect, key: mysqlDialect.varchar })) await setup.reader.rows(ddl);
    await setup.reader.rows(
      "INSERT INTO aggregator_runs (snapshot_at, mode, watermark, days_recomputed, rows_read, rows_written, duration_ms) VALUES ('2024-01-01 00:00:00', 'full', '2099-01-01 00:00:00', 0, 0, 0, 0)",
    );
    await addTeamSales(setup);
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  it("has its keys made exact and every day recomputed by the next run", async () => {
    const loose = () =>
      setup.reader.rows(
        "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IN ('team', 'branch', 'agent_code', 'product_code', 'recipient') AND COLLATION_NAME <> 'utf8mb4_bin'",
      );
    expect((await loose()).length).toBe(9);
    // The watermark is in the future: an incremental run would see no changed day at all.
    const summary = await run(setup);
    expect(summary.mode).toBe("full");
    expect(await loose()).toEqual([]);
    expect(await setup.reader.rows(latestTeams)).toEqual(expected);
    expect((await run(setup)).mode).toBe("incremental");
  });
});
