// Reads warehouse tables for assertions with plain drivers, every value as a string.
import mysql from "mysql2/promise";
import pg from "pg";
import { sorted } from "./scenario.js";

export interface WarehouseReader {
  rows(sql: string, params?: unknown[]): Promise<string[][]>;
  close(): Promise<void>;
}

export async function openReader(url: string): Promise<WarehouseReader> {
  if (url.startsWith("mysql:")) {
    const conn = await mysql.createConnection({ uri: url, dateStrings: true });
    return {
      async rows(sql, params = []) {
        const [rows] = await conn.query({ sql, values: params, rowsAsArray: true });
        return Array.isArray(rows) ? (rows as unknown[][]).map((r) => r.map(String)) : [];
      },
      close: () => conn.end(),
    };
  }
  const asText = (v: string) => v;
  const client = new pg.Client({
    connectionString: url,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        [1082, 1114].includes(oid) ? asText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect();
  return {
    async rows(sql, params = []) {
      let n = 0;
      const result = await client.query({
        text: sql.replace(/\?/g, () => `$${++n}`),
        values: params,
        rowMode: "array",
      });
      return (result.rows as unknown[][]).map((r) => r.map(String));
    },
    close: () => client.end(),
  };
}

const latest = "(SELECT MAX(snapshot_at) FROM aggregator_runs)";

/** Everything dashboards would read as "now": the facts and the latest snapshot of every kpi table. */
export async function readLatest(r: WarehouseReader) {
  const q = async (sql: string) => sorted(await r.rows(sql));
  return {
    facts: await q(
      "SELECT sale_date, branch, team, agent_code, product_code, total_amount, sale_count FROM fact_daily_sales",
    ),
    notificationFacts: await q(
      "SELECT created_date, recipient, status, channel, notification_count FROM fact_daily_notifications",
    ),
    teams: await q(`SELECT team, total_sales, sale_count FROM kpi_team_performance WHERE snapshot_at = ${latest}`),
    branches: await q(
      `SELECT branch, total_sales, sale_count FROM kpi_branch_performance WHERE snapshot_at = ${latest}`,
    ),
    products: await q(
      `SELECT product_code, product_name, target_amount, total_sales, status FROM kpi_product_performance WHERE snapshot_at = ${latest}`,
    ),
    agentNotifications: await q(
      `SELECT agent_code, agent_name, notification_count FROM kpi_agent_notifications WHERE snapshot_at = ${latest}`,
    ),
    notificationStatus: await q(
      `SELECT status, notification_count FROM kpi_notification_status WHERE snapshot_at = ${latest}`,
    ),
  };
}

/** How many snapshots each table holds, and how many runs are recorded. */
export async function snapshotCounts(r: WarehouseReader) {
  const count = async (table: string) =>
    Number((await r.rows(`SELECT COUNT(DISTINCT snapshot_at) FROM ${table}`))[0]![0]);
  return {
    runs: Number((await r.rows("SELECT COUNT(*) FROM aggregator_runs"))[0]![0]),
    team: await count("kpi_team_performance"),
    branch: await count("kpi_branch_performance"),
    product: await count("kpi_product_performance"),
    agent: await count("kpi_agent_notifications"),
    status: await count("kpi_notification_status"),
  };
}
