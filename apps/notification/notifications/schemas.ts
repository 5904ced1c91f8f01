import { z } from "@hono/zod-openapi";
import { notificationStatuses, notifications, notificationTypes } from "../../db/schema/index.js";
import {
  canonicalRecipient,
  dateRange,
  idParam,
  isCalendarDate,
  isVisibleText,
  visibleTextMessage,
} from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";
import { apiFormats, createInsertSchema, createSelectSchema, lengthOf } from "../../http/table-schemas.js";
import type { NotificationRow } from "../delivery/channels.js";

/** What a client may send: the table's columns under the API's rules. */
export const newNotificationBody = createInsertSchema(notifications, {
  recipient: z
    .string()
    .trim()
    .overwrite(canonicalRecipient)
    .min(1, "must not be empty")
    .refine(isVisibleText, visibleTextMessage)
    .max(lengthOf(notifications.recipient))
    .openapi({
      description: "An agent code, or team:<name>, branch:<name>, product:<code> (codes in any case, kept upper)",
      example: "AGT005",
    }),
  channel: (column) => column.default("log"),
  message: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(2000)
    .openapi({ example: "Nimal has reached 150k sales milestone!" }),
  dedupeKey: z.string().min(1).max(lengthOf(notifications.dedupeKey)).optional().openapi({
    description:
      "Sending the same key again with the same API key and details returns the stored notification; other details are 409. Keys are per API key and case-sensitive",
    example: "target:3:2024-03-01:100",
  }),
})
  .pick({ recipient: true, type: true, channel: true, message: true, dedupeKey: true })
  .strict()
  .openapi("NewNotification");

export type NewNotification = z.infer<typeof newNotificationBody>;

export const notificationChangesBody = z
  .object({
    status: z
      .enum(notificationStatuses)
      .openapi({ description: "PENDING queues it for delivery again; SENT or FAILED closes it" }),
  })
  .strict()
  .openapi("NotificationChanges");

export const notificationSchema = createSelectSchema(notifications, apiFormats(notifications))
  // Who sent it, which worker holds it and the request it came from stay inside.
  .omit({ dedupeOwner: true, leaseToken: true, requestId: true, traceparent: true })
  .openapi("Notification");

export const toNotification = (row: NotificationRow): z.infer<typeof notificationSchema> => ({
  id: row.id,
  recipient: row.recipient,
  type: row.type,
  channel: row.channel,
  message: row.message,
  status: row.status,
  dedupeKey: row.dedupeKey,
  attempts: row.attempts,
  lastError: row.lastError,
  nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
  sentAt: row.sentAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const notificationIdParam = z.object({ id: idParam() });

/** A day (YYYY-MM-DD, the whole day) or an instant (ISO 8601 with time zone), on a real calendar day in range. */
const when = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))?$/,
    "must be YYYY-MM-DD or an ISO 8601 date-time with time zone",
  )
  .refine((v) => isCalendarDate(v.slice(0, 10)), "is not a calendar date")
  .refine(
    (v) => v.slice(0, 10) >= dateRange.first && v.slice(0, 10) <= dateRange.last,
    `must be between ${dateRange.first} and ${dateRange.last}`,
  );

export const listNotificationsQuery = z.object({
  recipient: z.string().max(lengthOf(notifications.recipient)).overwrite(canonicalRecipient).optional(),
  status: z.enum(notificationStatuses).optional(),
  type: z.enum(notificationTypes).optional(),
  from: when
    .optional()
    .openapi({ description: "Created at or after (a day means from its start, UTC)", example: "2024-03-01" }),
  to: when
    .optional()
    .openapi({ description: "Created at or before (a day means to its end, UTC)", example: "2024-03-31" }),
  ...pageQuery,
});

export const notificationPage = pageSchema(notificationSchema).openapi("NotificationPage");
