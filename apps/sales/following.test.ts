// Following one request: a sale that raises an alert, through real sales and notification processes,
// found again by its request id in both processes' logs, the database rows and the webhook's headers.
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { type WebhookSink, webhookSink } from "../../test/notification/sinks.js";
import { eventually, sale } from "../../test/sales/harness.js";
import { freePort, type Program, startProgram } from "../../test/sales/processes.js";
import { client, testApiKeys, testKeys } from "../../test/services.js";
import { seedAgentData } from "../db/seed.js";
import { parseTraceparent } from "../runtime/trace.js";

let db: TestDatabase;
let hook: WebhookSink;
let sales: Program;
let notification: Program;

beforeAll(async () => {
  db = await freshDatabase();
  await seedAgentData(db.handle);
  // The webhook refuses its first request, so the path includes a retry.
  hook = await webhookSink(1);
  const notificationPort = String(await freePort());
  const common = { DATABASE_URL: db.url, API_KEYS: testApiKeys };
  [notification, sales] = await Promise.all([
    startProgram("notification", {
      ...common,
      PORT: notificationPort,
      NOTIFY_WEBHOOK_URL: hook.url,
      NOTIFY_POLL_MS: "50",
      NOTIFY_RETRY_BASE_MS: "100",
      NOTIFY_RETRY_MAX_MS: "400",
    }),
    startProgram("sales", {
      ...common,
      NOTIFICATION_URL: `http://127.0.0.1:${notificationPort}`,
      NOTIFICATION_API_KEY: testKeys.integration,
      ALERT_CHANNEL: "webhook",
      ALERT_POLL_MS: "50",
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([sales?.stop(), notification?.stop()]);
  await hook?.close();
  await db?.drop();
});

type LogLine = Record<string, unknown> & { msg: string };
const logLines = (p: Program): LogLine[] =>
  p
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);

const row = async (sql: string, params: unknown[]) => {
  const [rows] = await db.handle.pool.query(sql, params);
  return (rows as Array<Record<string, unknown>>)[0]!;
};

/** Records a sale that reaches a fresh monthly target of `agentCode`; returns the target id and the answer. */
async function saleRaisingAlert(agentCode: string, headers: Record<string, string>) {
  const target = await (
    await client(sales.url, "admin").call("POST", "/targets", {
      scope: "agent",
      key: agentCode,
      period: "month",
      amount: "1000.00",
    })
  ).json();
  const res = await client(sales.url, "integration").call(
    "POST",
    "/sales",
    sale({ agentCode, amount: "1000.00", saleDate: new Date().toISOString().slice(0, 10) }),
    headers,
  );
  expect(res.status).toBe(201);
  const delivered = await eventually(async () =>
    hook.received.find((r) => r.answered === 204 && String(r.body.dedupeKey).startsWith(`target:${target.id}:`)),
  );
  return { targetId: target.id as number, res, delivered };
}

test("a sale's request id and trace reach its alert, the notification, the webhook and every log line on the way", async () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const callerSpan = "00f067aa0ba902b7";
  const { targetId, res, delivered } = await saleRaisingAlert("AGT007", {
    "x-request-id": "follow-me-1",
    traceparent: `00-${traceId}-${callerSpan}-01`,
  });
  expect(res.headers.get("x-request-id")).toBe("follow-me-1");

  // The webhook receives the same request id, and a traceparent continuing the caller's trace.
  expect(delivered.headers["x-request-id"]).toBe("follow-me-1");
  const hop = parseTraceparent(delivered.headers.traceparent as string);
  expect(hop?.traceId).toBe(traceId);
  expect(hop?.parentId).not.toBe(callerSpan);
  expect(hop?.flags).toBe("01");

  // The rows on the way name the request.
  const alert = await row("SELECT id, request_id, traceparent FROM target_alerts WHERE target_id = ?", [targetId]);
  const stored = await row("SELECT id, request_id, traceparent FROM notifications WHERE dedupe_key LIKE ?", [
    `target:${targetId}:%`,
  ]);
  for (const r of [alert, stored]) {
    expect(r.request_id).toBe("follow-me-1");
    expect(parseTraceparent(r.traceparent as string)?.traceId).toBe(traceId);
  }

  // Both processes' logs: every line of the request's path, found by the request id, carries the trace id.
  const salesLines = await eventually(async () => {
    const lines = logLines(sales).filter((l) => l.requestId === "follow-me-1");
    return lines.some((l) => l.msg === "alert delivered") ? lines : undefined;
  });
  expect(salesLines.map((l) => l.msg)).toEqual(
    expect.arrayContaining(["request", "target alert raised", "alert delivered"]),
  );
  expect(salesLines.find((l) => l.msg === "request")).toMatchObject({ method: "POST", path: "/sales", status: 201 });
  const notificationLines = await eventually(async () => {
    const lines = logLines(notification).filter((l) => l.requestId === "follow-me-1");
    return lines.some((l) => l.msg === "notification delivered") ? lines : undefined;
  });
  expect(notificationLines.map((l) => l.msg)).toEqual(
    expect.arrayContaining(["request", "notification delivery failed; will retry", "notification delivered"]),
  );
  expect(notificationLines.find((l) => l.msg === "request")).toMatchObject({ path: "/notifications", status: 201 });
  for (const l of [...salesLines, ...notificationLines]) expect(l.traceId, l.msg).toBe(traceId);

  // Nothing on the path is logged without them.
  const aboutAlert = logLines(sales).filter((l) => l.alertId === alert.id);
  const aboutNotification = logLines(notification).filter((l) => l.notificationId === stored.id);
  expect(aboutAlert.length).toBeGreaterThan(0);
  expect(aboutNotification.length).toBeGreaterThanOrEqual(2);
  for (const l of [...aboutAlert, ...aboutNotification]) expect(l.requestId, l.msg).toBe("follow-me-1");
});

test("without a valid traceparent a trace is started, under the request id the service gave", async () => {
  const zeros = `00-${"0".repeat(32)}-00f067aa0ba902b7-01`;
  const { res, delivered } = await saleRaisingAlert("AGT009", { traceparent: zeros });
  const requestId = res.headers.get("x-request-id")!;
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

  expect(delivered.headers["x-request-id"]).toBe(requestId);
  const hop = parseTraceparent(delivered.headers.traceparent as string);
  expect(hop?.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(hop?.traceId).not.toBe("0".repeat(32));
  const request = logLines(sales).find((l) => l.requestId === requestId && l.msg === "request");
  expect(request?.traceId).toBe(hop?.traceId);
});
