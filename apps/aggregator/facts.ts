// fact_daily_sales: replaces the rows of the recomputed days with the source's aggregates, inside the
// run's transaction. Deleting a day first makes a day that lost all its sales disappear too.
import { factColumns, type SourceSnapshot } from "./source.js";
import { insertRows, rowsPerInsert, type Warehouse } from "./warehouse/warehouse.js";

/** Days per statement: keeps IN lists short; a day costs one range on the sales date index. */
const daysPerQuery = 500;

export interface FactLoad {
  daysRecomputed: number;
  rowsRead: number;
  rowsWritten: number;
  /** Sales the recomputed facts cover (the sum of their sale_count). */
  salesAggregated: number;
}

/** Recomputes every day (`days` undefined) or just `days`. */
export async function replaceFacts(
  wh: Warehouse,
  source: SourceSnapshot,
  days: readonly string[] | undefined,
  batchRows: number,
): Promise<FactLoad> {
  const load: FactLoad = { daysRecomputed: days?.length ?? 0, rowsRead: 0, rowsWritten: 0, salesAggregated: 0 };
  if (!days) {
    // DELETE, not TRUNCATE: TRUNCATE would commit the run's transaction half-way (MySQL, Redshift).
    await wh.execute("DELETE FROM fact_daily_sales");
    const seenDays = new Set<string>();
    await stream(wh, source.dailyFacts(), batchRows, load, (row) => seenDays.add(row[0] as string));
    load.daysRecomputed = seenDays.size;
    return load;
  }
  for (let i = 0; i < days.length; i += daysPerQuery) {
    const chunk = days.slice(i, i + daysPerQuery);
    await wh.execute(`DELETE FROM fact_daily_sales WHERE sale_date IN (${chunk.map(() => "?").join(",")})`, chunk);
    await stream(wh, source.dailyFacts(chunk), batchRows, load);
  }
  return load;
}

/**
 * Multi-row INSERTs fed from the source stream, one statement in flight while the next batch is read,
 * so the source and the warehouse work at the same time and memory stays at two batches.
 */
async function stream(
  wh: Warehouse,
  rows: AsyncIterable<unknown[]>,
  batchRows: number,
  load: FactLoad,
  onRow?: (row: unknown[]) => void,
): Promise<void> {
  const size = rowsPerInsert(wh.dialect, factColumns.length, batchRows);
  let batch: unknown[][] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const rowsToWrite = batch;
    batch = [];
    await inFlight;
    inFlight = insertRows(wh, "fact_daily_sales", factColumns, rowsToWrite).then((n) => {
      load.rowsWritten += n;
    });
    // Handled here so a failure waits for the next `await inFlight` instead of crashing the process.
    inFlight.catch(() => undefined);
  };
  for await (const row of rows) {
    load.rowsRead++;
    load.salesAggregated += Number(row[6]);
    onRow?.(row);
    batch.push(row);
    if (batch.length >= size) await flush();
  }
  if (batch.length > 0) await flush();
  await inFlight;
}
