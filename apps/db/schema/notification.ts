// Tables owned by the notification service: only apps/notification writes them; any service may read.
import { index, int, mysqlEnum, mysqlTable, text, timestamp, unique, varchar } from "drizzle-orm/mysql-core";
import { createdAt, exactVarchar, id, traceColumns, updatedAt } from "./columns.js";

export const notificationTypes = ["TARGET_ACHIEVED", "MILESTONE", "REMINDER", "CUSTOM"] as const;
export const notificationStatuses = ["PENDING", "SENT", "FAILED"] as const;
export const notificationChannels = ["log", "webhook", "email"] as const;

export const notifications = mysqlTable(
  "notifications",
  {
    id: id(),
    /** An agent code, or `team:<name>`, `branch:<name>`, `product:<code>`. */
    recipient: exactVarchar("recipient", 128).notNull(),
    type: mysqlEnum("type", notificationTypes).notNull(),
    channel: mysqlEnum("channel", notificationChannels).notNull().default("log"),
    message: text("message").notNull(),
    status: mysqlEnum("status", notificationStatuses).notNull().default("PENDING"),
    /** Unique per sending API key (`dedupe_owner`), so one client cannot claim another's keys. */
    dedupeKey: exactVarchar("dedupe_key", 191),
    /** The sending key's `caller` id; NULL on rows from before keys were kept apart. */
    dedupeOwner: varchar("dedupe_owner", { length: 16 }),
    attempts: int("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { fsp: 3, mode: "date" }),
    /** Set by the worker that claimed the row, so two workers (blue and green) do not deliver it at once. */
    leaseToken: varchar("lease_token", { length: 36 }),
    sentAt: timestamp("sent_at", { fsp: 3, mode: "date" }),
    /** The request that created it; the delivery carries it on (webhook headers, log lines). */
    ...traceColumns(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("notifications_owner_dedupe_key_uq").on(t.dedupeOwner, t.dedupeKey),
    index("notifications_recipient_idx").on(t.recipient, t.id),
    index("notifications_status_idx").on(t.status, t.nextAttemptAt),
    index("notifications_created_idx").on(t.createdAt),
    index("notifications_lease_idx").on(t.leaseToken),
    index("notifications_type_idx").on(t.type, t.id),
    // The aggregator finds the days whose notifications changed since its last run.
    index("notifications_updated_idx").on(t.updatedAt),
  ],
);
