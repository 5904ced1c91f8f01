// A sales service on a fresh database holding the demo agents and products.

import { seedAgentData } from "../../apps/db/seed.js";
import type { StartedService } from "../../apps/http/service.js";
import { notificationService } from "../../apps/notification/service.js";
import { salesService } from "../../apps/sales/service.js";
import { freshDatabase, type TestDatabase } from "../databases.js";
import { type Client, client, startTestService } from "../services.js";

export interface SalesHarness {
  db: TestDatabase;
  service: StartedService;
  admin: Client;
  integration: Client;
  viewer: Client;
  stop(): Promise<void>;
}

/** Nothing listens on this port: alerts stay in the outbox unless a test points the relay elsewhere. */
export const nowhere = "http://127.0.0.1:9";

/** `env` may depend on the database, e.g. to start a notification service on it first. */
export async function startSales(
  env: Record<string, string> | ((db: TestDatabase) => Promise<Record<string, string>>) = {},
): Promise<SalesHarness> {
  const db = await freshDatabase();
  await seedAgentData(db.handle);
  const extra = typeof env === "function" ? await env(db) : env;
  const service = await startTestService(salesService, db.url, {
    NOTIFICATION_URL: nowhere,
    NOTIFICATION_API_KEY: "test-integration-key-0123456789",
    ALERT_POLL_MS: "50",
    ALERT_RETRY_BASE_MS: "50",
    ALERT_RETRY_MAX_MS: "200",
    DB_POOL_SIZE: "20",
    ...extra,
  });
  return {
    db,
    service,
    admin: client(service.url, "admin"),
    integration: client(service.url, "integration"),
    viewer: client(service.url, "viewer"),
    async stop() {
      await service.shutdown("test done");
      await db.drop();
    },
  };
}

/** Sales whose alerts go to a real notification service on the same database. */
export async function startSalesWithNotification(): Promise<SalesHarness & { notification: StartedService }> {
  let notification: StartedService | undefined;
  const sales = await startSales(async (db) => {
    notification = await startTestService(notificationService, db.url, { NOTIFY_POLL_MS: "50" });
    return { NOTIFICATION_URL: notification.url };
  });
  const started = notification!;
  return {
    ...sales,
    notification: started,
    async stop() {
      await started.shutdown("test done");
      await sales.stop();
    },
  };
}

let counter = 0;
/** A valid sale for AGT004 (authorised for LIFE-PLAT), with a fresh saleRef. */
export const sale = (over: Record<string, unknown> = {}) => ({
  saleRef: `T-${process.pid}-${++counter}`,
  agentCode: "AGT004",
  productCode: "LIFE-PLAT",
  amount: "1000.00",
  saleDate: "2024-03-01",
  ...over,
});

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Row count of a table, optionally filtered by a raw WHERE clause. */
export async function count(h: SalesHarness, table: string, where = "1=1"): Promise<number> {
  const [rows] = await h.db.handle.pool.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`);
  return Number((rows as Array<{ n: number }>)[0]!.n);
}
