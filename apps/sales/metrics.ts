// The sales service's business metrics (names shared with the alert rules and dashboards).
import { Counter, Histogram } from "prom-client";
import type { DbGauge } from "../http/service-metrics.js";
import { perRegistry } from "../http/service-metrics.js";

/** Why a sale was not recorded: a bounded set, so the label stays cheap. */
export const refusalReasons = [
  "validation",
  "unknown_agent",
  "unknown_product",
  "not_authorised",
  "inactive_agent",
  "conflict",
] as const;
export type RefusalReason = (typeof refusalReasons)[number];

export const salesMetrics = perRegistry((registry) => {
  const recorded = new Counter({
    name: "moon_sales_recorded_total",
    help: "Sales recorded (new, not replays), by the endpoint they came through",
    labelNames: ["path"] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: "moon_sales_refused_total",
    help: "Sales refused, by reason (a batch counts each refused item)",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const batchItems = new Histogram({
    name: "moon_sales_batch_items",
    help: "Items per POST /sales/batch",
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const alertsRaised = new Counter({
    name: "moon_target_alerts_raised_total",
    help: "Target alerts raised (each milestone of each target period once)",
    labelNames: ["type"] as const,
    registers: [registry],
  });
  // Every series exists from the start, so rate() and increase() see the first event.
  for (const path of ["single", "batch"]) recorded.inc({ path }, 0);
  for (const reason of refusalReasons) refused.inc({ reason }, 0);
  for (const type of ["TARGET_ACHIEVED", "MILESTONE"]) alertsRaised.inc({ type }, 0);
  return { recorded, refused, batchItems, alertsRaised };
});

export type SalesMetrics = ReturnType<typeof salesMetrics>;

/** Read on scrape; the same on every replica, so rules take max(). */
export const salesDbGauges: DbGauge[] = [
  {
    name: "moon_target_outbox_pending",
    help: "Target alerts raised but not yet handed to the notification service",
    sql: "SELECT COUNT(*) AS value FROM target_alerts WHERE status = 'PENDING'",
  },
  {
    name: "moon_target_outbox_oldest_age_seconds",
    help: "Age of the oldest target alert not yet handed to the notification service (0 when none)",
    sql: `SELECT COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) / 1e6, 0) AS value
          FROM target_alerts WHERE status = 'PENDING'`,
  },
  {
    name: "moon_target_evaluator_lag_seconds",
    help: "Age of the oldest progress event the evaluator has not folded yet (0 when none)",
    sql: `SELECT COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) / 1e6, 0) AS value
          FROM (SELECT created_at FROM progress_events WHERE set_aside_at IS NULL ORDER BY id LIMIT 1) oldest`,
  },
  {
    name: "moon_target_events_set_aside",
    help: "Progress events the evaluator set aside because the database refused to fold them (their amounts are missing from progress)",
    sql: "SELECT COUNT(*) AS value FROM progress_events WHERE set_aside_at IS NOT NULL",
  },
];
