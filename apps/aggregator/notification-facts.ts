// fact_daily_notifications: notifications per day created × recipient × status × channel. Like the
// sales facts, a run replaces only the days that changed, inside the run's transaction: days with a
// notification written since the last watermark (status changes stamp updated_at) and days whose
// count differs from the warehouse's (a notification was deleted).
import { notificationFactColumns, type SourceSnapshot } from "./source.js";
import { insertAll, type Warehouse } from "./warehouse/warehouse.js";

/** Days per statement, as for the sales facts. */
const daysPerQuery = 200;

export interface NotificationFactLoad {
  daysRecomputed: number;
  rowsRead: number;
  rowsWritten: number;
}

/** Recomputes every day (`since` null) or the days changed after `since` minus `overlapSeconds`. */
export async function replaceNotificationFacts(
  wh: Warehouse,
  source: SourceSnapshot,
  since: string | null,
  overlapSeconds: number,
  batchRows: number,
): Promise<NotificationFactLoad> {
  const load: NotificationFactLoad = { daysRecomputed: 0, rowsRead: 0, rowsWritten: 0 };
  const write = async (rows: unknown[][]) => {
    load.rowsRead += rows.length;
    load.rowsWritten += await insertAll(wh, "fact_daily_notifications", notificationFactColumns, rows, batchRows);
  };
  if (since === null) {
    await wh.execute("DELETE FROM fact_daily_notifications");
    const rows = await source.dailyNotifications();
    load.daysRecomputed = new Set(rows.map((r) => r[0])).size;
    await write(rows);
    return load;
  }
  const days = await changedDays(wh, source, since, overlapSeconds);
  load.daysRecomputed = days.length;
  for (let i = 0; i < days.length; i += daysPerQuery) {
    const chunk = days.slice(i, i + daysPerQuery);
    const placeholders = chunk.map(() => "?").join(",");
    await wh.execute(`DELETE FROM fact_daily_notifications WHERE created_date IN (${placeholders})`, chunk);
    await write(await source.dailyNotifications(chunk));
  }
  return load;
}

async function changedDays(wh: Warehouse, source: SourceSnapshot, since: string, overlapSeconds: number) {
  const days = new Set(await source.notificationDaysChanged(since, overlapSeconds));
  const counts = await source.notificationDayCounts();
  const loaded = await wh.query<{ created_date: string; n: string | number }>(
    "SELECT created_date, SUM(notification_count) AS n FROM fact_daily_notifications GROUP BY created_date",
  );
  const loadedCount = new Map(loaded.map((r) => [String(r.created_date), Number(r.n)]));
  for (const [day, n] of counts) if (loadedCount.get(day) !== n) days.add(day);
  for (const day of loadedCount.keys()) if (!counts.has(day)) days.add(day);
  return [...days].sort();
}
