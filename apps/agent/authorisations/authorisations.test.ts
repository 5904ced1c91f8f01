import { afterAll, beforeAll, expect, test } from "vitest";
import type { TestDatabase } from "../../../test/databases.js";
import { client, startOnFreshDatabase } from "../../../test/services.js";
import type { StartedService } from "../../http/service.js";
import { agentService } from "../service.js";

let db: TestDatabase;
let svc: StartedService;
let stop: () => Promise<void>;
const admin = () => client(svc.url, "admin");

beforeAll(async () => {
  ({ db, svc, stop } = await startOnFreshDatabase(agentService));
  await admin().call("POST", "/agents", {
    agentCode: "AGT004",
    firstName: "Anura",
    lastName: "Jayasinghe",
    email: "a@moon.lk",
    branch: "Colombo",
    team: "Alpha",
  });
  for (const productCode of ["LIFE-PLAT", "LIFE-BASIC", "VEH-TP"]) {
    await admin().call("POST", "/products", { productCode, type: "life", name: productCode, targetAmount: "1000" });
  }
});
afterAll(() => stop?.());

const authorised = async () =>
  (await (await admin().call("GET", "/agents/AGT004/products")).json()).items.map(
    (p: { productCode: string }) => p.productCode,
  );

test("authorise is idempotent, also when raced", async () => {
  const first = await admin().call("PUT", "/agents/AGT004/products/LIFE-PLAT");
  expect(first.status).toBe(201);
  const again = await admin().call("PUT", "/agents/AGT004/products/LIFE-PLAT");
  expect(again.status).toBe(200);
  const raced = await Promise.all(
    Array.from({ length: 10 }, () => admin().call("PUT", "/agents/AGT004/products/VEH-TP")),
  );
  expect(raced.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  expect(await authorised()).toEqual(["LIFE-PLAT", "VEH-TP"]);
});

test("revoke removes the authorisation; revoking again is 404", async () => {
  expect((await admin().call("DELETE", "/agents/AGT004/products/VEH-TP")).status).toBe(204);
  expect((await admin().call("DELETE", "/agents/AGT004/products/VEH-TP")).status).toBe(404);
  expect(await authorised()).toEqual(["LIFE-PLAT"]);
});

test("unknown agent or product is 404 and stores nothing", async () => {
  expect((await admin().call("PUT", "/agents/NOPE/products/LIFE-PLAT")).status).toBe(404);
  expect((await admin().call("PUT", "/agents/AGT004/products/NOPE")).status).toBe(404);
  expect((await admin().call("GET", "/agents/NOPE/products")).status).toBe(404);
  const [rows] = await db.handle.pool.query("SELECT COUNT(*) AS n FROM agent_products");
  expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBe(1);
});

test("deleting an agent without sales removes its authorisations", async () => {
  await admin().call("POST", "/agents", {
    agentCode: "TEMP",
    firstName: "T",
    lastName: "T",
    email: "t@moon.lk",
    branch: "Galle",
    team: "Beta",
  });
  await admin().call("PUT", "/agents/TEMP/products/LIFE-BASIC");
  expect((await admin().call("DELETE", "/agents/TEMP")).status).toBe(204);
  const [rows] = await db.handle.pool.query("SELECT COUNT(*) AS n FROM agent_products WHERE agent_code = 'TEMP'");
  expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBe(0);
});
