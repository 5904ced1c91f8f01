import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { count, type SalesHarness, sale, startSales } from "../../../test/sales/harness.js";

let h: SalesHarness;
beforeAll(async () => {
  h = await startSales();
});
afterAll(async () => {
  await h?.stop();
});

describe("POST /sales", () => {
  test("records a sale with the agent's branch and team, once per saleRef", async () => {
    const body = sale({ amount: 125000 });
    const first = await h.integration.call("POST", "/sales", body);
    expect(first.status).toBe(201);
    const stored = await first.json();
    expect(stored).toMatchObject({
      saleRef: body.saleRef,
      agentCode: "AGT004",
      amount: "125000.00",
      branch: "Colombo",
      team: "Alpha",
      saleDate: "2024-03-01",
    });

    const again = await h.integration.call("POST", "/sales", { ...body, amount: "125000.00", branch: "Colombo" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(stored);

    const different = await h.integration.call("POST", "/sales", { ...body, amount: "1.00" });
    expect(different.status).toBe(409);
    expect(different.headers.get("content-type")).toBe("application/problem+json");
    expect(await count(h, "sales", `sale_ref = '${body.saleRef}'`)).toBe(1);
    expect(await count(h, "sale_changes", `sale_id = ${stored.id}`)).toBe(1);
  });

  test("saleRefs that differ only in letter case are different sales", async () => {
    const upper = sale({ saleRef: `CASE-${process.pid}-A` });
    const lower = sale({ saleRef: `case-${process.pid}-a` });
    expect((await h.integration.call("POST", "/sales", upper)).status).toBe(201);
    expect((await h.integration.call("POST", "/sales", lower)).status).toBe(201);
    const batch = await h.integration.call("POST", "/sales/batch", {
      sales: [sale({ saleRef: `Mixed-${process.pid}` }), sale({ saleRef: `mixed-${process.pid}` })],
    });
    expect((await batch.json()).results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
  });

  test("a retry of a recorded sale answers 200 even after the agent lost the product", async () => {
    const body = sale({ productCode: "LIFE-BASIC" });
    await h.db.handle.pool.query(
      "INSERT IGNORE INTO agent_products (agent_code, product_code) VALUES ('AGT004', 'LIFE-BASIC')",
    );
    const first = await h.integration.call("POST", "/sales", body);
    expect(first.status).toBe(201);
    await h.db.handle.pool.query(
      "DELETE FROM agent_products WHERE agent_code = 'AGT004' AND product_code = 'LIFE-BASIC'",
    );
    const retry = await h.integration.call("POST", "/sales", body);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(await first.json());
    expect((await h.integration.call("POST", "/sales", { ...body, amount: "2.00" })).status).toBe(409);
    expect((await h.integration.call("POST", "/sales", sale({ productCode: "LIFE-BASIC" }))).status).toBe(422);
  });

  test("keeps a branch the core system gives", async () => {
    const res = await h.integration.call("POST", "/sales", sale({ branch: "Kandy" }));
    expect(await res.json()).toMatchObject({ branch: "Kandy", team: "Alpha" });
  });

  test.each([
    [{ agentCode: "AGT999" }, "agentCode", "agent AGT999 is unknown"],
    [{ agentCode: "AGT012", productCode: "LIFE-BASIC" }, "agentCode", "agent AGT012 is inactive"],
    [{ productCode: "NOPE" }, "productCode", "product NOPE is unknown"],
    [{ productCode: "VEH-TP" }, "productCode", "agent AGT004 is not authorised to sell product VEH-TP"],
  ])("422 for %o, naming the field and storing nothing", async (over, field, detail) => {
    const before = await count(h, "sales");
    const res = await h.integration.call("POST", "/sales", sale(over));
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem).toMatchObject({ status: 422, detail, errors: [{ field }] });
    expect(problem.requestId).toBeTruthy();
    expect(await count(h, "sales")).toBe(before);
  });

  test.each([
    [{ amount: "12.345" }, "amount"],
    [{ amount: -5 }, "amount"],
    [{ amount: 0 }, "amount"],
    [{ saleDate: "2024-02-30" }, "saleDate"],
    [{ saleDate: "01/03/2024" }, "saleDate"],
    [{ saleRef: "" }, "saleRef"],
    [{ saleRef: "x".repeat(65) }, "saleRef"],
    [{ agentCode: "AGT 4" }, "agentCode"],
    [{ productCode: undefined }, "productCode"],
    [{ extra: 1 }, "(root)"],
    [{ branch: "" }, "branch"],
  ])("400 for %o naming %s", async (over, field) => {
    const before = await count(h, "sales");
    const res = await h.integration.call("POST", "/sales", sale(over));
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await count(h, "sales")).toBe(before);
  });

  test("malformed JSON is a 400 and a wrong content type a 415", async () => {
    expect((await h.integration.call("POST", "/sales", "{not json")).status).toBe(400);
    const res = await h.integration.call("POST", "/sales", JSON.stringify(sale()), { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  test("100 concurrent posts of one saleRef store one sale", async () => {
    const body = sale({ agentCode: "AGT009", productCode: "LIFE-PLAT" });
    const statuses = await Promise.all(
      Array.from({ length: 100 }, () => h.integration.call("POST", "/sales", body).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(99);
    expect(await count(h, "sales", `sale_ref = '${body.saleRef}'`)).toBe(1);
    expect(await count(h, "sale_changes", `sale_id = (SELECT id FROM sales WHERE sale_ref = '${body.saleRef}')`)).toBe(
      1,
    );
  });
});

describe("POST /sales/batch", () => {
  test("stores the valid items and reports each item's own status, in order", async () => {
    const ok = sale();
    const replay = sale();
    await h.integration.call("POST", "/sales", replay);
    const res = await h.integration.call("POST", "/sales/batch", {
      sales: [
        ok,
        sale({ agentCode: "AGT999" }),
        { ...replay },
        { ...replay, amount: "2.00" },
        sale({ amount: "abc" }),
        { ...ok },
        42,
      ],
    });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([201, 422, 200, 409, 400, 200, 400]);
    expect(results[0]).toMatchObject({ saleRef: ok.saleRef, id: expect.any(Number) });
    expect(results[1].error).toBe("agent AGT999 is unknown");
    expect(results[4].errors[0].field).toBe("amount");
    expect(results[6].saleRef).toBeNull();
    expect(results[5].id).toBe(results[0].id);
    expect(await count(h, "sales", `sale_ref = '${ok.saleRef}'`)).toBe(1);
  });

  test("refuses an empty batch, one over 1,000 items, and a body without sales", async () => {
    for (const body of [{ sales: [] }, { sales: Array.from({ length: 1001 }, () => sale()) }, {}, { sales: "x" }]) {
      const res = await h.integration.call("POST", "/sales/batch", body);
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].field).toMatch(/^sales/);
    }
  });

  test("records 1,000 sales in one request", async () => {
    const before = await count(h, "sales");
    const res = await h.integration.call("POST", "/sales/batch", {
      sales: Array.from({ length: 1000 }, () => sale({ amount: "1.00" })),
    });
    const { results } = await res.json();
    expect(results.every((r: { status: number }) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r: { id: number }) => r.id)).size).toBe(1000);
    expect(await count(h, "sales")).toBe(before + 1000);
  });
});

describe("queries", () => {
  let q: SalesHarness;
  beforeAll(async () => {
    q = await startSales();
    const rows = [
      sale({
        saleRef: "Q1",
        agentCode: "AGT004",
        productCode: "LIFE-PLAT",
        amount: "125000.00",
        saleDate: "2024-03-01",
      }),
      sale({ saleRef: "Q2", agentCode: "AGT005", productCode: "VEH-FULL", amount: "92000.00", saleDate: "2024-03-02" }),
      sale({
        saleRef: "Q3",
        agentCode: "AGT006",
        productCode: "HEALTH-FAM",
        amount: "100000.00",
        saleDate: "2024-03-05",
      }),
      sale({
        saleRef: "Q4",
        agentCode: "AGT007",
        productCode: "LIFE-BASIC",
        amount: "61000.00",
        saleDate: "2024-03-06",
      }),
      sale({ saleRef: "Q5", agentCode: "AGT008", productCode: "VEH-TP", amount: "32000.00", saleDate: "2024-03-07" }),
      sale({
        saleRef: "Q6",
        agentCode: "AGT009",
        productCode: "LIFE-PLAT",
        amount: "130000.00",
        saleDate: "2024-03-08",
      }),
      sale({ saleRef: "Q7", agentCode: "AGT010", productCode: "VEH-FULL", amount: "87000.00", saleDate: "2024-04-11" }),
      sale({
        saleRef: "Q8",
        agentCode: "AGT011",
        productCode: "HEALTH-FAM",
        amount: "99000.00",
        saleDate: "2024-04-12",
      }),
      sale({ saleRef: "Q9", agentCode: "AGT004", productCode: "LIFE-BASIC", amount: "0.10", saleDate: "2024-04-12" }),
      sale({ saleRef: "Q10", agentCode: "AGT004", productCode: "LIFE-BASIC", amount: "0.20", saleDate: "2024-04-13" }),
    ];
    const res = await q.integration.call("POST", "/sales/batch", { sales: rows });
    expect((await res.json()).results.every((r: { status: number }) => r.status === 201)).toBe(true);
  });
  afterAll(async () => {
    await q?.stop();
  });

  const refs = async (path: string) =>
    ((await (await q.viewer.call("GET", path)).json()).items as Array<{ saleRef: string }>).map((s) => s.saleRef);

  test.each([
    ["agentCode=AGT004", ["Q1", "Q9", "Q10"]],
    ["branch=Colombo", ["Q1", "Q7", "Q9", "Q10"]],
    ["team=Beta", ["Q2", "Q6"]],
    ["productCode=LIFE-PLAT", ["Q1", "Q6"]],
    ["from=2024-03-06&to=2024-04-11", ["Q4", "Q5", "Q6", "Q7"]],
    ["agentCode=AGT004&from=2024-04-01", ["Q9", "Q10"]],
    ["team=Nobody", []],
  ])("GET /sales?%s", async (query, expected) => {
    expect(await refs(`/sales?${query}`)).toEqual(expected);
  });

  test("pages through every sale in recording order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await q.viewer.call("GET", `/sales?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      const body = await res.json();
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((s: { saleRef: string }) => s.saleRef));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10"]);
  });

  test("rejects a bad cursor, limit or date", async () => {
    for (const query of ["cursor=nonsense", "limit=0", "limit=abc", "from=2024-13-01", "to=yesterday"]) {
      expect((await q.viewer.call("GET", `/sales?${query}`)).status).toBe(400);
    }
  });

  test("summaries are exact, largest first", async () => {
    const summary = async (query: string) =>
      (await (await q.viewer.call("GET", `/sales/summary?${query}`)).json()).items;
    expect(await summary("groupBy=branch")).toEqual([
      { key: "Colombo", totalSales: "212000.30", saleCount: 4 },
      { key: "Kandy", totalSales: "191000.00", saleCount: 2 },
      { key: "Anuradhapura", totalSales: "130000.00", saleCount: 1 },
      { key: "Galle", totalSales: "100000.00", saleCount: 1 },
      { key: "Matara", totalSales: "61000.00", saleCount: 1 },
      { key: "Jaffna", totalSales: "32000.00", saleCount: 1 },
    ]);
    expect(await summary("groupBy=team")).toEqual([
      { key: "Beta", totalSales: "222000.00", saleCount: 2 },
      { key: "Gamma", totalSales: "187000.00", saleCount: 2 },
      { key: "Delta", totalSales: "160000.00", saleCount: 2 },
      { key: "Alpha", totalSales: "157000.30", saleCount: 4 },
    ]);
    expect((await summary("groupBy=product&from=2024-04-01")).map((i: { key: string }) => i.key)).toEqual([
      "HEALTH-FAM",
      "VEH-FULL",
      "LIFE-BASIC",
    ]);
    expect(await summary("groupBy=agent&from=2024-04-12&to=2024-04-12")).toEqual([
      { key: "AGT011", totalSales: "99000.00", saleCount: 1 },
      { key: "AGT004", totalSales: "0.10", saleCount: 1 },
    ]);
    expect((await q.viewer.call("GET", "/sales/summary?groupBy=colour")).status).toBe(400);
    expect((await q.viewer.call("GET", "/sales/summary")).status).toBe(400);
  });

  test("GET /sales/{id}", async () => {
    const [first] = (await (await q.viewer.call("GET", "/sales?limit=1")).json()).items;
    expect(await (await q.viewer.call("GET", `/sales/${first.id}`)).json()).toEqual(first);
    expect((await q.viewer.call("GET", "/sales/999999")).status).toBe(404);
    expect((await q.viewer.call("GET", "/sales/abc")).status).toBe(400);
  });
});

describe("corrections", () => {
  test("PATCH moves a sale and logs both days; a new agent brings its team", async () => {
    const created = await (await h.integration.call("POST", "/sales", sale({ saleDate: "2024-05-01" }))).json();
    const res = await h.admin.call("PATCH", `/sales/${created.id}`, { saleDate: "2024-05-20", amount: "10.50" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ saleDate: "2024-05-20", amount: "10.50", team: "Alpha" });
    const [days] = await h.db.handle.pool.query(
      `SELECT sale_date FROM sale_changes WHERE sale_id = ${created.id} ORDER BY id`,
    );
    expect((days as Array<{ sale_date: string }>).map((d) => d.sale_date)).toEqual([
      "2024-05-01",
      "2024-05-01",
      "2024-05-20",
    ]);

    const moved = await h.admin.call("PATCH", `/sales/${created.id}`, { agentCode: "AGT009" });
    expect(await moved.json()).toMatchObject({ agentCode: "AGT009", team: "Beta", branch: "Anuradhapura" });
  });

  test("PATCH refuses an agent not authorised for the product, and bad fields", async () => {
    const created = await (await h.integration.call("POST", "/sales", sale())).json();
    const res = await h.admin.call("PATCH", `/sales/${created.id}`, { agentCode: "AGT005" });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].field).toBe("productCode");
    expect((await h.admin.call("PATCH", `/sales/${created.id}`, {})).status).toBe(400);
    expect((await h.admin.call("PATCH", `/sales/${created.id}`, { saleRef: "X" })).status).toBe(400);
    expect((await h.admin.call("PATCH", "/sales/999999", { amount: 1 })).status).toBe(404);
    expect(await (await h.viewer.call("GET", `/sales/${created.id}`)).json()).toEqual(created);
  });

  test("DELETE removes the sale and logs its day", async () => {
    const created = await (await h.integration.call("POST", "/sales", sale({ saleDate: "2024-06-03" }))).json();
    expect((await h.admin.call("DELETE", `/sales/${created.id}`)).status).toBe(204);
    expect((await h.viewer.call("GET", `/sales/${created.id}`)).status).toBe(404);
    expect(await count(h, "sale_changes", `sale_id = ${created.id} AND sale_date = '2024-06-03'`)).toBe(2);
    expect((await h.admin.call("DELETE", `/sales/${created.id}`)).status).toBe(404);
  });
});

describe("auth", () => {
  test.each([
    ["POST", "/sales", null, 401],
    ["POST", "/sales", "viewer", 403],
    ["POST", "/sales/batch", "viewer", 403],
    ["GET", "/sales", null, 401],
    ["GET", "/sales", "viewer", 200],
    ["GET", "/sales", "integration", 200],
    ["GET", "/sales/summary?groupBy=team", "viewer", 200],
    ["PATCH", "/sales/1", "integration", 403],
    ["PATCH", "/sales/1", "viewer", 403],
    ["DELETE", "/sales/1", "integration", 403],
    ["DELETE", "/sales/1", "viewer", 403],
  ] as const)("%s %s as %s → %i", async (method, path, role, status) => {
    const { client } = await import("../../../test/services.js");
    const body =
      method === "POST"
        ? path === "/sales"
          ? sale()
          : { sales: [sale()] }
        : method === "PATCH"
          ? { amount: 1 }
          : undefined;
    const res = await client(h.service.url, role).call(method, path, body);
    expect(res.status).toBe(status);
  });

  test("a bad key is 401", async () => {
    const res = await fetch(`${h.service.url}/sales`, { headers: { authorization: "Bearer not-a-key-at-all-000000" } });
    expect(res.status).toBe(401);
  });
});
