// The outbox relay: hands raised alerts to the notification service, with retries and backoff.
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { startLeaseWorker } from "../../db/lease-worker.js";
import type { Logger } from "../../runtime/logger.js";
import type { Worker } from "../../runtime/poller.js";
import { backoffMs, type RetryPolicy } from "../../runtime/retry.js";
import { childSpan, storedTrace, traceFields, traceHeaders } from "../../runtime/trace.js";
import { rows } from "../db.js";
import { dedupeKey } from "./compose.js";

export interface RelayConfig extends RetryPolicy {
  notificationUrl: string;
  apiKey: string;
  channel: "log" | "webhook" | "email";
  pollMs: number;
}

interface AlertRow {
  id: number;
  target_id: number;
  period_start: string;
  milestone: number;
  recipient: string;
  type: string;
  message: string;
  attempts: number;
  request_id: string | null;
  traceparent: string | null;
}

/** Long enough for one delivery to finish; a relay that dies mid-delivery frees its rows after it. */
const leaseMs = 30_000;
const requestTimeoutMs = 10_000;
const batchSize = 20;

/** Answers that retrying cannot fix: the alert is marked FAILED (and logged) instead. */
const permanent = new Set([400, 413, 415, 422]);

export function startAlertRelay(db: Database, logger: Logger, config: RelayConfig): Worker {
  const endpoint = `${config.notificationUrl.replace(/\/$/, "")}/notifications`;

  async function deliver(alert: AlertRow, token: string): Promise<void> {
    const attempts = alert.attempts + 1;
    const owned = sql`id = ${alert.id} AND lease_token = ${token}`;
    // This attempt is a span of the trace of the request whose sale raised the alert.
    const trace = storedTrace({ requestId: alert.request_id, traceparent: alert.traceparent });
    const span = trace && childSpan(trace);
    const log = span ? logger.child(traceFields(span)) : logger;
    let failure: string;
    try {
      const res = await fetch(endpoint, {
        method: "POST",
        headers: {
          authorization: `Bearer ${config.apiKey}`,
          "content-type": "application/json",
          // The notification service takes these as its request's id and trace parent.
          ...traceHeaders(span),
        },
        body: JSON.stringify({
          recipient: alert.recipient,
          type: alert.type,
          channel: config.channel,
          message: alert.message,
          dedupeKey: dedupeKey({
            targetId: alert.target_id,
            periodStart: alert.period_start,
            milestone: alert.milestone,
          }),
        }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: number; detail?: string };
      if (res.status === 200 || res.status === 201) {
        await db.execute(sql`
          UPDATE target_alerts SET status = 'DELIVERED', notification_id = ${body.id ?? null}, delivered_at = NOW(3),
            attempts = ${attempts}, last_error = NULL, lease_token = NULL WHERE ${owned}`);
        log.info({ alertId: alert.id, notificationId: body.id, attempts }, "alert delivered");
        return;
      }
      failure = `notification service answered ${res.status}${body.detail ? `: ${body.detail}` : ""}`;
      if (permanent.has(res.status)) {
        await db.execute(sql`
          UPDATE target_alerts SET status = 'FAILED', attempts = ${attempts}, last_error = ${failure}, lease_token = NULL WHERE ${owned}`);
        log.error({ alertId: alert.id, error: failure }, "alert refused by the notification service");
        return;
      }
    } catch (err) {
      failure = `notification service unreachable: ${(err as Error).message}`;
    }
    const waitMs = backoffMs(attempts, config);
    await db.execute(sql`
      UPDATE target_alerts SET attempts = ${attempts}, last_error = ${failure},
        next_attempt_at = NOW(3) + INTERVAL ${waitMs * 1000} MICROSECOND, lease_token = NULL WHERE ${owned}`);
    log.warn({ alertId: alert.id, attempts, retryInMs: waitMs, error: failure }, "alert delivery failed; will retry");
  }

  return startLeaseWorker({
    name: "alert relay",
    logger,
    db,
    table: "target_alerts",
    intervalMs: config.pollMs,
    batchSize,
    leaseMs,
    load: (token) =>
      rows<AlertRow>(
        db,
        sql`SELECT id, target_id, period_start, milestone, recipient, type, message, attempts, request_id, traceparent FROM target_alerts WHERE lease_token = ${token}`,
      ),
    deliver,
  });
}
