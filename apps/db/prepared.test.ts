import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { connect } from "./client.js";
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

  it("answers many lookups at once over a small pool, each with its own key's row", async () => {
    const handle = connect(t.url, { poolSize: 2 });
    try {
      const read = rowByKey(agents, agents.agentCode);
      const codes = (await t.handle.db.select().from(agents)).map((r) => r.agentCode);
      const wanted = Array.from({ length: 200 }, (_, i) => codes[i % codes.length]!);
      const rows = await Promise.all(wanted.map((code) => read(handle.db, code)));
      expect(rows.map((r) => r?.agentCode)).toStrictEqual(wanted);
    } finally {
      await handle.close();
    }
  });

  it("prepares the statement again when the server has forgotten it (connection reset)", async () => {
    const handle = connect(t.url, { poolSize: 1 });
    try {
      const read = rowByKey(agents, agents.agentCode);
      const before = await read(handle.db, "AGT004");
      expect(before?.agentCode).toBe("AGT004");
      // COM_RESET_CONNECTION drops the connection's prepared statements on the server.
      const conn = await handle.pool.getConnection();
      const core = conn.connection as unknown as { reset(cb: (err: unknown) => void): void };
      await new Promise<void>((done, fail) => core.reset((err) => (err ? fail(err) : done())));
      await conn.query("SET time_zone = '+00:00'");
      conn.release();
      expect(await read(handle.db, "AGT004")).toStrictEqual(before);
    } finally {
      await handle.close();
    }
  });
});
