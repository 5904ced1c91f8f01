// Tables owned by the sales service: only apps/sales writes them; any service may read.

import { sql } from "drizzle-orm";
import {
  bigint,
  date,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  tinyint,
  unique,
  varchar,
} from "drizzle-orm/mysql-core";
import { createdAt, exactVarchar, id, money, total, traceColumns, updatedAt } from "./columns.js";

export const sales = mysqlTable(
  "sales",
  {
    id: id(),
    /** The core system's id for the sale: the idempotency key, case-sensitive (`CORE-1` is not `core-1`). */
    saleRef: exactVarchar("sale_ref", 64).notNull().unique("sales_sale_ref_uq"),
    agentCode: exactVarchar("agent_code", 32).notNull(),
    productCode: exactVarchar("product_code", 32).notNull(),
    amount: money("amount").notNull(),
    saleDate: date("sale_date", { mode: "string" }).notNull(),
    /** Branch and team as of the sale, so later moves of the agent do not rewrite history. */
    branch: exactVarchar("branch", 64).notNull(),
    team: exactVarchar("team", 64).notNull(),
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

export const targetScopes = ["agent", "team", "branch", "product"] as const;
export const targetPeriods = ["month", "quarter", "year"] as const;

/** A sales target that recurs every period: e.g. team Alpha, 300,000.00 a quarter. */
export const targets = mysqlTable(
  "targets",
  {
    id: id(),
    scope: mysqlEnum("scope", targetScopes).notNull(),
    /** Agent code, team name, branch name or product code, as `scope` says. */
    key: exactVarchar("target_key", 64).notNull(),
    period: mysqlEnum("period", targetPeriods).notNull(),
    amount: money("amount").notNull(),
    /** Percentages of `amount` that raise an alert, ascending, comma-separated ("50,100"). */
    milestones: varchar("milestones", { length: 100 }).notNull().default("100"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("targets_scope_key_period_uq").on(t.scope, t.key, t.period)],
);

/**
 * One row whose revision every target write bumps under an exclusive lock. Recording a sale holds it
 * shared, so a target is never created or changed while a sale that it should count is in flight.
 */
export const targetsRevision = mysqlTable("targets_revision", {
  id: tinyint("id", { unsigned: true }).primaryKey(),
  revision: bigint("revision", { mode: "number", unsigned: true }).notNull().default(0),
});

/**
 * What each sale (or correction) adds to or takes from a target's period, written in the sale's own
 * transaction. It is insert-only, so concurrent sales never wait on each other; the evaluator folds
 * events into target_progress and raises alerts, deleting the events in that same transaction.
 */
export const progressEvents = mysqlTable(
  "progress_events",
  {
    id: id(),
    targetId: bigint("target_id", { mode: "number", unsigned: true }).notNull(),
    periodStart: date("period_start", { mode: "string" }).notNull(),
    delta: total("delta").notNull(),
    /** The request that recorded or corrected the sale, so the alert it raises can name it. */
    ...traceColumns(),
    createdAt: createdAt(),
    /** Set when folding this event failed on its data: the evaluator leaves it for a person to look at. */
    setAsideAt: timestamp("set_aside_at", { fsp: 3, mode: "date" }),
    /** The database's error for a set-aside event. */
    setAsideError: text("set_aside_error"),
  },
  (t) => [index("progress_events_target_idx").on(t.targetId, t.periodStart)],
);

/** Running total of each target in each period it has sales in: the sum of its folded events. */
export const targetProgress = mysqlTable(
  "target_progress",
  {
    targetId: bigint("target_id", { mode: "number", unsigned: true }).notNull(),
    periodStart: date("period_start", { mode: "string" }).notNull(),
    achieved: total("achieved").notNull(),
  },
  (t) => [primaryKey({ columns: [t.targetId, t.periodStart] })],
);

export const alertStatuses = ["PENDING", "DELIVERED", "FAILED"] as const;

/**
 * The alert outbox: one row per (target, period, milestone) ever reached, written in the transaction
 * that moves the progress across it; the unique key is what makes an alert happen once. A relay hands
 * each row to the notification service.
 */
export const targetAlerts = mysqlTable(
  "target_alerts",
  {
    id: id(),
    targetId: bigint("target_id", { mode: "number", unsigned: true }).notNull(),
    periodStart: date("period_start", { mode: "string" }).notNull(),
    milestone: smallint("milestone", { unsigned: true }).notNull(),
    recipient: exactVarchar("recipient", 128).notNull(),
    type: mysqlEnum("type", ["TARGET_ACHIEVED", "MILESTONE"]).notNull(),
    message: text("message").notNull(),
    status: mysqlEnum("status", alertStatuses).notNull().default("PENDING"),
    attempts: int("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { fsp: 3, mode: "date" }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
    /** Set by the relay that claimed the row, so two relays (blue and green) do not send it at once. */
    leaseToken: varchar("lease_token", { length: 36 }),
    notificationId: bigint("notification_id", { mode: "number", unsigned: true }),
    deliveredAt: timestamp("delivered_at", { fsp: 3, mode: "date" }),
    /** The request whose sale crossed the milestone; the relay passes it on to the notification service. */
    ...traceColumns(),
    createdAt: createdAt(),
  },
  (t) => [
    unique("target_alerts_once_uq").on(t.targetId, t.periodStart, t.milestone),
    index("target_alerts_due_idx").on(t.status, t.nextAttemptAt),
    index("target_alerts_lease_idx").on(t.leaseToken),
  ],
);
