// Tables owned by the agent service: only apps/agent writes them; any service may read.

import { sql } from "drizzle-orm";
import { index, mysqlEnum, mysqlTable, primaryKey, timestamp, varchar } from "drizzle-orm/mysql-core";
import { createdAt, exactVarchar, id, money, updatedAt } from "./columns.js";

export const agentStatuses = ["active", "inactive"] as const;

export const agents = mysqlTable(
  "agents",
  {
    id: id(),
    agentCode: exactVarchar("agent_code", 32).notNull().unique("agents_agent_code_uq"),
    firstName: varchar("first_name", { length: 100 }).notNull(),
    lastName: varchar("last_name", { length: 100 }).notNull(),
    email: varchar("email", { length: 254 }).notNull(),
    phone: varchar("phone", { length: 32 }),
    branch: exactVarchar("branch", 64).notNull(),
    team: exactVarchar("team", 64).notNull(),
    status: mysqlEnum("status", agentStatuses).notNull().default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("agents_branch_idx").on(t.branch, t.agentCode),
    index("agents_team_idx").on(t.team, t.agentCode),
    index("agents_status_idx").on(t.status, t.agentCode),
  ],
);

export const products = mysqlTable("products", {
  id: id(),
  productCode: exactVarchar("product_code", 32).notNull().unique("products_product_code_uq"),
  type: varchar("type", { length: 32 }).notNull(),
  name: varchar("name", { length: 200 }).notNull(),
  targetAmount: money("target_amount").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Which products an agent may sell. Codes are immutable, so they serve as keys. */
export const agentProducts = mysqlTable(
  "agent_products",
  {
    agentCode: exactVarchar("agent_code", 32)
      .notNull()
      .references(() => agents.agentCode, { onDelete: "cascade" }),
    productCode: exactVarchar("product_code", 32)
      .notNull()
      .references(() => products.productCode, { onDelete: "cascade" }),
    authorisedAt: timestamp("authorised_at", { fsp: 3, mode: "date" }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [primaryKey({ columns: [t.agentCode, t.productCode] }), index("agent_products_product_idx").on(t.productCode)],
);
