// Demo sales and targets of the scenario in docs/domain.md, loaded once through the service's own write paths, so the
// change log, target progress and alerts come out as they would for real traffic.
import { and, eq } from "drizzle-orm";
import type { DbHandle } from "../db/client.js";
import { targets } from "../db/schema/index.js";
import { recordSales } from "./sales/record.js";
import type { NewSale } from "./sales/schemas.js";
import { TargetBook } from "./targets/book.js";
import type { NewTarget } from "./targets/schemas.js";
import { createTarget } from "./targets/store.js";

/** Branch totals Colombo 212,000; Kandy 191,000; …; team totals Beta 222,000; …; every product on target. */
export const demoSales: NewSale[] = [
  {
    saleRef: "DEMO-0001",
    agentCode: "AGT004",
    productCode: "LIFE-PLAT",
    amount: "125000.00",
    saleDate: "2024-03-01",
    branch: "Colombo",
  },
  {
    saleRef: "DEMO-0002",
    agentCode: "AGT005",
    productCode: "VEH-FULL",
    amount: "92000.00",
    saleDate: "2024-03-02",
    branch: "Kandy",
  },
  {
    saleRef: "DEMO-0003",
    agentCode: "AGT006",
    productCode: "HEALTH-FAM",
    amount: "100000.00",
    saleDate: "2024-03-05",
    branch: "Galle",
  },
  {
    saleRef: "DEMO-0004",
    agentCode: "AGT007",
    productCode: "LIFE-BASIC",
    amount: "61000.00",
    saleDate: "2024-03-06",
    branch: "Matara",
  },
  {
    saleRef: "DEMO-0005",
    agentCode: "AGT008",
    productCode: "VEH-TP",
    amount: "32000.00",
    saleDate: "2024-03-07",
    branch: "Jaffna",
  },
  {
    saleRef: "DEMO-0006",
    agentCode: "AGT009",
    productCode: "LIFE-PLAT",
    amount: "130000.00",
    saleDate: "2024-03-08",
    branch: "Anuradhapura",
  },
  {
    saleRef: "DEMO-0007",
    agentCode: "AGT010",
    productCode: "VEH-FULL",
    amount: "87000.00",
    saleDate: "2024-03-11",
    branch: "Colombo",
  },
  {
    saleRef: "DEMO-0008",
    agentCode: "AGT011",
    productCode: "HEALTH-FAM",
    amount: "99000.00",
    saleDate: "2024-03-12",
    branch: "Kandy",
  },
];

export const demoTargets: NewTarget[] = [
  { scope: "product", key: "LIFE-PLAT", period: "month", amount: "120000.00", milestones: [100] },
  { scope: "product", key: "VEH-FULL", period: "month", amount: "90000.00", milestones: [100] },
  { scope: "product", key: "HEALTH-FAM", period: "month", amount: "100000.00", milestones: [100] },
  { scope: "product", key: "LIFE-BASIC", period: "month", amount: "60000.00", milestones: [100] },
  { scope: "product", key: "VEH-TP", period: "month", amount: "30000.00", milestones: [100] },
  { scope: "agent", key: "AGT004", period: "month", amount: "100000.00", milestones: [50, 100] },
  { scope: "team", key: "Beta", period: "quarter", amount: "200000.00", milestones: [50, 100] },
  { scope: "branch", key: "Colombo", period: "month", amount: "250000.00", milestones: [50, 100] },
];

/** Targets first (so the sales raise their alerts), then the sales; existing ones are left alone. */
export async function seedSalesData({ db }: DbHandle): Promise<void> {
  for (const t of demoTargets) {
    const [existing] = await db
      .select({ id: targets.id })
      .from(targets)
      .where(and(eq(targets.scope, t.scope), eq(targets.key, t.key), eq(targets.period, t.period)));
    if (!existing) await createTarget(db, t);
  }
  const outcomes = await recordSales(db, new TargetBook(), demoSales);
  // 409 means a developer corrected a demo sale since: theirs stands.
  const refused = outcomes.filter((o) => o.status === 422);
  if (refused.length) throw new Error(`demo sales refused: ${JSON.stringify(refused)}`);
}
