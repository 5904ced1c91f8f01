import { createRoute } from "@hono/zod-openapi";
import { canRead, canWrite } from "../../http/auth.js";
import { commonProblems, jsonBody, jsonResponse, problems } from "../../http/fields.js";
import {
  listTargetsQuery,
  newTargetBody,
  progressQuery,
  progressSchema,
  targetChangesBody,
  targetIdParam,
  targetPage,
  targetSchema,
} from "./schemas.js";

const tags = ["targets"];

export const createTargetRoute = createRoute({
  method: "post",
  path: "/targets",
  tags,
  summary: "Set a recurring target for an agent, team, branch or product (admin)",
  middleware: [canWrite] as const,
  request: { body: jsonBody(newTargetBody) },
  responses: { 201: jsonResponse(targetSchema, "Created"), ...problems(...commonProblems, 409, 415, 422) },
});

export const listTargetsRoute = createRoute({
  method: "get",
  path: "/targets",
  tags,
  summary: "List targets in the order they were set",
  middleware: [canRead] as const,
  request: { query: listTargetsQuery },
  responses: { 200: jsonResponse(targetPage, "A page of targets"), ...problems(...commonProblems) },
});

export const getTargetRoute = createRoute({
  method: "get",
  path: "/targets/{id}",
  tags,
  summary: "Get one target",
  middleware: [canRead] as const,
  request: { params: targetIdParam },
  responses: { 200: jsonResponse(targetSchema, "The target"), ...problems(...commonProblems, 404) },
});

export const updateTargetRoute = createRoute({
  method: "patch",
  path: "/targets/{id}",
  tags,
  summary: "Change a target's amount or milestones (admin)",
  middleware: [canWrite] as const,
  request: { params: targetIdParam, body: jsonBody(targetChangesBody) },
  responses: { 200: jsonResponse(targetSchema, "The changed target"), ...problems(...commonProblems, 404, 415) },
});

export const deleteTargetRoute = createRoute({
  method: "delete",
  path: "/targets/{id}",
  tags,
  summary: "Delete a target (admin)",
  middleware: [canWrite] as const,
  request: { params: targetIdParam },
  responses: { 204: { description: "Deleted" }, ...problems(...commonProblems, 404) },
});

export const targetProgressRoute = createRoute({
  method: "get",
  path: "/targets/{id}/progress",
  tags,
  summary: "Progress towards a target in one period (the current one by default)",
  middleware: [canRead] as const,
  request: { params: targetIdParam, query: progressQuery },
  responses: { 200: jsonResponse(progressSchema, "Progress"), ...problems(...commonProblems, 404) },
});
