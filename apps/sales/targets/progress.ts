// Target progress: sales record what they change as events; the evaluator folds events into running
// totals and raises each milestone alert once.
import { sql } from "drizzle-orm";
import { fromCents, toCents } from "../../money/cents.js";
import { type Trace, traceValues } from "../../runtime/trace.js";
import { alertMessage, alertType, recipientOf } from "../alerts/compose.js";
import { rows, type Tx } from "../db.js";
import type { SaleKeys, Target, TargetBook } from "./book.js";
import { periodStart } from "./periods.js";

export interface Delta {
  target: Target;
  periodStart: string;
  cents: bigint;
  /** The request the change came from. */
  trace?: Trace;
}

/** What a sale adds (sign 1) to, or takes (sign -1) from, each target it counts towards. */
export function saleDeltas(
  book: TargetBook,
  sale: SaleKeys & { saleDate: string; amount: string },
  sign: 1 | -1,
  trace?: Trace,
): Delta[] {
  const cents = sign === 1 ? toCents(sale.amount) : -toCents(sale.amount);
  return book.matching(sale).map((target) => ({
    target,
    periodStart: periodStart(target.period, sale.saleDate),
    cents,
    trace,
  }));
}

/** Sums deltas per (target, period), drops the zeros, and orders them by target and period. */
export function mergeDeltas(deltas: Delta[]): Delta[] {
  const byTarget = new Map<number, Map<string, Delta>>();
  for (const d of deltas) {
    let periods = byTarget.get(d.target.id);
    if (!periods) {
      periods = new Map();
      byTarget.set(d.target.id, periods);
    }
    const sum = periods.get(d.periodStart);
    // A copy per (target, period), summed in place: the deltas passed in stay as they were.
    if (sum) sum.cents += d.cents;
    else periods.set(d.periodStart, { ...d });
  }
  return [...byTarget.values()]
    .flatMap((periods) => [...periods.values()])
    .filter((d) => d.cents !== 0n)
    .sort((a, b) => a.target.id - b.target.id || a.periodStart.localeCompare(b.periodStart));
}

/**
 * Appends the sale's progress events in its own transaction: insert-only, so sales never queue on a total.
 * One event per (target, period) per request, so an alert can name the request whose sale raised it.
 */
export async function recordEvents(tx: Tx, deltas: Delta[]): Promise<void> {
  const byRequest = new Map<Trace | undefined, Delta[]>();
  for (const d of deltas) {
    const mine = byRequest.get(d.trace);
    if (mine) mine.push(d);
    else byRequest.set(d.trace, [d]);
  }
  const changes = [...byRequest.values()].flatMap(mergeDeltas);
  if (changes.length === 0) return;
  await tx.execute(sql`
    INSERT INTO progress_events (target_id, period_start, delta, request_id, traceparent)
    VALUES ${sql.join(
      changes.map((d) => {
        const { requestId, traceparent } = traceValues(d.trace);
        return sql`(${d.target.id}, ${d.periodStart}, ${fromCents(d.cents)}, ${requestId}, ${traceparent})`;
      }),
      sql`, `,
    )}`);
}

const reached = (achievedCents: bigint, target: Target, milestone: number) =>
  achievedCents * 100n >= toCents(target.amount) * BigInt(milestone);

export interface RaisedAlert {
  targetId: number;
  periodStart: string;
  milestone: number;
  recipient: string;
  type: "TARGET_ACHIEVED" | "MILESTONE";
  message: string;
  /** The request whose sale took the total across the milestone. */
  trace?: Trace;
}

/**
 * Adds the deltas (in event order) to the running totals and records an alert for every milestone
 * a total crossed upwards. Each total is updated under its row lock, so the crossings of one (target, period) are
 * seen one transaction at a time; the unique key on target_alerts makes a re-crossing after a
 * correction a no-op. Returns the alerts raised (not those raised before).
 */
