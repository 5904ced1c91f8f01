// The warehouse tables, created idempotently on every run. Plain SQL every dialect (and Redshift)
// accepts: primary keys are enforced by MySQL and PostgreSQL and informational on Redshift, where the
// aggregator's delete-then-insert keeps them true anyway.
import type { Dialect, Warehouse } from "./warehouse.js";

export const runsTable = "aggregator_runs";

/** Amounts summed over millions of DECIMAL(14,2) sales need more digits than one sale. */
const total = "DECIMAL(20,2)";

export function warehouseDdl(d: Dialect): string[] {
  const ts = d.timestamp;
  const v = d.varchar;
  const table = (name: string, columns: string[]) =>
    `CREATE TABLE IF NOT EXISTS ${name} (\n  ${columns.join(",\n  ")}\n)`;
  return [
    table("fact_daily_sales", [
      "sale_date DATE NOT NULL",
      `branch ${v(64)} NOT NULL`,
      `team ${v(64)} NOT NULL`,
      `agent_code ${v(32)} NOT NULL`,
      `product_code ${v(32)} NOT NULL`,
      `total_amount ${total} NOT NULL`,
      "sale_count BIGINT NOT NULL",
      "PRIMARY KEY (sale_date, branch, team, agent_code, product_code)",
    ]),
    // Notifications by the UTC day they were raised, with their status as of the run.
    table("fact_daily_notifications", [
      "created_date DATE NOT NULL",
      `recipient ${v(128)} NOT NULL`,
      `status ${v(16)} NOT NULL`,
      `channel ${v(16)} NOT NULL`,
      "notification_count BIGINT NOT NULL",
      "PRIMARY KEY (created_date, recipient, status, channel)",
    ]),
    table("kpi_team_performance", [
      `snapshot_at ${ts} NOT NULL`,
      `team ${v(64)} NOT NULL`,
      `total_sales ${total} NOT NULL`,
      "sale_count BIGINT NOT NULL",
      "PRIMARY KEY (snapshot_at, team)",
    ]),
    table("kpi_branch_performance", [
      `snapshot_at ${ts} NOT NULL`,
      `branch ${v(64)} NOT NULL`,
      `total_sales ${total} NOT NULL`,
      "sale_count BIGINT NOT NULL",
      "PRIMARY KEY (snapshot_at, branch)",
    ]),
    table("kpi_product_performance", [
      `snapshot_at ${ts} NOT NULL`,
      `product_code ${v(32)} NOT NULL`,
      `product_name ${v(200)} NOT NULL`,
      "target_amount DECIMAL(14,2) NOT NULL",
      `total_sales ${total} NOT NULL`,
      `status ${v(16)} NOT NULL`,
      "PRIMARY KEY (snapshot_at, product_code)",
    ]),
    table("kpi_agent_notifications", [
      `snapshot_at ${ts} NOT NULL`,
      `agent_code ${v(32)} NOT NULL`,
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

/** Creates whatever is missing; safe to run before every run and from two runs at once on MySQL. */
export async function ensureWarehouseSchema(wh: Warehouse): Promise<void> {
  for (const statement of warehouseDdl(wh.dialect)) await wh.execute(statement);
}
