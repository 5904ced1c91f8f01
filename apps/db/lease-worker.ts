// The claim-then-deliver loop shared by the alert relay and the notification delivery worker.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Logger } from "../runtime/logger.js";
import type { Worker } from "../runtime/poller.js";
import { startPoller } from "../runtime/poller.js";
import type { Database } from "./client.js";

export interface LeaseWorkerOptions<T> {
  name: string;
  logger: Logger;
  db: Database;
  /** A queue table with `status`, `next_attempt_at` and `lease_token` columns. */
  table: "notifications" | "target_alerts";
  intervalMs: number;
  batchSize: number;
  /** How long a claim holds: a worker that dies mid-delivery frees its rows after it. */
  leaseMs: number;
  /** Reads the rows this round claimed. */
  load: (token: string) => Promise<T[]>;
  /** Delivers one row and records the result, guarded by the token. */
  deliver: (item: T, token: string) => Promise<void>;
}

/**
 * Each round claims up to `batchSize` due PENDING rows under a fresh lease token (so several
 * replicas and both colours share the queue without taking the same row), then delivers them.
 */
export function startLeaseWorker<T>(o: LeaseWorkerOptions<T>): Worker {
  return startPoller({
    name: o.name,
    logger: o.logger,
    intervalMs: o.intervalMs,
    batchSize: o.batchSize,
    async round() {
      const token = randomUUID();
      const [claim] = await o.db.execute(sql`
        UPDATE ${sql.identifier(o.table)} SET lease_token = ${token}, next_attempt_at = NOW(3) + INTERVAL ${o.leaseMs * 1000} MICROSECOND
        WHERE status = 'PENDING' AND next_attempt_at <= NOW(3) ORDER BY next_attempt_at, id LIMIT ${o.batchSize}`);
      if ((claim as unknown as { affectedRows: number }).affectedRows === 0) return 0;
      const claimed = await o.load(token);
      await Promise.all(claimed.map((item) => o.deliver(item, token)));
      return claimed.length;
    },
  });
}
