// Another client cannot claim the relay's dedupe keys: keys are kept apart per API key.
import { afterAll, beforeAll, expect, test } from "vitest";
import { eventually, type SalesHarness, sale, startSales } from "../../../test/sales/harness.js";
import { startTestService, testApiKeys } from "../../../test/services.js";
import type { StartedService } from "../../http/service.js";
import { notificationService } from "../../notification/service.js";

/** A second integration key, as another core system (or an attacker holding one) would have. */
const otherKey = "other-integration-key-0123456789";

let h: SalesHarness;
let notification: StartedService;

beforeAll(async () => {
  h = await startSales(async (db) => {
    notification = await startTestService(notificationService, db.url, {
      API_KEYS: `${testApiKeys},integration:${otherKey}`,
      NOTIFY_POLL_MS: "50",
    });
    return { NOTIFICATION_URL: notification.url };
  });
});
afterAll(async () => {
  await notification?.shutdown("done");
  await h?.stop();
});

const asOther = (path: string, body?: unknown) =>
  fetch(`${notification.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${otherKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test("a dedupe key pre-claimed by another client neither suppresses nor hijacks the team's alert", async () => {
  const target = await (
    await h.admin.call("POST", "/targets", { scope: "team", key: "Alpha", period: "month", amount: "100.00" })
  ).json();
  const key = `target:${target.id}:2024-07-01:100`;
  const decoy = { recipient: "team:Alpha", type: "CUSTOM", message: "nothing to see", dedupeKey: key };
  const claimed = await asOther("/notifications", decoy);
  expect(claimed.status).toBe(201);
  const decoyId = ((await claimed.json()) as { id: number }).id;

  expect((await h.integration.call("POST", "/sales", sale({ amount: "100.00", saleDate: "2024-07-02" }))).status).toBe(
    201,
  );
  const delivered = await eventually(async () => {
    const [rows] = await h.db.handle.pool.query(
      `SELECT status, notification_id FROM target_alerts WHERE target_id = ${target.id}`,
    );
    const [alert] = rows as Array<{ status: string; notification_id: number }>;
    return alert?.status === "DELIVERED" ? alert : undefined;
  });
  expect(delivered.notification_id).not.toBe(decoyId);
  const real = (await (await asOther(`/notifications/${delivered.notification_id}`)).json()) as { message: string };
  expect(real).toMatchObject({ recipient: "team:Alpha", type: "TARGET_ACHIEVED", dedupeKey: key });
  expect(real.message).toContain("Team Alpha achieved the monthly target for 2024-07");
  // The decoy is untouched, and its sender still gets it back for its own key.
  expect((await asOther("/notifications", decoy)).status).toBe(200);
  expect((await asOther("/notifications", { ...decoy, message: "changed" })).status).toBe(409);
});
