// The warehouse tables, created idempotently on every run. Plain SQL every dialect (and Redshift)
// accepts: primary keys are enforced by MySQL and PostgreSQL and informational on Redshift, where the
// aggregator's delete-then-insert keeps them true anyway.
import { lengthOf } from "../../db/schema/columns.js";
import { notifications, sales } from "../../db/schema/index.js";
import type { Dialect, Warehouse } from "./warehouse.js";

export const runsTable = "aggregator_runs";

/** Amounts summed over millions of DECIMAL(14,2) sales need more digits than one sale. */
const total = "DECIMAL(20,2)";

/**
 * The codes and names facts are keyed by, in every table that has them: compared exactly (`dialect.key`),
 * as long as the source columns they come from.
 */
const keyColumns = {
  branch: lengthOf(sales.branch),
  team: lengthOf(sales.team),
  agent_code: lengthOf(sales.agentCode),
  product_code: lengthOf(sales.productCode),
  recipient: lengthOf(notifications.recipient),
} as const;

export function warehouseDdl(d: Dialect): string[] {
  const ts = d.timestamp;
  const v = d.varchar;
  const key = (column: keyof typeof keyColumns) => `${column} ${d.key(keyColumns[column])} NOT NULL`;
  const table = (name: string, columns: string[]) =>
    `CREATE TABLE IF NOT EXISTS ${name} (\n  ${columns.join(",\n  ")}\n)`;
  return [
    table("fact_daily_sales", [
      "sale_date DATE NOT NULL",
      key("branch"),
      key("team"),
      key("agent_code"),
      key("product_code"),
      `total_amount ${total} NOT NULL`,
      "sale_count BIGINT NOT NULL",
      "PRIMARY KEY (sale_date, branch, team, agent_code, product_code)",
    ]),
    // Notifications by the UTC day they were raised, with their status as of the run.
    table("fact_daily_notifications", [
      "created_date DATE NOT NULL",
      key("recipient"),
      `status ${v(16)} NOT NULL`,
      `channel ${v(16)} NOT NULL`,
      "notification_count BIGINT NOT NULL",
      "PRIMARY KEY (created_date, recipient, status, channel)",
    ]),
    table("kpi_team_performance", [
      `snapshot_at ${ts} NOT NULL`,
      key("team"),
      `total_sales ${total} NOT NULL`,
      "sale_count BIGINT NOT NULL",
      "PRIMARY KEY (snapshot_at, team)",
    ]),
    table("kpi_branch_performance", [
      `snapshot_at ${ts} NOT NULL`,
      key("branch"),
      `total_sales ${total} NOT NULL`,
      "sale_count BIGINT NOT NULL",
      "PRIMARY KEY (snapshot_at, branch)",
    ]),
    table("kpi_product_performance", [
      `snapshot_at ${ts} NOT NULL`,
      key("product_code"),
      `product_name ${v(200)} NOT NULL`,
      "target_amount DECIMAL(14,2) NOT NULL",
      `total_sales ${total} NOT NULL`,
      `status ${v(16)} NOT NULL`,
      "PRIMARY KEY (snapshot_at, product_code)",
    ]),
    table("kpi_agent_notifications", [
      `snapshot_at ${ts} NOT NULL`,
      key("agent_code"),
      `agent_name ${v(201)} NOT NULL`,
      "notification_count BIGINT NOT NULL",
      "PRIMARY KEY (snapshot_at, agent_code)",
    ]),
    table("kpi_notification_status", [
      `snapshot_at ${ts} NOT NULL`,
      `status ${v(16)} NOT NULL`,
      "notification_count BIGINT NOT NULL",
      "PRIMARY KEY (snapshot_at, status)",
    ]),
    // One row per committed run: the latest row's watermark is where the next run reads changes from.
    table(runsTable, [
      `snapshot_at ${ts} NOT NULL`,
      `mode ${v(16)} NOT NULL`,
      `watermark ${ts}`,
      "days_recomputed INTEGER NOT NULL",
      "rows_read BIGINT NOT NULL",
      "rows_written BIGINT NOT NULL",
      "duration_ms INTEGER NOT NULL",
      "PRIMARY KEY (snapshot_at)",
    ]),
  ];
}

/**
 * Creates whatever is missing; safe to run before every run and from two runs at once on MySQL. True
 * when it had to make existing key columns exact: their facts may hold names the old collation merged,
 * so the run must recompute every day.
 */
export async function ensureWarehouseSchema(wh: Warehouse): Promise<boolean> {
  for (const statement of warehouseDdl(wh.dialect)) await wh.execute(statement);
  return wh.dialect.name === "mysql" ? exactMysqlKeys(wh) : false;
}

/**
 * A MySQL warehouse created before keys compared exactly has them in the database's collation: made
 * utf8mb4_bin here (that only splits what was merged, so no primary key can collide).
 */
async function exactMysqlKeys(wh: Warehouse): Promise<boolean> {
  const loose = await wh.query<{ t: string; c: keyof typeof keyColumns }>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?) AND COLUMN_NAME IN (?) AND COLLATION_NAME <> 'utf8mb4_bin'`,
    [
      warehouseDdl(wh.dialect).map((ddl) => /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(ddl)?.[1]),
      Object.keys(keyColumns),
    ],
  );
  for (const { t, c } of loose) {
    await wh.execute(`ALTER TABLE ${t} MODIFY ${c} ${wh.dialect.key(keyColumns[c])} NOT NULL`);
  }
  return loose.length > 0;
}
