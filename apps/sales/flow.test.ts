// The whole flow across real processes: agent, sales and notification services on one database.
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { type WebhookSink, webhookSink } from "../../test/notification/sinks.js";
import { eventually } from "../../test/sales/harness.js";
import { freePort, type Program, startProgram } from "../../test/sales/processes.js";
import { client, testApiKeys, testKeys } from "../../test/services.js";

let db: TestDatabase;
let hook: WebhookSink;
let agent: Program;
let sales: Program;
let notification: Program;
let notificationPort: string;

const common = () => ({ DATABASE_URL: db.url, API_KEYS: testApiKeys });
const startNotification = () =>
  startProgram("notification", {
    ...common(),
    PORT: notificationPort,
    NOTIFY_WEBHOOK_URL: hook.url,
    NOTIFY_POLL_MS: "50",
    NOTIFY_RETRY_BASE_MS: "100",
    NOTIFY_RETRY_MAX_MS: "400",
  });
const startSalesProgram = () =>
  startProgram("sales", {
    ...common(),
    NOTIFICATION_URL: `http://127.0.0.1:${notificationPort}`,
    NOTIFICATION_API_KEY: testKeys.integration,
    ALERT_CHANNEL: "webhook",
    ALERT_POLL_MS: "50",
    ALERT_RETRY_BASE_MS: "100",
    ALERT_RETRY_MAX_MS: "400",
  });

