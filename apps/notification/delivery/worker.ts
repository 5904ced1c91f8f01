// Delivers PENDING notifications: SENT on success; retried with backoff, then FAILED with the last error.
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { startLeaseWorker } from "../../db/lease-worker.js";
import { notifications } from "../../db/schema/index.js";
import type { Logger } from "../../runtime/logger.js";
import type { Worker } from "../../runtime/poller.js";
import { backoffMs, type RetryPolicy } from "../../runtime/retry.js";
import { childSpan, storedTrace, traceFields } from "../../runtime/trace.js";
import type { NotificationMetrics } from "../metrics.js";
import { type Channel, type NotificationRow, PermanentFailure, type Send } from "./channels.js";

export interface DeliveryConfig extends RetryPolicy {
  pollMs: number;
  maxAttempts: number;
}

/** Longer than any channel's timeout; a worker that dies mid-delivery frees its rows after it. */
const leaseMs = 60_000;
const batchSize = 20;

export function startDelivery(
  db: Database,
  logger: Logger,
  channels: Record<Channel, Send>,
  config: DeliveryConfig,
  metrics?: NotificationMetrics,
): Worker {
  async function deliver(n: NotificationRow, token: string): Promise<void> {
    const attempts = n.attempts + 1;
    const owned = sql`id = ${n.id} AND lease_token = ${token}`;
    // This attempt is a span of the trace of the request that created the notification.
    const trace = storedTrace(n);
    const span = trace && childSpan(trace);
    const log = span ? logger.child(traceFields(span)) : logger;
    const timer = metrics?.duration.startTimer({ channel: n.channel });
    try {
      await channels[n.channel](n, span).finally(() => timer?.());
      await db.execute(sql`
        UPDATE notifications SET status = 'SENT', sent_at = NOW(3), attempts = ${attempts}, last_error = NULL,
          next_attempt_at = NULL, lease_token = NULL, updated_at = NOW(3) WHERE ${owned}`);
      metrics?.deliveries.inc({ channel: n.channel, outcome: "delivered" });
      log.info({ notificationId: n.id, channel: n.channel, attempts }, "notification delivered");
    } catch (err) {
      const error = (err as Error).message;
      const final = err instanceof PermanentFailure || attempts >= config.maxAttempts;
      const waitMs = backoffMs(attempts, config);
      await db.execute(sql`
        UPDATE notifications SET attempts = ${attempts}, last_error = ${error}, lease_token = NULL, updated_at = NOW(3),
          ${final ? sql`status = 'FAILED', next_attempt_at = NULL` : sql`next_attempt_at = NOW(3) + INTERVAL ${waitMs * 1000} MICROSECOND`}
        WHERE ${owned}`);
      metrics?.deliveries.inc({ channel: n.channel, outcome: final ? "failed" : "retried" });
      log.warn(
        { notificationId: n.id, channel: n.channel, attempts, error, ...(final ? {} : { retryInMs: waitMs }) },
        final ? "notification failed" : "notification delivery failed; will retry",
      );
    }
  }

  return startLeaseWorker({
    name: "notification delivery",
    logger,
    db,
    table: "notifications",
    intervalMs: config.pollMs,
    batchSize,
    leaseMs,
    load: (token) => db.select().from(notifications).where(eq(notifications.leaseToken, token)),
    deliver,
  });
}
