import { and, eq, gte, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { isDuplicateKey } from "../../db/errors.js";
import { keysetPage } from "../../db/keyset.js";
import { notifications } from "../../db/schema/index.js";
import type { ServiceApp } from "../../http/app.js";
import { conflict, notFound } from "../../http/errors.js";
import { requestTrace } from "../../http/trace.js";
import { traceValues } from "../../runtime/trace.js";
import type { NotificationRow } from "../delivery/channels.js";
import {
  createNotification,
  deleteNotification,
  getNotification,
  listNotifications,
  updateNotification,
} from "./routes.js";
import { type NewNotification, toNotification } from "./schemas.js";

async function findNotification(db: Database, where: SQL | undefined, what: string): Promise<NotificationRow> {
  const [row] = await db.select().from(notifications).where(where);
  if (!row) throw notFound(what);
  return row;
}

const byId = (id: number) => eq(notifications.id, id);

const sameNotification = (stored: NotificationRow, body: NewNotification) =>
  stored.recipient === body.recipient &&
  stored.type === body.type &&
  stored.channel === body.channel &&
  stored.message === body.message;

/** A day filter covers the whole day; an instant is used as given. */
const startOf = (v: string) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v);

export function registerNotificationRoutes(app: ServiceApp, db: Database): void {
  app.openapi(createNotification, async (c) => {
    const body = c.req.valid("json");
    // A dedupe key belongs to the API key that sent it: another client's `target:…` is another key.
    const dedupeOwner = body.dedupeKey ? c.get("caller") : null;
    try {
      const [result] = await db
        .insert(notifications)
        .values({ ...body, dedupeOwner, nextAttemptAt: sql`CURRENT_TIMESTAMP(3)`, ...traceValues(requestTrace(c)) });
      return c.json(toNotification(await findNotification(db, byId(result.insertId), "notification")), 201);
    } catch (err) {
      if (!body.dedupeKey || !dedupeOwner || !isDuplicateKey(err)) throw err;
      // Sent before (a retry, or another colour's relay): the stored one is the answer, if it is the same.
      const stored = await findNotification(
        db,
        and(eq(notifications.dedupeOwner, dedupeOwner), eq(notifications.dedupeKey, body.dedupeKey)),
        `notification ${body.dedupeKey}`,
      );
      if (!sameNotification(stored, body))
        throw conflict(`notification ${body.dedupeKey} was already sent with different details`);
      return c.json(toNotification(stored), 200);
    }
  });

  app.openapi(listNotifications, async (c) => {
    const q = c.req.valid("query");
    const toDay = q.to?.length === 10;
    const filters: Array<SQL | undefined> = [
      q.recipient ? eq(notifications.recipient, q.recipient) : undefined,
      q.status ? eq(notifications.status, q.status) : undefined,
      q.type ? eq(notifications.type, q.type) : undefined,
      q.from ? gte(notifications.createdAt, startOf(q.from)) : undefined,
      q.to && toDay ? lt(notifications.createdAt, new Date(startOf(q.to).getTime() + 86_400_000)) : undefined,
      q.to && !toDay ? lte(notifications.createdAt, startOf(q.to)) : undefined,
    ];
    const result = await keysetPage(db, notifications, notifications.id, (r) => r.id, filters, q);
    return c.json({ items: result.items.map(toNotification), nextCursor: result.nextCursor }, 200);
  });

  app.openapi(getNotification, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(toNotification(await findNotification(db, byId(id), `notification ${id}`)), 200);
  });

  app.openapi(updateNotification, async (c) => {
    const { id } = c.req.valid("param");
    const { status } = c.req.valid("json");
    await findNotification(db, byId(id), `notification ${id}`);
    const changes =
      status === "PENDING"
        ? { status, nextAttemptAt: sql`CURRENT_TIMESTAMP(3)`, sentAt: null }
        : status === "SENT"
          ? { status, sentAt: sql`CURRENT_TIMESTAMP(3)`, nextAttemptAt: null }
          : { status, nextAttemptAt: null };
    // Clearing the lease makes a delivery in progress unable to record its own outcome over this one.
    await db
      .update(notifications)
      .set({ ...changes, leaseToken: null })
      .where(byId(id));
    return c.json(toNotification(await findNotification(db, byId(id), `notification ${id}`)), 200);
  });

  app.openapi(deleteNotification, async (c) => {
    const { id } = c.req.valid("param");
    const [result] = await db.delete(notifications).where(byId(id));
    if (result.affectedRows === 0) throw notFound(`notification ${id}`);
    return c.body(null, 204);
  });
}
