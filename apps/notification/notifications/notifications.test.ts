import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../../test/databases.js";
import { type SmtpSink, smtpSink, type WebhookSink, webhookSink } from "../../../test/notification/sinks.js";
import { eventually } from "../../../test/sales/harness.js";
import { client, startTestService } from "../../../test/services.js";
import { seedAgentData } from "../../db/seed.js";
import type { StartedService } from "../../http/service.js";
import { notificationService } from "../service.js";

const fast = { NOTIFY_POLL_MS: "30", NOTIFY_RETRY_BASE_MS: "30", NOTIFY_RETRY_MAX_MS: "100" };

let db: TestDatabase;
let service: StartedService;
let hook: WebhookSink;
let smtp: SmtpSink;
let admin: ReturnType<typeof client>;
let integration: ReturnType<typeof client>;
let viewer: ReturnType<typeof client>;

beforeAll(async () => {
  db = await freshDatabase();
  await seedAgentData(db.handle);
  hook = await webhookSink(2);
  smtp = await smtpSink();
  service = await startTestService(notificationService, db.url, {
    ...fast,
    NOTIFY_WEBHOOK_URL: hook.url,
    SMTP_URL: smtp.url,
    SMTP_CA_CERT: smtp.caCert,
    NOTIFY_EMAIL_TO: "managers@moon.example",
  });
  admin = client(service.url, "admin");
  integration = client(service.url, "integration");
  viewer = client(service.url, "viewer");
});
afterAll(async () => {
  await service?.shutdown("done");
  await Promise.all([hook?.close(), smtp?.close(), db?.drop()]);
});

const settled = (id: number) =>
  eventually(async () => {
    const n = await (await viewer.call("GET", `/notifications/${id}`)).json();
    return n.status === "PENDING" ? undefined : n;
  });

