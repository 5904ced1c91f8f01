import { afterAll, beforeAll, expect, test } from "vitest";
import type { TestDatabase } from "../../../test/databases.js";
import { insertSaleRow } from "../../../test/sales/rows.js";
import { client, startOnFreshDatabase } from "../../../test/services.js";
import type { StartedService } from "../../http/service.js";
import { agentService } from "../service.js";

let db: TestDatabase;
let svc: StartedService;
let stop: () => Promise<void>;
const admin = () => client(svc.url, "admin");
const platinum = {
  productCode: "LIFE-PLAT",
  type: "life",
  name: "Life Insurance – Platinum Plan",
  targetAmount: 120000,
};

beforeAll(async () => {
  ({ db, svc, stop } = await startOnFreshDatabase(agentService));
});
afterAll(() => stop?.());

test("create, read, change a product; targets keep two decimals exactly", async () => {
  const created = await admin().call("POST", "/products", platinum);
  expect(created.status).toBe(201);
  expect(await created.json()).toMatchObject({
    productCode: "LIFE-PLAT",
    type: "life",
    name: platinum.name,
    targetAmount: "120000.00",
  });

  const changed = await admin().call("PATCH", "/products/LIFE-PLAT", { targetAmount: "999999999999.99" });
  expect(changed.status).toBe(200);
  expect((await changed.json()).targetAmount).toBe("999999999999.99");
  const [rows] = await db.handle.pool.query(
    "SELECT CAST(target_amount AS CHAR) AS t FROM products WHERE product_code = 'LIFE-PLAT'",
  );
  expect((rows as Array<{ t: string }>)[0]!.t).toBe("999999999999.99");

  const asNumber = await admin().call("PATCH", "/products/LIFE-PLAT", { targetAmount: 0.1 });
  expect((await asNumber.json()).targetAmount).toBe("0.10");
});

test("amounts that are not exact two-decimal money are refused", async () => {
  for (const targetAmount of [1.005, "12.345", -5, "1e5", "abc", 0, "1234567890123.00", null]) {
    const res = await admin().call("POST", "/products", { ...platinum, productCode: "BAD-AMT", targetAmount });
    expect(res.status, String(targetAmount)).toBe(400);
    expect((await res.json()).errors.map((e: { field: string }) => e.field)).toContain("targetAmount");
  }
  expect((await admin().call("GET", "/products/BAD-AMT")).status).toBe(404);
});

test("duplicate product code is 409; unknown product 404", async () => {
  expect((await admin().call("POST", "/products", platinum)).status).toBe(409);
  expect((await admin().call("GET", "/products/NOPE")).status).toBe(404);
  expect((await admin().call("PATCH", "/products/NOPE", { name: "x" })).status).toBe(404);
  expect((await admin().call("DELETE", "/products/NOPE")).status).toBe(404);
});

test("a product with sales cannot be deleted; one without can", async () => {
  await admin().call("POST", "/products", { ...platinum, productCode: "SOLD" });
  await insertSaleRow(db, { saleRef: "P-1", agentCode: "AGT004", productCode: "SOLD", amount: "1.00" });
  const refused = await admin().call("DELETE", "/products/SOLD");
  expect(refused.status).toBe(409);
  expect((await admin().call("GET", "/products/SOLD")).status).toBe(200);

  await admin().call("POST", "/products", { ...platinum, productCode: "UNSOLD" });
  expect((await admin().call("DELETE", "/products/UNSOLD")).status).toBe(204);
  expect((await admin().call("GET", "/products/UNSOLD")).status).toBe(404);
});

test("list filters by type and pages in code order", async () => {
  for (const [code, type] of [
    ["VEH-FULL", "vehicle"],
    ["VEH-TP", "Vehicle"],
    ["HEALTH-FAM", "health"],
  ]) {
    expect((await admin().call("POST", "/products", { ...platinum, productCode: code, type })).status).toBe(201);
  }
  const vehicles = await (await admin().call("GET", "/products?type=vehicle")).json();
  expect(vehicles.items.map((p: { productCode: string }) => p.productCode)).toEqual(["VEH-FULL", "VEH-TP"]);
  const first = await (await admin().call("GET", "/products?limit=2")).json();
  const second = await (await admin().call("GET", `/products?limit=2&cursor=${first.nextCursor}`)).json();
  expect([...first.items, ...second.items].map((p: { productCode: string }) => p.productCode)).toEqual([
    "HEALTH-FAM",
    "LIFE-PLAT",
    "SOLD",
    "VEH-FULL",
  ]);
});
