// The notification service's delivery metrics (names shared with the alert rules and dashboards).
import { Counter, Histogram } from "prom-client";
import { notificationChannels } from "../db/schema/index.js";
import { type DbGauge, perRegistry } from "../http/service-metrics.js";

export const deliveryOutcomes = ["delivered", "retried", "failed"] as const;

export const notificationMetrics = perRegistry((registry) => {
  const deliveries = new Counter({
    name: "moon_notification_deliveries_total",
    help: "Delivery attempts by channel and outcome: delivered, retried (will try again), failed (given up, FAILED)",
    labelNames: ["channel", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "moon_notification_delivery_duration_seconds",
    help: "Time one delivery attempt took on its channel, successful or not",
    labelNames: ["channel"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Every series exists from the start, so rate() and increase() see the first event.
  for (const channel of notificationChannels)
    for (const outcome of deliveryOutcomes) deliveries.inc({ channel, outcome }, 0);
  return { deliveries, duration };
});

export type NotificationMetrics = ReturnType<typeof notificationMetrics>;

/** Read on scrape; the same on every replica, so rules take max(). */
export const notificationDbGauges: DbGauge[] = [
  {
    name: "moon_notifications_pending",
    help: "Notifications waiting for delivery (new or to be retried)",
    sql: "SELECT COUNT(*) AS value FROM notifications WHERE status = 'PENDING'",
  },
];
