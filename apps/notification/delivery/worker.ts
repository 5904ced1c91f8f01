// Delivers PENDING notifications: SENT on success; retried with backoff, then FAILED with the last error.
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { notifications } from "../../db/schema/index.js";
import type { Logger } from "../../http/logger.js";
import { backoffMs, startPoller, type RetryPolicy } from "../../http/poller.js";
import type { Worker } from "../../http/service.js";
import { PermanentFailure, type Channel, type NotificationRow, type Send } from "./channels.js";

export interface DeliveryConfig extends RetryPolicy {
  pollMs: number;
  maxAttempts: number;
}

/** Longer than any channel's timeout; a worker that dies mid-delivery frees its rows after it. */
const leaseMs = 60_000;
const batchSize = 20;

export function startDelivery(db: Database, logger: Logger, channels: Record<Channel, Send>, config: DeliveryConfig): Worker {
  async function deliver(n: NotificationRow, token: string): Promise<void> {
    const attempts = n.attempts + 1;
    const owned = sql`id = ${n.id} AND lease_token = ${token}`;
    try {
      await channels[n.channel](n);
      await db.execute(sql`
        UPDATE notifications SET status = 'SENT', sent_at = NOW(3), attempts = ${attempts}, last_error = NULL,
          next_attempt_at = NULL, lease_token = NULL, updated_at = NOW(3) WHERE ${owned}`);
    } catch (err) {
      const error = (err as Error).message;
      const final = err instanceof PermanentFailure || attempts >= config.maxAttempts;
      const waitMs = backoffMs(attempts, config);
      await db.execute(sql`
        UPDATE notifications SET attempts = ${attempts}, last_error = ${error}, lease_token = NULL, updated_at = NOW(3),
          ${final ? sql`status = 'FAILED', next_attempt_at = NULL` : sql`next_attempt_at = NOW(3) + INTERVAL ${waitMs * 1000} MICROSECOND`}
        WHERE ${owned}`);
      logger.warn({ notificationId: n.id, channel: n.channel, attempts, error, ...(final ? {} : { retryInMs: waitMs }) }, final ? "notification failed" : "notification delivery failed; will retry");
    }
  }

  return startPoller({
    name: "notification delivery",
    logger,
    intervalMs: config.pollMs,
    batchSize,
    async round() {
      const token = randomUUID();
      const [claim] = await db.execute(sql`
        UPDATE notifications SET lease_token = ${token}, next_attempt_at = NOW(3) + INTERVAL ${leaseMs * 1000} MICROSECOND
        WHERE status = 'PENDING' AND next_attempt_at <= NOW(3) ORDER BY next_attempt_at, id LIMIT ${batchSize}`);
      if ((claim as unknown as { affectedRows: number }).affectedRows === 0) return 0;
      const claimed = await db.select().from(notifications).where(eq(notifications.leaseToken, token));
      await Promise.all(claimed.map((n) => deliver(n, token)));
      return claimed.length;
    },
  });
}
