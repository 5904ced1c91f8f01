import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { count, eventually, sale, startSales, startSalesWithNotification } from "../../../test/sales/harness.js";
import { backoffMs } from "../../runtime/retry.js";

let h: Awaited<ReturnType<typeof startSalesWithNotification>>;

beforeAll(async () => {
  h = await startSalesWithNotification();
});
afterAll(async () => {
  await h?.stop();
});

const alertOf = async (targetId: number) => {
  const [rows] = await h.db.handle.pool.query(`SELECT * FROM target_alerts WHERE target_id = ${targetId}`);
  return (rows as Array<{ id: number; status: string; notification_id: number | null; last_error: string | null }>)[0];
};

test("backoff doubles from the base up to the cap", () => {
  expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, { retryBaseMs: 100, retryMaxMs: 1000 }))).toEqual([
    100, 200, 400, 800, 1000,
  ]);
});

test("a relay that sends again after a crash (before recording delivery) still makes one notification", async () => {
  const target = await (
    await h.admin.call("POST", "/targets", { scope: "team", key: "Alpha", period: "month", amount: "10.00" })
  ).json();
  await h.integration.call("POST", "/sales", sale({ amount: "10.00", saleDate: "2024-09-09" }));
  const first = await eventually(async () => {
    const a = await alertOf(target.id);
    return a?.status === "DELIVERED" ? a : undefined;
  });
  // As if the relay died after the notification service answered but before the row said so, and its lease ran out.
  await h.db.handle.pool.query(
    `UPDATE target_alerts SET status = 'PENDING', notification_id = NULL, next_attempt_at = NOW(3) WHERE id = ${first.id}`,
  );
  const again = await eventually(async () => {
    const a = await alertOf(target.id);
    return a?.status === "DELIVERED" ? a : undefined;
  });
  expect(again.notification_id).toBe(first.notification_id);
  expect(await count(h, "notifications", `dedupe_key LIKE 'target:${target.id}:%'`)).toBe(1);
});

test("an alert the notification service refuses outright is marked FAILED with its answer", async () => {
  const refusing: Server = createServer((_req, res) => {
    res
      .writeHead(422, { "content-type": "application/problem+json" })
      .end(JSON.stringify({ detail: "recipient is not known here" }));
  });
  await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", r));
  const other = await startSales({ NOTIFICATION_URL: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}` });
  try {
    const target = await (
      await other.admin.call("POST", "/targets", { scope: "product", key: "LIFE-PLAT", period: "year", amount: "5.00" })
    ).json();
    await other.integration.call("POST", "/sales", sale({ amount: "5.00" }));
    const [failed] = await eventually(async () => {
      const [rows] = await other.db.handle.pool.query(
        `SELECT status, last_error FROM target_alerts WHERE target_id = ${target.id} AND status = 'FAILED'`,
      );
      return (rows as unknown[]).length ? (rows as Array<{ status: string; last_error: string }>) : undefined;
    });
    expect(failed!.last_error).toBe("notification service answered 422: recipient is not known here");
  } finally {
    await other.stop();
    await new Promise((r) => refusing.close(r));
  }
});