export async function applyDeltas(
  tx: Tx,
  deltas: Delta[],
  agentNames: ReadonlyMap<string, string>,
): Promise<RaisedAlert[]> {
  if (deltas.length === 0) return [];
  const changes = mergeDeltas(deltas);
  if (changes.length > 0) {
    await tx.execute(sql`
      INSERT INTO target_progress (target_id, period_start, achieved)
      VALUES ${sql.join(
        changes.map((d) => sql`(${d.target.id}, ${d.periodStart}, ${fromCents(d.cents)})`),
        sql`, `,
      )}
      ON DUPLICATE KEY UPDATE achieved = achieved + VALUES(achieved)`);
  }
  // Every (target, period) the events touched, also those whose changes cancelled out.
  const touched = [...new Map(deltas.map((d) => [`${d.target.id}|${d.periodStart}`, d])).values()];
  const totals = await rows<{ target_id: number; period_start: string; achieved: string }>(
    tx,
    sql`SELECT target_id, period_start, achieved FROM target_progress WHERE ${sql.join(
      touched.map((d) => sql`(target_id = ${d.target.id} AND period_start = ${d.periodStart})`),
      sql` OR `,
    )}`,
  );
  const totalOf = new Map(totals.map((t) => [`${t.target_id}|${t.period_start}`, toCents(t.achieved)]));

  const alerts = touched.flatMap(({ target, periodStart }): RaisedAlert[] => {
    const key = `${target.id}|${periodStart}`;
    const mine = deltas.filter((e) => e.target.id === target.id && e.periodStart === periodStart);
    const before = (totalOf.get(key) ?? 0n) - mine.reduce((sum, e) => sum + e.cents, 0n);
    // Walk the events in order: a total that rose past a milestone and fell back within one batch
    // (a sale moved in, then deleted) still crossed it, as the progress endpoint showed meanwhile.
    let running = before;
    let peak = before;
    const crossedBy = new Map<number, Trace | undefined>();
    for (const e of mine) {
      running += e.cents;
      if (running <= peak) continue;
      peak = running;
      for (const m of target.milestones)
        if (!crossedBy.has(m) && !reached(before, target, m) && reached(peak, target, m)) crossedBy.set(m, e.trace);
    }
    return [...crossedBy.entries()].map(([m, trace]) => ({
      targetId: target.id,
      periodStart,
      milestone: m,
      recipient: recipientOf(target),
      type: alertType(m),
      message: alertMessage(
        target,
        periodStart,
        m,
        fromCents(peak),
        target.scope === "agent" ? agentNames.get(target.key) : undefined,
      ),
      trace,
    }));
  });
  if (alerts.length === 0) return [];
  // Which of them were raised before (a re-crossing after a correction); the progress row locks
  // taken above keep another evaluator from raising them meanwhile.
  const earlier = await rows<{ target_id: number; period_start: string; milestone: number }>(
    tx,
    sql`SELECT target_id, period_start, milestone FROM target_alerts WHERE ${sql.join(
      alerts.map(
        (a) => sql`(target_id = ${a.targetId} AND period_start = ${a.periodStart} AND milestone = ${a.milestone})`,
      ),
      sql` OR `,
    )}`,
  );
  const seen = new Set(earlier.map((e) => `${e.target_id}|${e.period_start}|${e.milestone}`));
  const raised = alerts.filter((a) => !seen.has(`${a.targetId}|${a.periodStart}|${a.milestone}`));
  if (raised.length === 0) return [];
  await tx.execute(sql`
    INSERT IGNORE INTO target_alerts (target_id, period_start, milestone, recipient, type, message, request_id, traceparent)
    VALUES ${sql.join(
      raised.map((a) => {
        const { requestId, traceparent } = traceValues(a.trace);
        return sql`(${a.targetId}, ${a.periodStart}, ${a.milestone}, ${a.recipient}, ${a.type}, ${a.message}, ${requestId}, ${traceparent})`;
      }),
      sql`, `,
    )}`);
  return raised;
}
