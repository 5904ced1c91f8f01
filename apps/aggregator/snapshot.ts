// The kpi_* tables: one complete snapshot per run, all rows sharing its snapshot_at. Sales KPIs are
// summed from fact_daily_sales inside the run's transaction, so they agree with the facts exactly and
// cost one pass over the fact table rather than over every sale.
import type { SourceSnapshot } from "./source.js";
import { insertAll, type Warehouse } from "./warehouse/warehouse.js";

export interface SnapshotLoad {
  rowsRead: number;
  rowsWritten: number;
}

/** `total >= target` for decimal strings with at most two decimals, exactly (no floats). */
export function reaches(total: string, target: string): boolean {
  const cents = (s: string) => {
    const [whole = "0", fraction = ""] = s.split(".");
    return BigInt(whole + fraction.padEnd(2, "0").slice(0, 2));
  };
  return cents(total) >= cents(target);
}

export async function appendSnapshot(
  wh: Warehouse,
  source: SourceSnapshot,
  snapshotAt: string,
  batchRows: number,
): Promise<SnapshotLoad> {
  const load: SnapshotLoad = { rowsRead: 0, rowsWritten: 0 };
  const at = `CAST(? AS ${wh.dialect.timestamp})`;
  // One pass over the facts into a small temporary table (teams × branches × products); the three
  // sales KPIs are summed from it, grouped by the warehouse so its collation decides what is equal.
  await wh.execute(
    `CREATE TEMPORARY TABLE kpi_groups AS
     SELECT team, branch, product_code, SUM(total_amount) AS total_amount, SUM(sale_count) AS sale_count
       FROM fact_daily_sales GROUP BY team, branch, product_code`,
  );
  for (const dimension of ["team", "branch"]) {
    load.rowsWritten += await wh.execute(
      `INSERT INTO kpi_${dimension}_performance (snapshot_at, ${dimension}, total_sales, sale_count)
       SELECT ${at}, ${dimension}, SUM(total_amount), SUM(sale_count) FROM kpi_groups GROUP BY ${dimension}`,
      [snapshotAt],
    );
  }
  const totals = await wh.query<{ product_code: string; total: string }>(
    "SELECT product_code, SUM(total_amount) AS total FROM kpi_groups GROUP BY product_code",
  );
  await wh.execute(wh.dialect.dropTemporaryTable("kpi_groups"));
  const totalOf = new Map(totals.map((t) => [t.product_code, String(t.total)]));
  const products = await source.products();
  const productRows = products.map((p) => {
    const total = totalOf.get(p.productCode) ?? "0.00";
    return [
      snapshotAt,
      p.productCode,
      p.name,
      p.targetAmount,
      total,
      reaches(total, p.targetAmount) ? "Achieved" : "Not Achieved",
    ];
  });
  const agents = await source.agentNotifications();
  const statuses = await source.notificationStatus();
  load.rowsRead += products.length + agents.length + statuses.length;

  const columns = {
    kpi_product_performance: ["snapshot_at", "product_code", "product_name", "target_amount", "total_sales", "status"],
    kpi_agent_notifications: ["snapshot_at", "agent_code", "agent_name", "notification_count"],
    kpi_notification_status: ["snapshot_at", "status", "notification_count"],
  };
  load.rowsWritten += await insertAll(
    wh,
    "kpi_product_performance",
    columns.kpi_product_performance,
    productRows,
    batchRows,
  );
  load.rowsWritten += await insertAll(
    wh,
    "kpi_agent_notifications",
    columns.kpi_agent_notifications,
    agents.map((a) => [snapshotAt, ...a]),
    batchRows,
  );
  load.rowsWritten += await insertAll(
    wh,
    "kpi_notification_status",
    columns.kpi_notification_status,
    statuses.map((s) => [snapshotAt, ...s]),
    batchRows,
  );
  return load;
}
