import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { keysetPage } from "../../db/keyset.js";
import { targets } from "../../db/schema/index.js";
import type { ServiceApp } from "../../http/app.js";
import { notFound } from "../../http/errors.js";
import { canonicalCode, canonicalKey } from "../../http/fields.js";
import { fromCents, toCents } from "../../money/cents.js";
import { rows } from "../db.js";
import { parseMilestones } from "./book.js";
import { periodEnd, periodStart, today } from "./periods.js";
import {
  createTargetRoute,
  deleteTargetRoute,
  getTargetRoute,
  listTargetsRoute,
  targetProgressRoute,
  updateTargetRoute,
} from "./routes.js";
import { type TargetRow, toTarget } from "./schemas.js";
import { createTarget, deleteTarget, updateTarget } from "./store.js";

async function findTarget(db: Database, id: number): Promise<TargetRow> {
  const [row] = await db.select().from(targets).where(eq(targets.id, id));
  if (!row) throw notFound(`target ${id}`);
  return row;
}

/** Keys as a new target's would be stored: a code in any case, or a name exactly, per scope. */
function keyFilter(key: string, scope: TargetRow["scope"] | undefined): SQL | undefined {
  if (scope) return eq(targets.key, canonicalKey(scope, key));
  return or(
    eq(targets.key, key),
    and(inArray(targets.scope, ["agent", "product"]), eq(targets.key, canonicalCode(key))),
  );
}

export function registerTargetRoutes(app: ServiceApp, db: Database): void {
  app.openapi(createTargetRoute, async (c) => c.json(toTarget(await createTarget(db, c.req.valid("json"))), 201));

  app.openapi(listTargetsRoute, async (c) => {
    const q = c.req.valid("query");
    const filters: Array<SQL | undefined> = [
      q.scope ? eq(targets.scope, q.scope) : undefined,
      q.key ? keyFilter(q.key, q.scope) : undefined,
      q.period ? eq(targets.period, q.period) : undefined,
    ];
    const result = await keysetPage(db, targets, targets.id, (r) => r.id, filters, q);
    return c.json({ items: result.items.map(toTarget), nextCursor: result.nextCursor }, 200);
  });

  app.openapi(getTargetRoute, async (c) => c.json(toTarget(await findTarget(db, c.req.valid("param").id)), 200));

  app.openapi(updateTargetRoute, async (c) =>
    c.json(toTarget(await updateTarget(db, c.req.valid("param").id, c.req.valid("json"))), 200),
  );

  app.openapi(deleteTargetRoute, async (c) => {
    await deleteTarget(db, c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.openapi(targetProgressRoute, async (c) => {
    const target = await findTarget(db, c.req.valid("param").id);
    const start = periodStart(target.period, c.req.valid("query").date ?? today());
    // The folded total plus events the evaluator has not folded yet: exact at any moment.
    const [row] = await rows<{ achieved: string }>(
      db,
      sql`SELECT COALESCE((SELECT achieved FROM target_progress WHERE target_id = ${target.id} AND period_start = ${start}), 0)
        + COALESCE((SELECT SUM(delta) FROM progress_events WHERE target_id = ${target.id} AND period_start = ${start}), 0) AS achieved`,
    );
    const achieved = toCents(String(row!.achieved));
    const amount = toCents(target.amount);
    return c.json(
      {
        targetId: target.id,
        periodStart: start,
        periodEnd: periodEnd(target.period, start),
        achieved: fromCents(achieved),
        amount: target.amount,
        percent: Number((achieved * 10000n) / amount) / 100,
        milestonesReached: parseMilestones(target.milestones).filter((m) => achieved * 100n >= amount * BigInt(m)),
      },
      200,
    );
  });
}
