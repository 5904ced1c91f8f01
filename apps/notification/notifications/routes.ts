import { createRoute } from "@hono/zod-openapi";
import { allow, canRead, canWrite } from "../../http/auth.js";
import { commonProblems, jsonBody, jsonResponse, problems } from "../../http/fields.js";
import {
  listNotificationsQuery,
  newNotificationBody,
  notificationChangesBody,
  notificationIdParam,
  notificationPage,
  notificationSchema,
} from "./schemas.js";

const tags = ["notifications"];
/** The sales service (and other systems) send with the integration role. */
const canSend = allow("admin", "integration");

export const createNotification = createRoute({
  method: "post",
  path: "/notifications",
  tags,
  summary: "Queue a notification for delivery (integration, admin); idempotent by dedupeKey",
  middleware: [canSend] as const,
  request: { body: jsonBody(newNotificationBody) },
  responses: {
    201: jsonResponse(notificationSchema, "Queued"),
    200: jsonResponse(notificationSchema, "This API key sent this dedupeKey with the same details: the stored one"),
    ...problems(...commonProblems, 409, 415),
  },
});

export const listNotifications = createRoute({
  method: "get",
  path: "/notifications",
  tags,
  summary: "List notifications, filtered, oldest first",
  middleware: [canRead] as const,
  request: { query: listNotificationsQuery },
  responses: { 200: jsonResponse(notificationPage, "A page of notifications"), ...problems(...commonProblems) },
});

export const getNotification = createRoute({
  method: "get",
  path: "/notifications/{id}",
  tags,
  summary: "Get one notification",
  middleware: [canRead] as const,
  request: { params: notificationIdParam },
  responses: { 200: jsonResponse(notificationSchema, "The notification"), ...problems(...commonProblems, 404) },
});

export const updateNotification = createRoute({
  method: "patch",
  path: "/notifications/{id}",
  tags,
  summary: "Set a notification's status (integration, admin): PENDING retries it",
  middleware: [canSend] as const,
  request: { params: notificationIdParam, body: jsonBody(notificationChangesBody) },
  responses: {
    200: jsonResponse(notificationSchema, "The changed notification"),
    ...problems(...commonProblems, 404, 415),
  },
});

export const deleteNotification = createRoute({
  method: "delete",
  path: "/notifications/{id}",
  tags,
  summary: "Delete a notification (admin)",
  middleware: [canWrite] as const,
  request: { params: notificationIdParam },
  responses: { 204: { description: "Deleted" }, ...problems(...commonProblems, 404) },
});
