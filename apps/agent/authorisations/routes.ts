import { createRoute } from "@hono/zod-openapi";
import { canRead, canWrite } from "../../http/auth.js";
import { commonProblems, jsonResponse, problems } from "../../http/fields.js";
import { authorisationParams, authorisationSchema, authorisedProducts } from "./schemas.js";

const tags = ["authorisations"];

export const authorise = createRoute({
  method: "put",
  path: "/agents/{agentCode}/products/{productCode}",
  tags,
  summary: "Authorise an agent to sell a product (admin, idempotent)",
  middleware: [canWrite] as const,
  request: { params: authorisationParams },
  responses: {
    200: jsonResponse(authorisationSchema, "Already authorised"),
    201: jsonResponse(authorisationSchema, "Authorised"),
    ...problems(...commonProblems, 404),
  },
});

export const revoke = createRoute({
  method: "delete",
  path: "/agents/{agentCode}/products/{productCode}",
  tags,
  summary: "Revoke an agent's authorisation for a product (admin)",
  middleware: [canWrite] as const,
  request: { params: authorisationParams },
  responses: { 204: { description: "Revoked" }, ...problems(...commonProblems, 404) },
});

export const listAuthorised = createRoute({
  method: "get",
  path: "/agents/{agentCode}/products",
  tags,
  summary: "The products an agent may sell",
  middleware: [canRead] as const,
  request: { params: authorisationParams.pick({ agentCode: true }) },
  responses: {
    200: jsonResponse(authorisedProducts, "Authorised products"),
    ...problems(...commonProblems, 404),
  },
});
