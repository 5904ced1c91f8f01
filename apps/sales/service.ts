import { z } from "zod";
import { servicePort } from "../../contract/index.js";
import type { ServiceDefinition } from "../http/service.js";
import { startAlertRelay } from "./alerts/relay.js";
import { salesDbGauges, salesMetrics } from "./metrics.js";
import { registerSaleRoutes } from "./sales/handlers.js";
import { TargetBook } from "./targets/book.js";
import { startEvaluator } from "./targets/evaluator.js";
import { registerTargetRoutes } from "./targets/handlers.js";
import { registerSetAsideRoutes } from "./targets/set-aside.js";

const salesEnv = {
  /** Base URL of the notification service of the same colour, e.g. http://notification-blue:8002. */
  NOTIFICATION_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), "must be an http(s):// URL"),
  /** A key the notification service accepts with the integration role. */
  NOTIFICATION_API_KEY: z.string().min(16, "must be at least 16 characters"),
  /** Channel the notification service delivers target alerts on. */
  ALERT_CHANNEL: z.enum(["log", "webhook", "email"]).default("log"),
  ALERT_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  ALERT_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
  ALERT_RETRY_MAX_MS: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
};

export const salesService: ServiceDefinition<typeof salesEnv> = {
  name: "sales",
  title: "Moon Agent Tracker: sales service",
  description: "Sales pushed by the core systems, targets and progress, and target alerts raised exactly once.",
  defaultPort: servicePort("sales"),
  extraEnv: salesEnv,
  dbGauges: salesDbGauges,
  routes: (app, { db, metrics }) => {
    const book = new TargetBook();
    registerSaleRoutes(app, db, book, salesMetrics(metrics));
    registerSetAsideRoutes(app, db);
    registerTargetRoutes(app, db);
  },
  workers: ({ db, logger, env, metrics }) => [
    startEvaluator(db, logger, env.ALERT_POLL_MS, salesMetrics(metrics)),
    startAlertRelay(db, logger, {
      notificationUrl: env.NOTIFICATION_URL,
      apiKey: env.NOTIFICATION_API_KEY,
      channel: env.ALERT_CHANNEL,
      pollMs: env.ALERT_POLL_MS,
      retryBaseMs: env.ALERT_RETRY_BASE_MS,
      retryMaxMs: env.ALERT_RETRY_MAX_MS,
    }),
  ],
};
