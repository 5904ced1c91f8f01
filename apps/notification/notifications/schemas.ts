import { z } from "@hono/zod-openapi";
import { notificationChannels, notificationStatuses, notificationTypes } from "../../db/schema/index.js";
import { dateRange, idParam, isCalendarDate, isVisibleText, timestamp, visibleTextMessage } from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";

export const newNotificationBody = z
  .object({
    recipient: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .refine(isVisibleText, visibleTextMessage)
      .max(128)
      .openapi({ description: "An agent code, or team:<name>, branch:<name>, product:<code>", example: "AGT005" }),
    type: z.enum(notificationTypes),
    channel: z.enum(notificationChannels).default("log"),
    message: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(2000)
      .openapi({ example: "Nimal has reached 150k sales milestone!" }),
    dedupeKey: z.string().min(1).max(191).optional().openapi({
      description:
        "Sending the same key again with the same API key and details returns the stored notification; other details are 409. Keys are per API key and case-sensitive",
      example: "target:3:2024-03-01:100",
    }),
  })
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

export const notificationSchema = z
  .object({
    id: z.number().int(),
    recipient: z.string(),
    type: z.enum(notificationTypes),
    channel: z.enum(notificationChannels),
    message: z.string(),
    status: z.enum(notificationStatuses),
    dedupeKey: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: timestamp.nullable(),
    sentAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("Notification");

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
  recipient: z.string().max(128).optional(),
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
