import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { count, eventually, type SalesHarness, sale, startSales } from "../../../test/sales/harness.js";
import { evaluateOnce } from "./evaluator.js";
import { periodEnd, periodLabel, periodStart } from "./periods.js";

let h: SalesHarness;
beforeAll(async () => {
  h = await startSales();
});
afterAll(async () => {
  await h?.stop();
});

const progress = async (id: number, date: string) =>
  (await h.viewer.call("GET", `/targets/${id}/progress?date=${date}`)).json();
const alerts = async (targetId: number) => {
  const [rows] = await h.db.handle.pool.query(
    `SELECT period_start, milestone, recipient, type, message FROM target_alerts WHERE target_id = ${targetId} ORDER BY milestone, period_start`,
  );
  return rows as Array<{ period_start: string; milestone: number; recipient: string; type: string; message: string }>;
};
/** Waits until the service's evaluator has folded every event. */
const folded = () => eventually(async () => ((await count(h, "progress_events")) === 0 ? true : undefined));

describe("periods", () => {
  test.each([
    ["month", "2024-03-17", "2024-03-01", "2024-03-31", "2024-03"],
    ["month", "2024-02-10", "2024-02-01", "2024-02-29", "2024-02"],
    ["quarter", "2024-05-31", "2024-04-01", "2024-06-30", "2024-Q2"],
    ["quarter", "2024-12-31", "2024-10-01", "2024-12-31", "2024-Q4"],
    ["year", "2024-07-04", "2024-01-01", "2024-12-31", "2024"],
  ] as const)("%s of %s", (period, date, start, end, label) => {
    expect(periodStart(period, date)).toBe(start);
    expect(periodEnd(period, start)).toBe(end);
    expect(periodLabel(period, start)).toBe(label);
  });
});

