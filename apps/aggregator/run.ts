// One aggregation run: lock, read the source in one snapshot, replace the touched days' facts, append
// a KPI snapshot and record the run, all in one warehouse transaction. A run that dies at any point
// leaves the warehouse as the last committed run left it.
import { replaceFacts } from "./facts.js";
import { replaceNotificationFacts } from "./notification-facts.js";
import { appendSnapshot } from "./snapshot.js";
import { openSourceSnapshot, type SourceSnapshot } from "./source.js";
import { ensureWarehouseSchema, runsTable } from "./warehouse/ddl.js";
import { openWarehouse, parseSqlTimestamp, sqlTimestamp } from "./warehouse/warehouse.js";

export interface AggregateOptions {
  sourceUrl: string;
  warehouseUrl: string;
  sourceCaCert?: string;
  warehouseCaCert?: string;
  /** Recompute every day, not just those changed since the last run. */
  full?: boolean;
  /**
   * How far before the last watermark to re-read the change log. A sale's change row is stamped when
   * its transaction writes it but seen only once it commits, so rows can appear behind the watermark;
   * this must exceed the longest sales transaction.
   */
  overlapSeconds: number;
  /** Rows per multi-row INSERT (cut further where the dialect binds fewer values). */
  batchRows: number;
}

export interface RunSummary {
  outcome: "loaded" | "skipped";
  mode?: "full" | "incremental";
  snapshotAt?: string;
  watermark?: string | null;
  daysRecomputed: number;
  /** Days of fact_daily_notifications replaced. */
  notificationDaysRecomputed: number;
  rowsRead: number;
  rowsWritten: number;
  salesAggregated: number;
  durationMs: number;
}

export async function aggregate(o: AggregateOptions): Promise<RunSummary> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const wh = await openWarehouse(o.warehouseUrl, { caCert: o.warehouseCaCert });
  let source: SourceSnapshot | undefined;
  let finished = false;
  try {
    const keysMadeExact = await ensureWarehouseSchema(wh);
    await wh.begin();
    if (!(await wh.tryLock())) {
      await wh.rollback();
      finished = true;
      return {
        outcome: "skipped",
        daysRecomputed: 0,
        notificationDaysRecomputed: 0,
        rowsRead: 0,
        rowsWritten: 0,
        salesAggregated: 0,
        durationMs: elapsed(),
      };
    }
    const [last] = await wh.query<{ snapshot_at: string; watermark: string | null }>(
      `SELECT snapshot_at, watermark FROM ${runsTable} ORDER BY snapshot_at DESC LIMIT 1`,
    );
    // "Latest" is MAX(snapshot_at): snapshots must order as runs do even if the clock steps back.
    const snapshotAt = sqlTimestamp(
      new Date(Math.max(Date.now(), last ? parseSqlTimestamp(last.snapshot_at).getTime() + 1 : 0)),
    );

    source = await openSourceSnapshot(o.sourceUrl, { caCert: o.sourceCaCert });
    // The source's clock, not the newest change seen: with no new sales, old changes leave the
    // overlap window and a rerun recomputes nothing.
    const watermark = await source.clock();
    const mode = o.full || !last || keysMadeExact ? "full" : "incremental";
    const days = mode === "full" ? undefined : await source.touchedDays(last!.watermark, o.overlapSeconds);
    const facts = await replaceFacts(wh, source, days, o.batchRows);
    const since = mode === "full" ? null : last!.watermark;
    const notes = await replaceNotificationFacts(wh, source, since, o.overlapSeconds, o.batchRows);
    const kpis = await appendSnapshot(wh, source, snapshotAt, o.batchRows);

    const summary: RunSummary = {
      outcome: "loaded",
      mode,
      snapshotAt,
      watermark,
      daysRecomputed: facts.daysRecomputed,
      notificationDaysRecomputed: notes.daysRecomputed,
      rowsRead: facts.rowsRead + notes.rowsRead + kpis.rowsRead,
      rowsWritten: facts.rowsWritten + notes.rowsWritten + kpis.rowsWritten,
      salesAggregated: facts.salesAggregated,
      durationMs: 0,
    };
    await wh.execute(
      `INSERT INTO ${runsTable} (snapshot_at, mode, watermark, days_recomputed, rows_read, rows_written, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [snapshotAt, mode, watermark, summary.daysRecomputed, summary.rowsRead, summary.rowsWritten, elapsed()],
    );
    await wh.commit();
    finished = true;
    return { ...summary, durationMs: elapsed() };
  } catch (err) {
    await wh.rollback().catch(() => undefined);
    throw err;
  } finally {
    await source?.close({ abort: !finished }).catch(() => undefined);
    await wh.close();
  }
}
