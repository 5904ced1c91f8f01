import { createRoute, z } from "@hono/zod-openapi";
import { canRead, canWrite } from "../../http/auth.js";
import { commonProblems, jsonBody, jsonResponse, problems } from "../../http/fields.js";
import {
  agentCodeParam,
  agentPage,
  agentSchema,
  createAgentBody,
  listAgentsQuery,
  updateAgentBody,
} from "./schemas.js";

const tags = ["agents"];

export const createAgent = createRoute({
  method: "post",
  path: "/agents",
  tags,
  summary: "Create an agent (admin)",
  middleware: [canWrite] as const,
  request: { body: jsonBody(createAgentBody) },
  responses: { 201: jsonResponse(agentSchema, "Created"), ...problems(...commonProblems, 409, 415) },
});

export const listAgents = createRoute({
  method: "get",
  path: "/agents",
  tags,
  summary: "List agents, filtered, in agent-code order",
  middleware: [canRead] as const,
  request: { query: listAgentsQuery },
  responses: { 200: jsonResponse(agentPage, "A page of agents"), ...problems(...commonProblems) },
});

export const getAgent = createRoute({
  method: "get",
  path: "/agents/{agentCode}",
  tags,
  summary: "Get one agent",
  middleware: [canRead] as const,
  request: { params: agentCodeParam },
  responses: { 200: jsonResponse(agentSchema, "The agent"), ...problems(...commonProblems, 404) },
});

export const updateAgent = createRoute({
  method: "patch",
  path: "/agents/{agentCode}",
  tags,
  summary: "Change some of an agent's fields (admin)",
  middleware: [canWrite] as const,
  request: { params: agentCodeParam, body: jsonBody(updateAgentBody) },
  responses: { 200: jsonResponse(agentSchema, "The changed agent"), ...problems(...commonProblems, 404, 415) },
});

export const deleteAgent = createRoute({
  method: "delete",
  path: "/agents/{agentCode}",
  tags,
  summary: "Delete an agent (admin); one with recorded sales is deactivated instead",
  middleware: [canWrite] as const,
  request: { params: agentCodeParam },
  responses: {
    200: jsonResponse(
      z.object({ deactivated: z.literal(true), agent: agentSchema }),
      "The agent has sales: deactivated, not deleted",
    ),
    204: { description: "Deleted" },
    ...problems(...commonProblems, 404),
  },
});