describe("targets API", () => {
  test("create, read, list, change, delete", async () => {
    const res = await h.admin.call("POST", "/targets", {
      scope: "branch",
      key: "Galle",
      period: "quarter",
      amount: 5000,
    });
    expect(res.status).toBe(201);
    const target = await res.json();
    expect(target).toMatchObject({
      scope: "branch",
      key: "Galle",
      period: "quarter",
      amount: "5000.00",
      milestones: [100],
    });
    expect(await (await h.viewer.call("GET", `/targets/${target.id}`)).json()).toEqual(target);
    expect(
      (await h.admin.call("POST", "/targets", { scope: "branch", key: "Galle", period: "quarter", amount: 1 })).status,
    ).toBe(409);

    const changed = await h.admin.call("PATCH", `/targets/${target.id}`, { milestones: [100, 25, 50] });
    expect(await changed.json()).toMatchObject({ milestones: [25, 50, 100], amount: "5000.00" });
    expect((await h.admin.call("PATCH", `/targets/${target.id}`, { scope: "team" })).status).toBe(400);

    const list = await (await h.viewer.call("GET", "/targets?scope=branch&key=Galle")).json();
    expect(list.items.map((t: { id: number }) => t.id)).toEqual([target.id]);

    expect((await h.admin.call("DELETE", `/targets/${target.id}`)).status).toBe(204);
    expect((await h.viewer.call("GET", `/targets/${target.id}`)).status).toBe(404);
    expect((await h.admin.call("DELETE", `/targets/${target.id}`)).status).toBe(404);
  });

  test.each([
    [{ scope: "region", key: "X", period: "month", amount: 1 }, "scope"],
    [{ scope: "team", key: "", period: "month", amount: 1 }, "key"],
    [{ scope: "team", key: "Alpha", period: "week", amount: 1 }, "period"],
    [{ scope: "team", key: "Alpha", period: "month", amount: 0 }, "amount"],
    [{ scope: "team", key: "Alpha", period: "month", amount: 1, milestones: [50, 50] }, "milestones"],
    [{ scope: "team", key: "Alpha", period: "month", amount: 1, milestones: [0] }, "milestones.0"],
    [{ scope: "team", key: "Alpha", period: "month", amount: 1, milestones: [] }, "milestones"],
  ])("400 for %o naming %s", async (body, field) => {
    const res = await h.admin.call("POST", "/targets", body);
    expect(res.status).toBe(400);
    expect((await res.json()).errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test("422 for an unknown agent or product", async () => {
    for (const scope of ["agent", "product"]) {
      const res = await h.admin.call("POST", "/targets", { scope, key: "NOPE", period: "month", amount: 1 });
      expect(res.status).toBe(422);
      expect((await res.json()).errors[0].field).toBe("key");
    }
  });

  test("auth: only admins set targets; every role reads them", async () => {
    const { client } = await import("../../../test/services.js");
    const body = { scope: "team", key: "Gamma", period: "year", amount: 1 };
    expect((await client(h.service.url, "integration").call("POST", "/targets", body)).status).toBe(403);
    expect((await client(h.service.url, "viewer").call("POST", "/targets", body)).status).toBe(403);
    expect((await client(h.service.url, null).call("GET", "/targets")).status).toBe(401);
    expect((await client(h.service.url, "viewer").call("GET", "/targets")).status).toBe(200);
    expect((await client(h.service.url, "integration").call("PATCH", "/targets/1", { amount: 1 })).status).toBe(403);
  });
});

describe("progress and alerts", () => {
  test("a target starts from the sales already recorded, then follows new ones and corrections", async () => {
    await h.integration.call(
      "POST",
      "/sales",
      sale({ agentCode: "AGT007", productCode: "LIFE-BASIC", amount: "400.00", saleDate: "2023-01-10" }),
    );
    const target = await (
      await h.admin.call("POST", "/targets", {
        scope: "agent",
        key: "AGT007",
        period: "month",
        amount: "1000.00",
        milestones: [50, 100],
      })
    ).json();
    expect(await progress(target.id, "2023-01-31")).toEqual({
      targetId: target.id,
      periodStart: "2023-01-01",
      periodEnd: "2023-01-31",
      achieved: "400.00",
      amount: "1000.00",
      percent: 40,
      milestonesReached: [],
    });

    const second = await (
      await h.integration.call(
        "POST",
        "/sales",
        sale({ agentCode: "AGT007", productCode: "LIFE-BASIC", amount: "200.01", saleDate: "2023-01-20" }),
      )
    ).json();
    expect(await progress(target.id, "2023-01-01")).toMatchObject({
      achieved: "600.01",
      percent: 60,
      milestonesReached: [50],
    });
    await folded();
    expect(await alerts(target.id)).toEqual([
      {
        period_start: "2023-01-01",
        milestone: 50,
        recipient: "AGT007",
        type: "MILESTONE",
        message: "Chamari Bandara (AGT007) reached 50% of the monthly target for 2023-01: 600.01 of 1,000.00.",
      },
    ]);

    // Down below 50 % and up again: still one alert for that milestone; up to 100 %: the second.
    await h.admin.call("PATCH", `/sales/${second.id}`, { amount: "1.00" });
    expect(await progress(target.id, "2023-01-05")).toMatchObject({ achieved: "401.00", milestonesReached: [] });
    await h.admin.call("PATCH", `/sales/${second.id}`, { amount: "600.00" });
    await folded();
    expect((await alerts(target.id)).map((a) => [a.milestone, a.type])).toEqual([
      [50, "MILESTONE"],
      [100, "TARGET_ACHIEVED"],
    ]);

    // Moved to another month: it leaves January and counts in February.
    await h.admin.call("PATCH", `/sales/${second.id}`, { saleDate: "2023-02-01" });
    expect(await progress(target.id, "2023-01-05")).toMatchObject({ achieved: "400.00" });
    expect(await progress(target.id, "2023-02-05")).toMatchObject({ achieved: "600.00", milestonesReached: [50] });
    await h.admin.call("DELETE", `/sales/${second.id}`);
    expect(await progress(target.id, "2023-02-05")).toMatchObject({ achieved: "0.00", percent: 0 });
    await folded();
    expect((await alerts(target.id)).map((a) => `${a.period_start}:${a.milestone}`)).toEqual([
      "2023-01-01:50",
      "2023-02-01:50",
      "2023-01-01:100",
    ]);
  });

  test("200 concurrent sales crossing one target raise one alert", async () => {
    const target = await (
      await h.admin.call("POST", "/targets", { scope: "team", key: "Beta", period: "month", amount: "10000.00" })
    ).json();
    const bodies = Array.from({ length: 200 }, (_, i) =>
      sale({
        agentCode: i % 2 ? "AGT005" : "AGT009",
        productCode: i % 2 ? "VEH-FULL" : "LIFE-PLAT",
        amount: "100.00",
        saleDate: "2025-07-15",
      }),
    );
    const statuses = await Promise.all(
      bodies.map((b) => h.integration.call("POST", "/sales", b).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 201)).toBe(true);
    await folded();
    expect(await progress(target.id, "2025-07-01")).toMatchObject({
      achieved: "20000.00",
      percent: 200,
      milestonesReached: [100],
    });
    const raised = await alerts(target.id);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ recipient: "team:Beta", type: "TARGET_ACHIEVED", period_start: "2025-07-01" });
  });

  test("evaluators racing over the same events count each once", async () => {
    const target = await (
      await h.admin.call("POST", "/targets", {
        scope: "product",
        key: "VEH-TP",
        period: "year",
        amount: "300.00",
        milestones: [50, 100],
      })
    ).json();
    await h.integration.call("POST", "/sales/batch", {
      sales: Array.from({ length: 30 }, () =>
        sale({ agentCode: "AGT008", productCode: "VEH-TP", amount: "10.00", saleDate: "2026-02-02" }),
      ),
    });
    await Promise.all([evaluateOnce(h.db.handle.db), evaluateOnce(h.db.handle.db), evaluateOnce(h.db.handle.db)]);
    await folded();
    const [row] = await h.db.handle.pool.query(`SELECT achieved FROM target_progress WHERE target_id = ${target.id}`);
    expect((row as Array<{ achieved: string }>)[0]!.achieved).toBe("300.00");
    expect((await alerts(target.id)).map((a) => a.milestone)).toEqual([50, 100]);
  });

  test("a deleted target's pending events are dropped; its raised alerts stay", async () => {
    const target = await (
      await h.admin.call("POST", "/targets", { scope: "branch", key: "Matara", period: "month", amount: "1.00" })
    ).json();
    const sellInMatara = (saleDate: string) =>
      h.integration.call(
        "POST",
        "/sales",
        sale({ agentCode: "AGT007", productCode: "LIFE-BASIC", branch: "Matara", amount: "5.00", saleDate }),
      );
    await sellInMatara("2025-01-01");
    await folded();
    await h.admin.call("DELETE", `/targets/${target.id}`);
    await sellInMatara("2025-02-01");
    await folded();
    expect(await count(h, "target_progress", `target_id = ${target.id}`)).toBe(0);
    expect((await alerts(target.id)).map((a) => a.period_start)).toEqual(["2025-01-01"]);
  });
});
