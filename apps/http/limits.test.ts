// Input limits every service shares (README "Limits"): ids, cursors, dates and the size of error answers.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freshPgDatabase } from "../../test/databases.js";
import { type SalesHarness, sale, startSales } from "../../test/sales/harness.js";
import { client, startTestService } from "../../test/services.js";
import { agentService } from "../agent/service.js";
import { aggregate } from "../aggregator/run.js";
import { notificationService } from "../notification/service.js";
import type { StartedService } from "./service.js";

let h: SalesHarness;
let agent: StartedService;
let notification: StartedService;
beforeAll(async () => {
  h = await startSales();
  agent = await startTestService(agentService, h.db.url);
  notification = await startTestService(notificationService, h.db.url);
});
afterAll(async () => {
  await agent?.shutdown("test");
  await notification?.shutdown("test");
  await h?.stop();
});

const base = () => ({ agent: agent.url, sales: h.service.url, notification: notification.url });
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("cursors and ids", () => {
  const lists: Array<[keyof ReturnType<typeof base>, string]> = [
    ["agent", "/agents"],
    ["agent", "/products"],
    ["sales", "/sales"],
    ["sales", "/targets"],
    ["notification", "/notifications"],
  ];
  const tampered = [cursor([2 ** 60]), "WzFlMzA5XQ", cursor([-1]), cursor([1.5]), cursor({}), "!!"];

  test.each(lists)("%s %s refuses a tampered cursor with 400 naming it", async (service, path) => {
    for (const c of tampered) {
      const res = await client(base()[service], "viewer").call("GET", `${path}?cursor=${c}`);
      expect(res.status, c).toBe(400);
      expect((await res.json()).errors[0].field, c).toBe("cursor");
    }
  });

  test.each([
    ["sales", "/sales/"],
    ["sales", "/targets/"],
    ["notification", "/notifications/"],
  ] as const)("%s %s<id> takes decimal ids only", async (service, path) => {
    for (const id of ["0x10", "%201", "1e3", "1.0", "0", "01", "99999999999999999999"]) {
      const res = await client(base()[service], "viewer").call("GET", `${path}${id}`);
      expect(res.status, id).toBe(400);
      expect((await res.json()).errors[0], id).toMatchObject({ in: "path", field: "id" });
    }
    expect((await client(base()[service], "viewer").call("GET", `${path}424242`)).status).toBe(404);
  });
});

describe("dates", () => {
  const outside = ["0000-01-01", "0099-12-31", "1999-12-31", "2100-01-01", "2026-02-30"];

  test("a sale is dated 2000-01-01 to 2099-12-31, on a real day, wherever a date is taken", async () => {
    for (const saleDate of outside) {
      const res = await h.integration.call("POST", "/sales", sale({ saleDate }));
      expect(res.status, saleDate).toBe(400);
      expect((await res.json()).errors[0], saleDate).toMatchObject({ field: "saleDate" });
      for (const path of [`/sales?from=${saleDate}`, `/sales/summary?groupBy=team&to=${saleDate}`]) {
        expect((await h.viewer.call("GET", path)).status, path).toBe(400);
      }
    }
    const edges = [sale({ saleDate: "2000-01-01" }), sale({ saleDate: "2099-12-31" })];
    for (const s of edges) expect((await h.integration.call("POST", "/sales", s)).status).toBe(201);
    const [first] = (await (await h.viewer.call("GET", "/sales")).json()).items;
    expect((await h.admin.call("PATCH", `/sales/${first.id}`, { saleDate: "0000-01-01" })).status).toBe(400);
    const target = await (
      await h.admin.call("POST", "/targets", { scope: "team", key: "Dates", period: "year", amount: 1 })
    ).json();
    expect((await h.viewer.call("GET", `/targets/${target.id}/progress?date=0000-01-01`)).status).toBe(400);
    expect((await h.viewer.call("GET", `/targets/${target.id}/progress?date=2099-12-31`)).status).toBe(200);
  });

  test("notification filters take the same calendar days", async () => {
    const viewer = client(notification.url, "viewer");
    for (const q of ["from=2026-02-30", "to=0000-01-01", "from=2026-02-30T10:00Z", "from=2024-03-01T25:00Z"]) {
      expect((await viewer.call("GET", `/notifications?${q}`)).status, q).toBe(400);
    }
    expect((await viewer.call("GET", "/notifications?from=2024-02-29&to=2024-03-01T10:00:00Z")).status).toBe(200);
  });

  test("the sales that are accepted load into a PostgreSQL warehouse", async () => {
    const warehouse = await freshPgDatabase();
    try {
      const run = await aggregate({
        sourceUrl: h.db.url,
        warehouseUrl: warehouse.url,
        overlapSeconds: 5,
        batchRows: 100,
      });
      expect(run.outcome).toBe("loaded");
      expect(run.salesAggregated).toBeGreaterThanOrEqual(2);
    } finally {
      await warehouse.drop();
    }
  });
});

describe("error answers are bounded", () => {
  test("an invalid batch gets a smaller answer than it sent", async () => {
    const junk = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`unexpected_field_${i}`, "x".repeat(20)]));
    const body = JSON.stringify({
      sales: Array.from({ length: 1000 }, () => ({ amount: -1, saleDate: "x", ...junk })),
    });
    const res = await h.integration.call("POST", "/sales/batch", body);
    expect(res.status).toBe(200);
    const text = await res.text();
    const { results } = JSON.parse(text);
    expect(results).toHaveLength(1000);
    expect(results.every((r: { status: number }) => r.status === 400)).toBe(true);
    expect(results[0].errors.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(body.length);
  });

  test("a single problem lists at most 20 field errors, each message cut to 200 characters", async () => {
    const junk = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${"y".repeat(300)}${i}`, 1]));
    const res = await h.integration.call("POST", "/sales", { ...sale(), ...junk, amount: "nope" });
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.errors.length).toBeLessThanOrEqual(20);
    for (const e of problem.errors) expect(e.message.length).toBeLessThanOrEqual(200);
    expect(problem.detail.length).toBeLessThanOrEqual(200);
  });
});

describe("names", () => {
  const invisible = ["\u0000", "\u200b\u200b", "\u2060", "\u00ad", " \u200d "];

  test("names made only of NUL, zero-width or other invisible characters are refused everywhere", async () => {
    const newAgent = (team: string) => ({
      agentCode: `INV${Math.floor(Math.random() * 1e6)}`,
      firstName: "A",
      lastName: "B",
      email: "a@moon.lk",
      branch: "Colombo",
      team,
    });
    for (const text of invisible) {
      const res = await client(agent.url, "admin").call("POST", "/agents", newAgent(text));
      expect(res.status, JSON.stringify(text)).toBe(400);
      expect((await res.json()).errors[0], JSON.stringify(text)).toMatchObject({ field: "team" });
      const target = { scope: "team", key: text, period: "month", amount: 1 };
      expect((await h.admin.call("POST", "/targets", target)).status, JSON.stringify(text)).toBe(400);
      const note = { recipient: text, type: "CUSTOM", message: "hi" };
      expect((await client(notification.url, "integration").call("POST", "/notifications", note)).status).toBe(400);
    }
    // Visible text with joiners inside (an emoji family) is a name.
    expect((await client(agent.url, "admin").call("POST", "/agents", newAgent("👨\u200d👩\u200d👧"))).status).toBe(201);
  });
});
