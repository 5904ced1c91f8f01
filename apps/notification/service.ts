import { z } from "zod";
import { servicePort } from "../../contract/index.js";
import type { ServiceDefinition } from "../http/service.js";
import { createChannels } from "./delivery/channels.js";
import { startDelivery } from "./delivery/worker.js";
import { notificationDbGauges, notificationMetrics } from "./metrics.js";
import { registerNotificationRoutes } from "./notifications/handlers.js";

const notificationEnv = {
  /** Where the webhook channel POSTs each notification as JSON; the channel fails when unset. */
  NOTIFY_WEBHOOK_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v), "must be an http(s):// URL")
    .optional(),
  NOTIFY_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** smtp(s)://user:pass@host:port for the email channel; the channel fails when unset. */
  SMTP_URL: z
    .string()
    .url()
    .refine((v) => /^smtps?:\/\//.test(v), "must be an smtp:// or smtps:// URL")
    .optional(),
  /** PEM the relay's certificate is verified against (STARTTLS or smtps), for a relay with a private CA. */
  SMTP_CA_CERT: z.string().optional(),
  NOTIFY_EMAIL_FROM: z.string().min(3).default("Moon Agent Tracker <tracker@moon.example>"),
  /** Mailbox for team, branch and product notifications (agents are mailed at their own address). */
  NOTIFY_EMAIL_TO: z.email().optional(),
  NOTIFY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().min(10).max(3_600_000).default(300_000),
};

export const notificationService: ServiceDefinition<typeof notificationEnv> = {
  name: "notification",
  title: "Moon Agent Tracker: notification service",
  description:
    "Notifications for agents and managers: stored, filtered, and delivered by log, webhook or email with retries.",
  defaultPort: servicePort("notification"),
  extraEnv: notificationEnv,
  dbGauges: notificationDbGauges,
  routes: (app, { db }) => registerNotificationRoutes(app, db),
  workers: ({ db, logger, env, metrics }) => [
    startDelivery(
      db,
      logger,
      createChannels(
        {
          webhookUrl: env.NOTIFY_WEBHOOK_URL,
          webhookTimeoutMs: env.NOTIFY_WEBHOOK_TIMEOUT_MS,
          smtpUrl: env.SMTP_URL,
          smtpCaCert: env.SMTP_CA_CERT,
          emailFrom: env.NOTIFY_EMAIL_FROM,
          emailTo: env.NOTIFY_EMAIL_TO,
        },
        db,
        logger,
      ),
      {
        pollMs: env.NOTIFY_POLL_MS,
        maxAttempts: env.NOTIFY_MAX_ATTEMPTS,
        retryBaseMs: env.NOTIFY_RETRY_BASE_MS,
        retryMaxMs: env.NOTIFY_RETRY_MAX_MS,
      },
      notificationMetrics(metrics),
    ),
  ],
};
