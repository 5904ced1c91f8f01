// One sale must not stop every alert: totals that cannot overflow, poison events set aside (visible and
// re-queueable), and the evaluator's errors logged with their cause and backed off.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { count, eventually, sale, startSalesWithNotification } from "../../../test/sales/harness.js";
import { client } from "../../../test/services.js";
import { createLogger } from "../../runtime/logger.js";
import { describeError, startPoller } from "../../runtime/poller.js";

let h: Awaited<ReturnType<typeof startSalesWithNotification>>;

beforeAll(async () => {
  h = await startSalesWithNotification();
});
afterAll(async () => {
  await h?.stop();
});

const newTarget = async (body: Record<string, unknown>) =>
  (await h.admin.call("POST", "/targets", { period: "month", milestones: [100], ...body })).json();
const notified = (recipient: string) =>
  eventually(async () => {
    const { items } = await (
      await client(h.notification.url, "viewer").call(
        "GET",
        `/notifications?recipient=${encodeURIComponent(recipient)}`,
      )
    ).json();
    return items.length > 0 ? items : undefined;
  });
const setAsideGauge = async () => {
  const text = await (await fetch(`${h.service.url}/metrics`)).text();
  return Number(/^moon_target_events_set_aside\{[^}]*\} (\S+)$/m.exec(text)?.[1]);
};

describe("amounts and totals", () => {
  test("a sale above 999,999,999.99 is refused, naming the amount, and nothing is stored", async () => {
    const before = await count(h, "sales");
    for (const amount of ["600000000000.00", 1_000_000_000]) {
      const res = await h.integration.call("POST", "/sales", sale({ amount }));
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0]).toMatchObject({ field: "amount", message: "must be at most 999999999.99" });
    }
    expect(await count(h, "sales")).toBe(before);
  });

  test("totals hold more than the old DECIMAL(14,2): 1,200 maximum sales reach the target and alert", async () => {
    const target = await newTarget({ scope: "agent", key: "AGT007", amount: "999999999999.99" });
    for (let batch = 0; batch < 2; batch++) {
      const sales = Array.from({ length: 600 }, () =>
        sale({ agentCode: "AGT007", amount: "999999999.99", saleDate: "2024-05-02" }),
      );
      const res = await h.integration.call("POST", "/sales/batch", { sales });
      expect((await res.json()).results.every((r: { status: number }) => r.status === 201)).toBe(true);
    }
    const progress = await eventually(async () => {
      const p = await (await h.viewer.call("GET", `/targets/${target.id}/progress?date=2024-05-02`)).json();
      return p.achieved === "1199999999988.00" ? p : undefined;
    });
    expect(progress.milestonesReached).toEqual([100]);
    const [alert] = await notified("AGT007");
    expect(alert.message).toContain("1,199,999,999,988.00");
  });
});

describe("a poison event", () => {
  test("is set aside, shown and counted, while another target's alert still arrives; an admin re-queues it", async () => {
    const poisoned = await newTarget({ scope: "agent", key: "AGT004", amount: "1000.00" });
    const other = await newTarget({ scope: "team", key: "Beta", amount: "500.00" });
    // A total already at the column's limit (say, restored from an old backup): the next sale cannot fold.
    await h.db.handle.pool.query(
      `INSERT INTO target_progress (target_id, period_start, achieved) VALUES (?, '2024-06-01', ?)`,
      [poisoned.id, `${"9".repeat(30)}.99`],
    );
    expect((await h.integration.call("POST", "/sales", sale({ saleDate: "2024-06-03" }))).status).toBe(201);
    const beta = sale({ agentCode: "AGT002", productCode: "HEALTH-FAM", amount: "600.00", saleDate: "2024-06-04" });
    expect((await h.integration.call("POST", "/sales", beta)).status).toBe(201);

    const [alert] = await notified("team:Beta");
    expect(alert).toMatchObject({ type: "TARGET_ACHIEVED", dedupeKey: `target:${other.id}:2024-06-01:100` });
    const { items } = await (await h.viewer.call("GET", "/targets/events/set-aside")).json();
    expect(items).toEqual([
      expect.objectContaining({ targetId: poisoned.id, periodStart: "2024-06-01", delta: "1000.00" }),
    ]);
    expect(items[0].error).toMatch(/out of range/i);
    expect(await setAsideGauge()).toBe(1);

    // Re-queueing is for admins, and works once the cause is fixed.
    const retry = `/targets/events/${items[0].id}/retry`;
    expect((await h.integration.call("POST", retry)).status).toBe(403);
    await h.db.handle.pool.query(`UPDATE target_progress SET achieved = 0 WHERE target_id = ?`, [poisoned.id]);
    expect((await h.admin.call("POST", retry)).status).toBe(204);
    expect((await h.admin.call("POST", retry)).status).toBe(404);
    await eventually(async () => ((await count(h, "progress_events")) === 0 ? true : undefined));
    const progress = await (await h.viewer.call("GET", `/targets/${poisoned.id}/progress?date=2024-06-03`)).json();
    expect(progress).toMatchObject({ achieved: "1000.00", milestonesReached: [100] });
    expect(await setAsideGauge()).toBe(0);
  });
});

describe("evaluator errors", () => {
  test("the log line carries the database's own error, not only drizzle's wrapper", async () => {
    const err = await h.db.handle.db
      .execute(sql`INSERT INTO target_progress (target_id, period_start, achieved) VALUES (1, '2024-01-01', 1e40)`)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const described = describeError(err);
    expect(described.message).toMatch(/Failed query/);
    expect(described.message).toMatch(/Out of range value for column 'achieved'/);
    expect(described).toMatchObject({ code: "ER_WARN_DATA_OUT_OF_RANGE", errno: 1264 });
  });

  test("a round that keeps failing is retried with growing pauses, not every interval", async () => {
    let rounds = 0;
    const worker = startPoller({
      name: "always failing",
      logger: createLogger({ service: "test" }, "silent"),
      intervalMs: 20,
      batchSize: 10,
      round: async () => {
        rounds++;
        throw new Error("still broken");
      },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    await worker.stop();
    // Every 20 ms would be about 50 rounds; doubling pauses (20, 40, 80, 160, 320 ms) allow at most 6.
    expect(rounds).toBeGreaterThanOrEqual(3);
    expect(rounds).toBeLessThanOrEqual(7);
  });
});
