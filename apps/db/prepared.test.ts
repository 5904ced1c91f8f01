import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { rowByKey } from "./prepared.js";
import { agents, products, sales } from "./schema/index.js";
import { seedAgentData } from "./seed.js";

// rowByKey reads through mysql2's binary protocol with its own column aliases; what it returns must be
// exactly what drizzle's own select returns, for every column kind it accepts.
describe("rowByKey", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
    await seedAgentData(t.handle);
    const [agent] = await t.handle.db.select().from(agents).limit(1);
    const [product] = await t.handle.db.select().from(products).limit(1);
    await t.handle.db.insert(sales).values({
      saleRef: "Ref-Case-1",
      agentCode: agent!.agentCode,
      productCode: product!.productCode,
      amount: "1234567.89",
      saleDate: "2026-02-28",
      branch: agent!.branch,
      team: agent!.team,
    });
  });
  afterAll(() => t.drop());

  it("returns what drizzle's select returns: strings, enums, ids, timestamps, dates and money", async () => {
    const cases = [
      {
        table: agents,
        key: agents.agentCode,
        values: (await t.handle.db.select().from(agents)).map((r) => r.agentCode),
      },
      {
        table: products,
        key: products.productCode,
        values: (await t.handle.db.select().from(products)).map((r) => r.productCode),
      },
      { table: sales, key: sales.saleRef, values: ["Ref-Case-1"] },
    ];
    for (const { table, key, values } of cases) {
      expect(values.length).toBeGreaterThan(0);
      const read = rowByKey(table, key);
      for (const value of values) {
        const [expected] = await t.handle.db.select().from(table).where(eq(key, value));
        expect(await read(t.handle.db, value)).toStrictEqual(expected);
      }
    }
  });

  it("finds nothing for an unknown key, and compares exact-collation keys exactly", async () => {
    expect(await rowByKey(agents, agents.agentCode)(t.handle.db, "NO-SUCH-AGENT")).toBeUndefined();
    expect(await rowByKey(sales, sales.saleRef)(t.handle.db, "ref-case-1")).toBeUndefined();
  });
});