beforeAll(async () => {
  db = await freshDatabase();
  hook = await webhookSink(2);
  notificationPort = String(await freePort());
  [agent, notification, sales] = await Promise.all([
    startProgram("agent", common()),
    startNotification(),
    startSalesProgram(),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([agent?.stop(), sales?.stop(), notification?.stop()]);
  await hook?.close();
  await db?.drop();
});

const alertRows = async (where: string) => {
  const [rows] = await db.handle.pool.query(`SELECT * FROM target_alerts WHERE ${where}`);
  return rows as Array<{
    status: string;
    notification_id: number | null;
    attempts: number;
    last_error: string | null;
    message: string;
  }>;
};
const delivered = () => hook.received.filter((r) => r.answered === 204);

test("agent → authorisation → target → sales → exactly one alert, through a webhook that fails twice", async () => {
  const agents = client(agent.url, "admin");
  expect(
    (
      await agents.call("POST", "/agents", {
        agentCode: "AGT100",
        firstName: "Nimal",
        lastName: "Perera",
        email: "nimal@moon.example",
        branch: "Kandy",
        team: "Beta",
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await agents.call("POST", "/products", {
        productCode: "VEH-FULL",
        type: "vehicle",
        name: "Vehicle Insurance – Full Cover",
        targetAmount: "90000.00",
      })
    ).status,
  ).toBe(201);
  expect((await agents.call("PUT", "/agents/AGT100/products/VEH-FULL")).status).toBe(201);

  const admin = client(sales.url, "admin");
  const core = client(sales.url, "integration");
  const target = await (
    await admin.call("POST", "/targets", { scope: "agent", key: "AGT100", period: "month", amount: "150000.00" })
  ).json();
  const today = new Date().toISOString().slice(0, 10);
  for (const [i, amount] of ["60000.00", "60000.00", "40000.00", "10000.00"].entries()) {
    const res = await core.call("POST", "/sales", {
      saleRef: `FLOW-${i}`,
      agentCode: "AGT100",
      productCode: "VEH-FULL",
      amount,
      saleDate: today,
    });
    expect(res.status).toBe(201);
  }
  // A retried push of a sale changes nothing.
  expect(
    (
      await core.call("POST", "/sales", {
        saleRef: "FLOW-2",
        agentCode: "AGT100",
        productCode: "VEH-FULL",
        amount: "40000.00",
        saleDate: today,
      })
    ).status,
  ).toBe(200);

  await eventually(async () => (delivered().length === 1 ? true : undefined), 30_000);
  expect(hook.received.map((r) => r.answered)).toEqual([500, 500, 204]);
  expect(delivered()[0]!.body).toMatchObject({
    recipient: "AGT100",
    type: "TARGET_ACHIEVED",
    message: expect.stringMatching(
      // The total as of when the alert was raised: the crossing sale, or more if later ones were folded with it.
      new RegExp(
        `^Nimal Perera \\(AGT100\\) achieved the monthly target for ${today.slice(0, 7)}: 1[67]0,000\\.00 of 150,000\\.00\\.$`,
      ),
    ),
  });

  const [alert] = await eventually(async () => {
    const rows = await alertRows(`target_id = ${target.id}`);
    return rows[0]?.status === "DELIVERED" ? rows : undefined;
  });
  expect(alert!.notification_id).toBeTruthy();
  const stored = await (
    await client(notification.url, "viewer").call("GET", `/notifications/${alert!.notification_id}`)
  ).json();
  expect(stored).toMatchObject({
    status: "SENT",
    attempts: 3,
    channel: "webhook",
    dedupeKey: expect.stringMatching(/^target:/),
  });
  expect(await (await client(sales.url, "viewer").call("GET", `/targets/${target.id}/progress`)).json()).toMatchObject({
    achieved: "170000.00",
    milestonesReached: [100],
  });

  await new Promise((r) => setTimeout(r, 1000));
  expect(delivered()).toHaveLength(1);
}, 90_000);

test("with the notification service down, sales are accepted and the alert arrives once it is back", async () => {
  expect(await notification.stop()).toBe(0);
  const core = client(sales.url, "integration");
  const target = await (
    await client(sales.url, "admin").call("POST", "/targets", {
      scope: "branch",
      key: "Kandy",
      period: "year",
      amount: "1000.00",
      milestones: [50],
    })
  ).json();
  const res = await core.call("POST", "/sales", {
    saleRef: "DOWN-1",
    agentCode: "AGT100",
    productCode: "VEH-FULL",
    amount: "600.00",
    saleDate: "2030-01-10",
  });
  expect(res.status).toBe(201);

  const [waiting] = await eventually(async () => {
    const rows = await alertRows(`target_id = ${target.id}`);
    return rows[0] && rows[0].attempts >= 2 ? rows : undefined;
  });
  expect(waiting).toMatchObject({ status: "PENDING", last_error: expect.stringContaining("unreachable") });

  const before = delivered().length;
  notification = await startNotification();
  await eventually(async () => (delivered().length === before + 1 ? true : undefined), 30_000);
  expect(delivered().at(-1)!.body).toMatchObject({ recipient: "branch:Kandy", type: "MILESTONE" });
  const [rows] = await db.handle.pool.query(
    `SELECT COUNT(*) AS n FROM notifications WHERE dedupe_key LIKE 'target:${target.id}:%'`,
  );
  expect((rows as Array<{ n: number }>)[0]!.n).toBe(1);
  await new Promise((r) => setTimeout(r, 1000));
  expect(delivered()).toHaveLength(before + 1);
}, 90_000);

test("SIGTERM mid-load loses no acknowledged sale, and a restarted service carries on", async () => {
  const core = client(sales.url, "integration");
  const acknowledged: string[] = [];
  let next = 0;
  const pushing = Array.from({ length: 20 }, async () => {
    while (next < 2000) {
      const saleRef = `TERM-${next++}`;
      try {
        const res = await core.call("POST", "/sales", {
          saleRef,
          agentCode: "AGT100",
          productCode: "VEH-FULL",
          amount: "1.00",
          saleDate: "2030-02-01",
        });
        if (res.status === 201) acknowledged.push(saleRef);
      } catch {
        return; // the server has stopped accepting
      }
    }
  });
  await eventually(async () => (acknowledged.length >= 100 ? true : undefined));
  const exitCode = await sales.stop("SIGTERM");
  await Promise.all(pushing);
  expect(exitCode).toBe(0);
  expect(sales.output()).toContain("stopped");

  const [rows] = await db.handle.pool.query("SELECT sale_ref FROM sales WHERE sale_ref LIKE 'TERM-%'");
  const stored = new Set((rows as Array<{ sale_ref: string }>).map((r) => r.sale_ref));
  expect(acknowledged.filter((r) => !stored.has(r))).toEqual([]);
  const [changes] = await db.handle.pool.query(
    "SELECT COUNT(*) AS n FROM sale_changes c JOIN sales s ON s.id = c.sale_id WHERE s.sale_ref LIKE 'TERM-%'",
  );
  expect((changes as Array<{ n: number }>)[0]!.n).toBe(stored.size);

  sales = await startSalesProgram();
  const res = await client(sales.url, "integration").call("POST", "/sales", {
    saleRef: "TERM-0",
    agentCode: "AGT100",
    productCode: "VEH-FULL",
    amount: "1.00",
    saleDate: "2030-02-01",
  });
  expect(res.status).toBe(200);
}, 90_000);
