// The ways a notification leaves the system. Each throws when delivery failed.
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { Database } from "../../db/client.js";
import { agents, type notificationChannels, type notifications } from "../../db/schema/index.js";
import type { Logger } from "../../runtime/logger.js";
import { type Trace, traceFields, traceHeaders } from "../../runtime/trace.js";

export type NotificationRow = typeof notifications.$inferSelect;
export type Channel = (typeof notificationChannels)[number];
/** Sends one notification; `trace` is this delivery's span of the request that created it. */
export type Send = (n: NotificationRow, trace?: Trace) => Promise<void>;

/** A failure no retry can fix (a channel or address not configured): the notification fails at once. */
export class PermanentFailure extends Error {}

export interface ChannelConfig {
  webhookUrl?: string;
  webhookTimeoutMs: number;
  smtpUrl?: string;
  smtpCaCert?: string;
  emailFrom: string;
  /** Where mail for team:, branch: and product: recipients goes; agents get mail at their own address. */
  emailTo?: string;
}

export function createChannels(config: ChannelConfig, db: Database, logger: Logger): Record<Channel, Send> {
  // smtp:// upgrades with STARTTLS whenever the relay offers it; AUTH uses the URL's user and password.
  const mailer = config.smtpUrl
    ? nodemailer.createTransport({
        url: config.smtpUrl,
        ...(config.smtpCaCert ? { tls: { ca: config.smtpCaCert } } : {}),
      })
    : undefined;

  async function emailAddressOf(recipient: string): Promise<string> {
    if (!recipient.includes(":")) {
      const [agent] = await db.select({ email: agents.email }).from(agents).where(eq(agents.agentCode, recipient));
      if (agent) return agent.email;
    }
    if (config.emailTo) return config.emailTo;
    throw new PermanentFailure(
      `no email address for recipient ${recipient}: it is not an agent and NOTIFY_EMAIL_TO is not set`,
    );
  }

  return {
    async log(n, trace) {
      logger.info(
        { ...traceFields(trace), notificationId: n.id, recipient: n.recipient, type: n.type, message: n.message },
        "notification",
      );
    },

    async webhook(n, trace) {
      if (!config.webhookUrl)
        throw new PermanentFailure("the webhook channel is not configured: set NOTIFY_WEBHOOK_URL");
      const res = await fetch(config.webhookUrl, {
        method: "POST",
        // Receivers drop repeats by this key: a delivery retried after a crash is not a second message.
        headers: {
          "content-type": "application/json",
          "idempotency-key": `notification-${n.id}`,
          // The receiver can log the same request id and continue the trace.
          ...traceHeaders(trace),
        },
        body: JSON.stringify({
          id: n.id,
          recipient: n.recipient,
          type: n.type,
          message: n.message,
          dedupeKey: n.dedupeKey,
          createdAt: n.createdAt.toISOString(),
        }),
        signal: AbortSignal.timeout(config.webhookTimeoutMs),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    },

    async email(n, trace) {
      if (!mailer) throw new PermanentFailure("the email channel is not configured: set SMTP_URL");
      await mailer.sendMail({
        from: config.emailFrom,
        to: await emailAddressOf(n.recipient),
        subject: `Moon Insurance: ${n.type === "TARGET_ACHIEVED" ? "target achieved" : n.type.toLowerCase()}`,
        text: n.message,
        headers: { "X-Moon-Notification": String(n.id), ...traceHeaders(trace) },
      });
    },
  };
}
