// Folds progress events into running totals and raises alerts: the events leave, the totals move and
// the alerts appear in one transaction, so each event counts once whatever crashes or restarts.
import { inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { agents, progressEvents } from "../../db/schema/index.js";
import { toCents } from "../../money/cents.js";
import type { Logger } from "../../runtime/logger.js";
import type { Worker } from "../../runtime/poller.js";
import { startPoller } from "../../runtime/poller.js";
import { rows, writeTransaction } from "../db.js";
import type { SalesMetrics } from "../metrics.js";
import { parseMilestones, type Scope, type Target } from "./book.js";
import type { Period } from "./periods.js";
import { applyDeltas, type Delta, type RaisedAlert } from "./progress.js";

const batchSize = 1000;

/**
 * One round: returns how many events it folded, and hands the alerts it raised to `onRaised` once
 * they are committed. Several evaluators (blue, green) share the work.
 */
export async function evaluateOnce(db: Database, onRaised?: (alerts: RaisedAlert[]) => void): Promise<number> {
  const round = await writeTransaction(db, async (tx) => {
    // SKIP LOCKED: events another evaluator holds, or a sale has not committed yet, wait for a later round.
    const events = await tx
      .select()
      .from(progressEvents)
      .orderBy(progressEvents.id)
      .limit(batchSize)
      .for("update", { skipLocked: true });
    if (events.length === 0) return { events: 0, raised: [] };
    // Held shared so a target cannot be deleted or changed between reading it and moving its total.
    const found = await rows<{
      id: number;
      scope: Scope;
      target_key: string;
      period: Period;
      amount: string;
      milestones: string;
    }>(
      tx,
      sql`SELECT id, scope, target_key, period, amount, milestones FROM targets WHERE id IN ${[...new Set(events.map((e) => e.targetId))]} LOCK IN SHARE MODE`,
    );
    const byId = new Map<number, Target>(
      found.map((r) => [
        r.id,
        {
          id: r.id,
          scope: r.scope,
          key: r.target_key,
          period: r.period,
          amount: r.amount,
          milestones: parseMilestones(r.milestones),
        },
      ]),
    );
    // Events of a deleted target are dropped with the rest.
    const deltas: Delta[] = events.flatMap((e) => {
      const target = byId.get(e.targetId);
      return target ? [{ target, periodStart: e.periodStart, cents: toCents(e.delta) }] : [];
    });
    const agentCodes = [...byId.values()].filter((t) => t.scope === "agent").map((t) => t.key);
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

export function startEvaluator(db: Database, logger: Logger, pollMs: number, metrics?: SalesMetrics): Worker {
  const onRaised = (alerts: RaisedAlert[]) => {
    for (const a of alerts) metrics?.alertsRaised.inc({ type: a.type });
  };
  return startPoller({
    name: "target evaluator",
    logger,
    intervalMs: pollMs,
    batchSize,
    round: () => evaluateOnce(db, onRaised),
  });
}
