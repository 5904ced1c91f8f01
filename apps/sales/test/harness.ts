// A sales service on a fresh database holding the demo agents and products.
import { seedAgentData } from "../../db/seed.js";
import type { StartedService } from "../../http/service.js";
import { freshDatabase, type TestDatabase } from "../../../test/databases.js";
import { client, startTestService, type Client } from "../../../test/services.js";
import { salesService } from "../service.js";

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

export async function startSales(env: Record<string, string> = {}): Promise<SalesHarness> {
  const db = await freshDatabase();
  await seedAgentData(db.handle);
  const service = await startTestService(salesService, db.url, {
    NOTIFICATION_URL: nowhere,
    NOTIFICATION_API_KEY: "test-integration-key-0123456789",
    ALERT_POLL_MS: "50",
    ALERT_RETRY_BASE_MS: "50",
    ALERT_RETRY_MAX_MS: "200",
    DB_POOL_SIZE: "20",
    ...env,
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
