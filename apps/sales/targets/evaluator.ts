// Folds progress events into running totals and raises alerts: the events leave, the totals move and
// the alerts appear in one transaction, so each event counts once whatever crashes or restarts.
// An event the database refuses to fold (a poison event) is set aside, so it cannot hold up the others.
import { and, asc, inArray, isNull, sql } from "drizzle-orm";
import { type Database, isUnavailable, mysqlErrorCode } from "../../db/client.js";
import { isDeadlock } from "../../db/errors.js";
import { agents, progressEvents } from "../../db/schema/index.js";
import { toCents } from "../../money/cents.js";
import type { Logger } from "../../runtime/logger.js";
import { describeError, startPoller, type Worker } from "../../runtime/poller.js";
import { storedTrace, traceFields } from "../../runtime/trace.js";
import { writeTransaction } from "../db.js";
import type { SalesMetrics } from "../metrics.js";
import { loadTargets } from "./book.js";
import { applyDeltas, type Delta, type RaisedAlert } from "./progress.js";

/**
 * Events one round folds. Rounds run back to back while there is a backlog, each one transaction
 * beside the sales being recorded: 250 keeps each short, which under full ingest load took the sales'
 * p99 from ~1.85x to ~1.45x the minimal peer's, at the same throughput, where 1000 did not (README,
 * benchmarks).
 */
const batchSize = 250;

/** Events waiting to be folded: neither folded yet nor set aside. */
const waiting = isNull(progressEvents.setAsideAt);

/**
 * One round over the oldest waiting events (or only the events `ids`, when given): returns how many it
 * folded, and hands the alerts it raised to `onRaised` once they are committed. Several evaluators
 * (blue, green) share the work.
 */
export async function evaluateOnce(
  db: Database,
  onRaised?: (alerts: RaisedAlert[]) => void,
  ids?: number[],
): Promise<number> {
  const round = await writeTransaction(db, async (tx) => {
    // SKIP LOCKED: events another evaluator holds, or a sale has not committed yet, wait for a later round.
    const events = await tx
      .select()
      .from(progressEvents)
      .where(and(waiting, ids ? inArray(progressEvents.id, ids) : undefined))
      .orderBy(asc(progressEvents.id))
      .limit(batchSize)
      .for("update", { skipLocked: true });
    if (events.length === 0) return { events: 0, raised: [] };
    // Held shared so a target cannot be deleted or changed between reading it and moving its total.
    const targets = await loadTargets(tx, sql`id IN ${[...new Set(events.map((e) => e.targetId))]}`, {
      shared: true,
    });
    const byId = new Map(targets.map((t) => [t.id, t]));
    // Events of a deleted target are dropped with the rest.
    const deltas: Delta[] = events.flatMap((e) => {
      const target = byId.get(e.targetId);
      return target ? [{ target, periodStart: e.periodStart, cents: toCents(e.delta), trace: storedTrace(e) }] : [];
    });
    const agentCodes = targets.filter((t) => t.scope === "agent").map((t) => t.key);
    const names = agentCodes.length
      ? await tx
          .select({ code: agents.agentCode, first: agents.firstName, last: agents.lastName })
          .from(agents)
          .where(inArray(agents.agentCode, agentCodes))
      : [];
    const raised = await applyDeltas(tx, deltas, new Map(names.map((n) => [n.code, `${n.first} ${n.last}`])));
    await tx.delete(progressEvents).where(
      inArray(
        progressEvents.id,
        events.map((e) => e.id),
      ),
    );
    return { events: events.length, raised };
  });
  if (round.raised.length > 0) onRaised?.(round.raised);
  return round.events;
}

/** Errors about the database rather than the events (a failed-over read-only server, a missing table, rights). */
const environmental = new Set([
  "ER_OPTION_PREVENTS_STATEMENT",
  "ER_READ_ONLY_MODE",
  "ER_NO_SUCH_TABLE",
  "ER_BAD_FIELD_ERROR",
  "ER_TABLEACCESS_DENIED_ERROR",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_ACCESS_DENIED_ERROR",
]);

/**
 * Errors a later try can get past, which must not set events aside: the database away, busy,
 * deadlocked or misconfigured. Anything else is about the events being folded.
 */
const isTransient = (err: unknown) =>
  isUnavailable(err) || isDeadlock(err) || environmental.has(mysqlErrorCode(err) ?? "");

async function setAside(db: Database, id: number, err: unknown): Promise<void> {
  await db
    .update(progressEvents)
    .set({ setAsideAt: sql`NOW(3)`, setAsideError: describeError(err).message.slice(0, 2000) })
    .where(inArray(progressEvents.id, [id]));
}

export function startEvaluator(db: Database, logger: Logger, pollMs: number, metrics?: SalesMetrics): Worker {
  const onRaised = (alerts: RaisedAlert[]) => {
    for (const a of alerts) {
      metrics?.alertsRaised.inc({ type: a.type });
      logger.info(
        { ...traceFields(a.trace), targetId: a.targetId, periodStart: a.periodStart, milestone: a.milestone },
        "target alert raised",
      );
    }
  };

  /**
   * After a round failed on its data: folds the same events in halves, down to the single events the
   * database refuses, and sets those aside with the error. Order is kept, so milestones are still
   * crossed in the order the sales happened. Returns how many events it folded or set aside.
   */
  async function isolate(ids: number[]): Promise<number> {
    try {
      return await evaluateOnce(db, onRaised, ids);
    } catch (err) {
      if (isTransient(err)) throw err;
      const [id] = ids;
      if (ids.length === 1 && id !== undefined) {
        await setAside(db, id, err);
        logger.error({ eventId: id, err: describeError(err) }, "target evaluator: progress event set aside");
        return 1;
      }
      const half = Math.ceil(ids.length / 2);
      return (await isolate(ids.slice(0, half))) + (await isolate(ids.slice(half)));
    }
  }

  return startPoller({
    name: "target evaluator",
    logger,
    intervalMs: pollMs,
    batchSize,
    async round() {
      try {
        return await evaluateOnce(db, onRaised);
      } catch (err) {
        if (isTransient(err)) throw err;
        logger.warn({ err: describeError(err) }, "target evaluator: a batch failed; looking for the event at fault");
        const waitingIds = await db
          .select({ id: progressEvents.id })
          .from(progressEvents)
          .where(waiting)
          .orderBy(asc(progressEvents.id))
          .limit(batchSize);
        return isolate(waitingIds.map((r) => r.id));
      }
    },
  });
}
