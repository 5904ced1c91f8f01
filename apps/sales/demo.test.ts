import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { seedAgentData } from "../db/seed.js";
import { demoSales, seedSalesData } from "./demo.js";
import { evaluateOnce } from "./targets/evaluator.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
  await seedAgentData(db.handle);
});
afterAll(async () => {
  await db?.drop();
});

const query = async <T>(sql: string) => (await db.handle.pool.query(sql))[0] as T[];

test("demo sales reproduce docs/domain.md's branch and team totals, and load once", async () => {
  await seedSalesData(db.handle);
  await seedSalesData(db.handle);
  expect(await query<{ n: number }>("SELECT COUNT(*) AS n FROM sales")).toEqual([{ n: demoSales.length }]);
  expect(await query<{ n: number }>("SELECT COUNT(*) AS n FROM sale_changes")).toEqual([{ n: demoSales.length }]);
  expect(
    await query("SELECT branch, SUM(amount) AS total FROM sales GROUP BY branch ORDER BY total DESC, branch"),
  ).toEqual([
    { branch: "Colombo", total: "212000.00" },
    { branch: "Kandy", total: "191000.00" },
    { branch: "Anuradhapura", total: "130000.00" },
    { branch: "Galle", total: "100000.00" },
    { branch: "Matara", total: "61000.00" },
    { branch: "Jaffna", total: "32000.00" },
  ]);
  expect(await query("SELECT team, SUM(amount) AS total FROM sales GROUP BY team ORDER BY total DESC")).toEqual([
    { team: "Beta", total: "222000.00" },
    { team: "Gamma", total: "187000.00" },
    { team: "Delta", total: "160000.00" },
    { team: "Alpha", total: "157000.00" },
  ]);
});

test("every product meets its target, and the demo raises its alerts once", async () => {
  while ((await evaluateOnce(db.handle.db)) > 0);
  const alerts = await query<{ recipient: string; milestone: number }>(
    "SELECT recipient, milestone FROM target_alerts ORDER BY recipient, milestone",
  );
  expect(alerts.map((a) => `${a.recipient}@${a.milestone}`)).toEqual([
    "AGT004@50",
    "AGT004@100",
    "branch:Colombo@50",
    "product:HEALTH-FAM@100",
    "product:LIFE-BASIC@100",
    "product:LIFE-PLAT@100",
    "product:VEH-FULL@100",
    "product:VEH-TP@100",
    "team:Beta@50",
    "team:Beta@100",
  ]);
});
