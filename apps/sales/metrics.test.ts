// Business and resource metrics, scraped from real sales and notification services on a real database.
import mysql from "mysql2/promise";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { type Scrape, scrape } from "../../test/metrics.js";
import { type WebhookSink, webhookSink } from "../../test/notification/sinks.js";
import { eventually, sale } from "../../test/sales/harness.js";
import { freePort } from "../../test/sales/processes.js";
import { type Client, client, startTestService, testKeys } from "../../test/services.js";
import { startTcpProxy, type TcpProxy, viaProxy } from "../../test/tcp-proxy.js";
import { seedAgentData } from "../db/seed.js";
import type { StartedService } from "../http/service.js";
import { notificationService } from "../notification/service.js";
import { salesService } from "./service.js";

let db: TestDatabase;
let proxy: TcpProxy;
let hook: WebhookSink;
let sales: StartedService;
let notification: StartedService | undefined;
let notificationPort: number;
let admin: Client;
let core: Client;

beforeAll(async () => {
  db = await freshDatabase();
  await seedAgentData(db.handle);
  const u = new URL(db.url);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 3306));
  hook = await webhookSink(1);
  // The notification service starts later: until then the relay cannot hand alerts over.
  notificationPort = await freePort();
  sales = await startTestService(salesService, viaProxy(db.url, proxy), {
    NOTIFICATION_URL: `http://127.0.0.1:${notificationPort}`,
    NOTIFICATION_API_KEY: testKeys.integration,
    ALERT_CHANNEL: "webhook",
    ALERT_POLL_MS: "50",
    ALERT_RETRY_BASE_MS: "50",
    ALERT_RETRY_MAX_MS: "200",
    DB_POOL_SIZE: "7",
  });
  admin = client(sales.url, "admin");
  core = client(sales.url, "integration");
});

afterAll(async () => {
  proxy?.restore();
  await sales?.shutdown("done");
  await notification?.shutdown("done");
  await Promise.all([hook?.close(), proxy?.close()]);
  await db?.drop();
});

/** Polls the service's /metrics until `check` holds. */
const scrapeUntil = (url: string, check: (m: Scrape) => boolean) =>
  eventually(async () => {
    const m = await scrape(url);
    return check(m) ? m : undefined;
  });

test("build info, database up and the pool's size come with service, colour and version", async () => {
  const m = await scrape(sales.url);
  const identity = { service: "sales", colour: "blue", version: "test" };
  expect(m.value("moon_build_info", { ...identity, node_version: process.version })).toBe(1);
  expect(m.value("moon_database_up", identity)).toBe(1);
  expect(m.value("moon_db_pool_size", identity)).toBe(7);
  expect(m.value("moon_db_pool_waiters")).toBe(0);
  expect(m.value("moon_db_pool_connections", { state: "in_use" })).toBeGreaterThanOrEqual(0);
  expect(m.value("moon_db_pool_connections", { state: "idle" })).toBeGreaterThanOrEqual(0);
});

test("sales recorded by path and refused by reason; batch sizes", async () => {
  const before = await scrape(sales.url);
  const first = sale();
  expect((await core.call("POST", "/sales", first)).status).toBe(201);
  expect((await core.call("POST", "/sales", first)).status).toBe(200);
  expect((await core.call("POST", "/sales", { ...first, amount: "2.00" })).status).toBe(409);
  expect((await core.call("POST", "/sales", sale({ agentCode: "AGT999" }))).status).toBe(422);
  expect((await core.call("POST", "/sales", sale({ agentCode: "AGT012", productCode: "LIFE-BASIC" }))).status).toBe(
    422,
  );
  expect((await core.call("POST", "/sales", sale({ productCode: "NOPE" }))).status).toBe(422);
  expect((await core.call("POST", "/sales", sale({ productCode: "VEH-TP" }))).status).toBe(422);
  expect((await core.call("POST", "/sales", sale({ amount: "lots" }))).status).toBe(400);
  const batch = await core.call("POST", "/sales/batch", { sales: [sale(), sale(), sale({ amount: -1 })] });
  expect((await batch.json()).results.map((r: { status: number }) => r.status)).toEqual([201, 201, 400]);

  const after = await scrape(sales.url);
  const change = (name: string, labels: Record<string, string> = {}) =>
    after.value(name, labels)! - (before.value(name, labels) ?? 0);
  expect(change("moon_sales_recorded_total", { path: "single" })).toBe(1);
  expect(change("moon_sales_recorded_total", { path: "batch" })).toBe(2);
  for (const reason of ["conflict", "unknown_agent", "inactive_agent", "unknown_product", "not_authorised"])
    expect(change("moon_sales_refused_total", { reason }), reason).toBe(1);
  expect(change("moon_sales_refused_total", { reason: "validation" })).toBe(2);
  expect(change("moon_sales_batch_items_count")).toBe(1);
  expect(change("moon_sales_batch_items_sum")).toBe(3);
});

