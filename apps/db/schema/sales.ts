// Tables owned by the sales service: only apps/sales writes them; any service may read.
import { bigint, date, index, mysqlTable, timestamp, varchar } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";
import { createdAt, id, money, updatedAt } from "./columns.js";

export const sales = mysqlTable(
  "sales",
  {
    id: id(),
    /** The core system's id for the sale: the idempotency key. */
    saleRef: varchar("sale_ref", { length: 64 }).notNull().unique("sales_sale_ref_uq"),
    agentCode: varchar("agent_code", { length: 32 }).notNull(),
    productCode: varchar("product_code", { length: 32 }).notNull(),
    amount: money("amount").notNull(),
    saleDate: date("sale_date", { mode: "string" }).notNull(),
    /** Branch and team as of the sale, so later moves of the agent do not rewrite history. */
    branch: varchar("branch", { length: 64 }).notNull(),
    team: varchar("team", { length: 64 }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("sales_date_idx").on(t.saleDate),
    index("sales_agent_date_idx").on(t.agentCode, t.saleDate),
    index("sales_product_date_idx").on(t.productCode, t.saleDate),
    index("sales_branch_date_idx").on(t.branch, t.saleDate),
    index("sales_team_date_idx").on(t.team, t.saleDate),
  ],
);

/**
 * Change log of sale days, written in the same transaction as every insert, update and delete of a
 * sale (old and new day on a date change). The aggregator reads it to recompute only touched days.
 */
export const saleChanges = mysqlTable(
  "sale_changes",
  {
    id: id(),
    saleId: bigint("sale_id", { mode: "number", unsigned: true }).notNull(),
    saleDate: date("sale_date", { mode: "string" }).notNull(),
    changedAt: timestamp("changed_at", { fsp: 3, mode: "date" }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [index("sale_changes_changed_idx").on(t.changedAt)],
);
