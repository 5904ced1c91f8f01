// Progress events the evaluator set aside: listed here (and counted by `moon_target_events_set_aside`),
// and queued again by an admin once the cause is fixed.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { progressEvents } from "../../db/schema/index.js";
import type { ServiceApp } from "../../http/app.js";
import { canRead, canWrite } from "../../http/auth.js";
import { notFound } from "../../http/errors.js";
import { commonProblems, idParam, jsonResponse, problems, timestamp } from "../../http/fields.js";
import { moneyOutput } from "../../money/amount.js";

const tags = ["targets"];
const shown = 200;

const setAsideSchema = z
  .object({
    id: z.number().int(),
    targetId: z.number().int(),
    periodStart: z.string(),
    delta: moneyOutput,
    error: z.string().nullable(),
    setAsideAt: timestamp,
  })
  .openapi("SetAsideEvent");

const listRoute = createRoute({
  method: "get",
  path: "/targets/events/set-aside",
  tags,
  summary: `Progress events the evaluator could not fold (oldest ${shown}); their amounts are missing from progress`,
  middleware: [canRead] as const,
  responses: {
    200: jsonResponse(z.object({ items: z.array(setAsideSchema) }), "Set-aside events"),
    ...problems(...commonProblems),
  },
});

const retryRoute = createRoute({
  method: "post",
  path: "/targets/events/{id}/retry",
  tags,
  summary: "Queue a set-aside event for folding again, once its cause is fixed (admin)",
  middleware: [canWrite] as const,
  request: { params: z.object({ id: idParam() }) },
  responses: { 204: { description: "Queued" }, ...problems(...commonProblems, 404) },
});

export function registerSetAsideRoutes(app: ServiceApp, db: Database): void {
  app.openapi(listRoute, async (c) => {
    const rows = await db
      .select()
      .from(progressEvents)
      .where(isNotNull(progressEvents.setAsideAt))
      .orderBy(asc(progressEvents.id))
      .limit(shown);
    const items = rows.flatMap((r) =>
      r.setAsideAt
        ? [
            {
              id: r.id,
              targetId: r.targetId,
              periodStart: r.periodStart,
              delta: r.delta,
              error: r.setAsideError,
              setAsideAt: r.setAsideAt.toISOString(),
            },
          ]
        : [],
    );
    return c.json({ items }, 200);
  });

  app.openapi(retryRoute, async (c) => {
    const { id } = c.req.valid("param");
    const [result] = await db
      .update(progressEvents)
      .set({ setAsideAt: null, setAsideError: null })
      .where(and(eq(progressEvents.id, id), isNotNull(progressEvents.setAsideAt)));
    if (result.affectedRows === 0) throw notFound(`set-aside event ${id}`);
    return c.body(null, 204);
  });
}