describe("POST /notifications", () => {
  test("queues, answers the stored one for a repeated dedupeKey, and refuses the key with other details", async () => {
    const body = {
      recipient: "AGT005",
      type: "MILESTONE",
      message: "Nimal has reached 150k sales milestone!",
      dedupeKey: "demo:1",
    };
    const first = await integration.call("POST", "/notifications", body);
    expect(first.status).toBe(201);
    const created = await first.json();
    expect(created).toMatchObject({ ...body, channel: "log", status: "PENDING", attempts: 0, sentAt: null });
    const again = await integration.call("POST", "/notifications", body);
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(created.id);
    const other = await integration.call("POST", "/notifications", { ...body, message: "something else" });
    expect(other.status).toBe(409);
    expect(other.headers.get("content-type")).toBe("application/problem+json");
    // Keys are exact: another spelling is another key.
    expect((await integration.call("POST", "/notifications", { ...body, dedupeKey: "DEMO:1" })).status).toBe(201);
    const [rows] = await db.handle.pool.query("SELECT COUNT(*) AS n FROM notifications WHERE dedupe_key = 'demo:1'");
    expect((rows as Array<{ n: number }>)[0]!.n).toBe(1);
  });

  test("50 concurrent posts with one dedupeKey store one notification", async () => {
    const body = { recipient: "team:Alpha", type: "CUSTOM", message: "Hello", dedupeKey: "race:1" };
    const statuses = await Promise.all(
      Array.from({ length: 50 }, () => integration.call("POST", "/notifications", body).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
  });

  test.each([
    [{ type: "CUSTOM", message: "x" }, "recipient"],
    [{ recipient: "", type: "CUSTOM", message: "x" }, "recipient"],
    [{ recipient: "AGT004", type: "SHOUT", message: "x" }, "type"],
    [{ recipient: "AGT004", type: "CUSTOM", message: "" }, "message"],
    [{ recipient: "AGT004", type: "CUSTOM", message: "x", channel: "pigeon" }, "channel"],
    [{ recipient: "AGT004", type: "CUSTOM", message: "x", dedupeKey: "k".repeat(192) }, "dedupeKey"],
    [{ recipient: "AGT004", type: "CUSTOM", message: "x", status: "SENT" }, "(root)"],
  ])("400 for %o naming %s", async (body, field) => {
    const res = await integration.call("POST", "/notifications", body);
    expect(res.status).toBe(400);
    expect((await res.json()).errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test("malformed JSON 400, wrong content type 415", async () => {
    expect((await integration.call("POST", "/notifications", "{")).status).toBe(400);
    expect((await integration.call("POST", "/notifications", "{}", { "content-type": "text/plain" })).status).toBe(415);
  });
});

describe("delivery", () => {
  test("log: sent at once", async () => {
    const n = await (
      await integration.call("POST", "/notifications", {
        recipient: "AGT004",
        type: "REMINDER",
        message: "Reminder: Vehicle sales target due this week.",
      })
    ).json();
    expect(await settled(n.id)).toMatchObject({
      status: "SENT",
      attempts: 1,
      lastError: null,
      sentAt: expect.any(String),
    });
  });

  test("webhook: retried with backoff through two failures, then sent once", async () => {
    const n = await (
      await integration.call("POST", "/notifications", {
        recipient: "AGT006",
        type: "TARGET_ACHIEVED",
        channel: "webhook",
        message: "Ruwan's monthly health insurance target achieved",
      })
    ).json();
    expect(await settled(n.id)).toMatchObject({ status: "SENT", attempts: 3, lastError: null });
    expect(hook.received.map((r) => r.answered)).toEqual([500, 500, 204]);
    expect(new Set(hook.received.map((r) => r.idempotencyKey))).toEqual(new Set([`notification-${n.id}`]));
    expect(hook.received[2]!.body).toMatchObject({ id: n.id, recipient: "AGT006", type: "TARGET_ACHIEVED" });
  });

  test("email: agents at their own address, others at NOTIFY_EMAIL_TO", async () => {
    const a = await (
      await integration.call("POST", "/notifications", {
        recipient: "AGT004",
        type: "MILESTONE",
        channel: "email",
        message: "Half way there",
      })
    ).json();
    const b = await (
      await integration.call("POST", "/notifications", {
        recipient: "branch:Kandy",
        type: "CUSTOM",
        channel: "email",
        message: "Kandy update",
      })
    ).json();
    expect(await settled(a.id)).toMatchObject({ status: "SENT" });
    expect(await settled(b.id)).toMatchObject({ status: "SENT" });
    const to = smtp.messages.map((m) => m.to.join(","));
    expect(to).toEqual(expect.arrayContaining(["<anura.j@moon.lk>", "<managers@moon.example>"]));
    expect(smtp.messages.find((m) => m.data.includes("Half way there"))).toBeTruthy();
    // The relay takes mail only after STARTTLS (its certificate verified) and a login.
    for (const m of smtp.messages) expect(m).toMatchObject({ secure: true, user: "moon-relay" });
  });

  test("email to a relay that refuses the login or whose certificate is not trusted is retried, then FAILED", async () => {
    const other = await freshDatabase();
    await seedAgentData(other.handle);
    const relay = await smtpSink();
    const wrongLogin = new URL(relay.url);
    wrongLogin.password = "not-the-password";
    const cases: Array<{ env: Record<string, string>; error: RegExp }> = [
      {
        env: { SMTP_URL: wrongLogin.toString(), SMTP_CA_CERT: relay.caCert },
        error: /Invalid login|invalid username/i,
      },
      { env: { SMTP_URL: relay.url }, error: /self[- ]signed certificate/i },
    ];
    try {
      for (const { env, error } of cases) {
        const svc = await startTestService(notificationService, other.url, {
          ...fast,
          NOTIFY_MAX_ATTEMPTS: "2",
          ...env,
        });
        try {
          const c = client(svc.url, "integration");
          const n = await (
            await c.call("POST", "/notifications", {
              recipient: "AGT004",
              type: "CUSTOM",
              channel: "email",
              message: "x",
            })
          ).json();
          const settledHere = await eventually(async () => {
            const row = await (await c.call("GET", `/notifications/${n.id}`)).json();
            return row.status === "PENDING" ? undefined : row;
          });
          expect(settledHere).toMatchObject({ status: "FAILED", attempts: 2 });
          expect(settledHere.lastError).toMatch(error);
        } finally {
          await svc.shutdown("done");
        }
      }
      expect(relay.messages).toHaveLength(0);
    } finally {
      await relay.close();
      await other.drop();
    }
  });

  test("unconfigured channels fail clearly; a failing webhook fails after the last attempt", async () => {
    const other = await freshDatabase();
    const failing = await webhookSink(1000);
    const bare = await startTestService(notificationService, other.url, {
      ...fast,
      NOTIFY_MAX_ATTEMPTS: "3",
      NOTIFY_WEBHOOK_URL: failing.url,
    });
    try {
      const c = client(bare.url, "integration");
      const email = await (
        await c.call("POST", "/notifications", { recipient: "AGT004", type: "CUSTOM", channel: "email", message: "x" })
      ).json();
      const hooked = await (
        await c.call("POST", "/notifications", {
          recipient: "AGT004",
          type: "CUSTOM",
          channel: "webhook",
          message: "x",
        })
      ).json();
      const get = (id: number) =>
        eventually(async () => {
          const n = await (await c.call("GET", `/notifications/${id}`)).json();
          return n.status === "PENDING" ? undefined : n;
        });
      expect(await get(email.id)).toMatchObject({
        status: "FAILED",
        attempts: 1,
        lastError: "the email channel is not configured: set SMTP_URL",
      });
      expect(await get(hooked.id)).toMatchObject({ status: "FAILED", attempts: 3, lastError: "webhook answered 500" });
      expect(failing.received).toHaveLength(3);
    } finally {
      await bare.shutdown("done");
      await failing.close();
      await other.drop();
    }
  });
});

describe("queries and changes", () => {
  const ids: number[] = [];
  beforeAll(async () => {
    await db.handle.pool.query("DELETE FROM notifications");
    const rows = [
      ["AGT004", "MILESTONE", "SENT", "2024-03-01 10:00:00"],
      ["AGT004", "TARGET_ACHIEVED", "PENDING", "2024-03-02 10:00:00"],
      ["AGT005", "MILESTONE", "FAILED", "2024-03-02 23:59:59"],
      ["team:Beta", "REMINDER", "SENT", "2024-03-03 00:00:00"],
      ["AGT004", "CUSTOM", "FAILED", "2024-04-01 08:00:00"],
    ];
    // Far-future attempts keep the delivery worker off these rows.
    for (const [recipient, type, status, at] of rows) {
      const [r] = await db.handle.pool.query(
        "INSERT INTO notifications (recipient, type, status, message, created_at, next_attempt_at) VALUES (?, ?, ?, 'm', ?, '2037-01-01')",
        [recipient, type, status, at],
      );
      ids.push((r as { insertId: number }).insertId);
    }
  });

  const found = async (query: string) =>
    ((await (await viewer.call("GET", `/notifications?${query}`)).json()).items as Array<{ id: number }>).map((n) =>
      ids.indexOf(n.id),
    );

  test.each([
    ["recipient=AGT004", [0, 1, 4]],
    ["status=SENT", [0, 3]],
    ["type=MILESTONE", [0, 2]],
    ["from=2024-03-02&to=2024-03-02", [1, 2]],
    ["from=2024-03-02T12:00:00Z", [2, 3, 4]],
    ["to=2024-03-03T00:00:00Z", [0, 1, 2, 3]],
    ["recipient=AGT004&status=FAILED", [4]],
    ["recipient=team:Beta&type=REMINDER", [3]],
  ])("GET /notifications?%s", async (query, expected) => {
    expect(await found(query)).toEqual(expected);
  });

  test("pages", async () => {
    const first = await (await viewer.call("GET", "/notifications?limit=2")).json();
    const second = await (await viewer.call("GET", `/notifications?limit=2&cursor=${first.nextCursor}`)).json();
    const third = await (await viewer.call("GET", `/notifications?limit=2&cursor=${second.nextCursor}`)).json();
    expect([...first.items, ...second.items, ...third.items].map((n: { id: number }) => n.id)).toEqual(ids);
    expect(third.nextCursor).toBeNull();
  });

  test("bad filters are 400", async () => {
    for (const q of ["status=LOST", "type=x", "from=March", "to=2024-03-02T10:00", "cursor=zzz", "limit=-1"]) {
      expect((await viewer.call("GET", `/notifications?${q}`)).status).toBe(400);
    }
  });

  test("PATCH status and DELETE", async () => {
    const res = await integration.call("PATCH", `/notifications/${ids[2]}`, { status: "SENT" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "SENT", sentAt: expect.any(String) });
    expect((await integration.call("PATCH", `/notifications/${ids[2]}`, { status: "LOST" })).status).toBe(400);
    expect((await integration.call("PATCH", "/notifications/999999", { status: "SENT" })).status).toBe(404);
    expect((await integration.call("DELETE", `/notifications/${ids[2]}`)).status).toBe(403);
    expect((await admin.call("DELETE", `/notifications/${ids[2]}`)).status).toBe(204);
    expect((await viewer.call("GET", `/notifications/${ids[2]}`)).status).toBe(404);
  });

  test("PATCH to PENDING sends a failed one again", async () => {
    await integration.call("PATCH", `/notifications/${ids[4]}`, { status: "PENDING" });
    expect(await settled(ids[4]!)).toMatchObject({ status: "SENT" });
  });

  test("auth matrix", async () => {
    const body = { recipient: "AGT004", type: "CUSTOM", message: "x" };
    expect((await client(service.url, null).call("GET", "/notifications")).status).toBe(401);
    expect((await client(service.url, "viewer").call("POST", "/notifications", body)).status).toBe(403);
    expect(
      (await client(service.url, "viewer").call("PATCH", `/notifications/${ids[0]}`, { status: "SENT" })).status,
    ).toBe(403);
    expect((await client(service.url, "viewer").call("DELETE", `/notifications/${ids[0]}`)).status).toBe(403);
    expect((await client(service.url, "integration").call("GET", "/notifications")).status).toBe(200);
    expect((await client(service.url, "admin").call("POST", "/notifications", body)).status).toBe(201);
  });
});