test("alerts raised wait in the outbox while the notification service is away, then are delivered", async () => {
  const target = await (
    await admin.call("POST", "/targets", {
      scope: "team",
      key: "Alpha",
      period: "month",
      amount: "500000.00",
      milestones: [50, 100],
    })
  ).json();
  expect((await core.call("POST", "/sales", sale({ amount: "500000.00" }))).status).toBe(201);

  const waiting = await scrapeUntil(
    sales.url,
    (m) =>
      m.value("moon_target_alerts_raised_total", { type: "TARGET_ACHIEVED" }) === 1 &&
      m.value("moon_target_outbox_oldest_age_seconds")! >= 1,
  );
  expect(waiting.value("moon_target_alerts_raised_total", { type: "MILESTONE" })).toBe(1);
  expect(waiting.value("moon_target_outbox_pending")).toBe(2);

  notification = await startTestService(notificationService, db.url, {
    PORT: String(notificationPort),
    NOTIFY_WEBHOOK_URL: hook.url,
    NOTIFY_POLL_MS: "50",
    NOTIFY_RETRY_BASE_MS: "50",
    NOTIFY_RETRY_MAX_MS: "200",
  });
  const drained = await scrapeUntil(sales.url, (m) => m.value("moon_target_outbox_pending") === 0);
  expect(drained.value("moon_target_outbox_oldest_age_seconds")).toBe(0);

  // The webhook refuses its first request: one retry, then both alerts go out.
  const n = await scrapeUntil(
    notification.url,
    (m) => m.value("moon_notification_deliveries_total", { channel: "webhook", outcome: "delivered" }) === 2,
  );
  expect(n.value("moon_notification_deliveries_total", { channel: "webhook", outcome: "retried" })).toBe(1);
  expect(n.value("moon_notification_deliveries_total", { channel: "webhook", outcome: "failed" })).toBe(0);
  expect(n.value("moon_notification_delivery_duration_seconds_count", { channel: "webhook" })).toBe(3);
  expect(n.value("moon_notifications_pending")).toBe(0);
  expect(hook.received.filter((r) => r.answered === 204).map((r) => r.body.dedupeKey)).toEqual(
    expect.arrayContaining([expect.stringMatching(`^target:${target.id}:`)]),
  );

  // No SMTP server configured: the email is given up at once.
  const email = await client(notification.url, "integration").call("POST", "/notifications", {
    recipient: "AGT004",
    type: "CUSTOM",
    channel: "email",
    message: "hello",
  });
  expect(email.status).toBe(201);
  await scrapeUntil(
    notification.url,
    (m) => m.value("moon_notification_deliveries_total", { channel: "email", outcome: "failed" }) === 1,
  );
});

test("evaluator lag grows while the evaluator is held up, and its connection shows as in use", async () => {
  const target = await (
    await admin.call("POST", "/targets", { scope: "agent", key: "AGT009", period: "year", amount: "100.00" })
  ).json();
  const blocker = await mysql.createConnection(db.url);
  try {
    // The evaluator reads each target it folds events for LOCK IN SHARE MODE: this holds it up.
    await blocker.query("BEGIN");
    await blocker.query("SELECT id FROM targets WHERE id = ? FOR UPDATE", [target.id]);
    expect((await core.call("POST", "/sales", sale({ agentCode: "AGT009", amount: "10.00" }))).status).toBe(201);
    const stuck = await scrapeUntil(sales.url, (m) => m.value("moon_target_evaluator_lag_seconds")! >= 1);
    expect(stuck.value("moon_db_pool_connections", { state: "in_use" })).toBeGreaterThanOrEqual(1);
  } finally {
    await blocker.query("ROLLBACK");
    await blocker.end();
  }
  await scrapeUntil(sales.url, (m) => m.value("moon_target_evaluator_lag_seconds") === 0);
});

test("with the database away /metrics still answers: database down, database gauges unknown", async () => {
  proxy.cut();
  try {
    const m = await scrape(sales.url);
    expect(m.value("moon_database_up")).toBe(0);
    expect(m.value("moon_target_outbox_pending")).toBeNaN();
    expect(m.value("moon_target_evaluator_lag_seconds")).toBeNaN();
    expect(m.value("moon_sales_recorded_total", { path: "single" })).toBe(3);
  } finally {
    proxy.restore();
  }
  await scrapeUntil(sales.url, (m) => m.value("moon_database_up") === 1 && m.value("moon_target_outbox_pending") === 0);
});
