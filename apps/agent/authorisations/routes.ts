import { createRoute, z } from "@hono/zod-openapi";
import { canRead, canWrite } from "../../http/auth.js";
import { code, commonProblems, jsonResponse, problems, timestamp } from "../../http/fields.js";
import { productSchema } from "../products/schemas.js";

const tags = ["authorisations"];

const params = z.object({
  agentCode: code("AGT004").openapi({ param: { name: "agentCode", in: "path" } }),
  productCode: code("LIFE-PLAT").openapi({ param: { name: "productCode", in: "path" } }),
});

export const authorisationSchema = z
  .object({ agentCode: z.string(), productCode: z.string(), authorisedAt: timestamp })
  .openapi("Authorisation");

export const authorise = createRoute({
  method: "put",
  path: "/agents/{agentCode}/products/{productCode}",
  tags,
  summary: "Authorise an agent to sell a product (admin, idempotent)",
  middleware: [canWrite] as const,
  request: { params },
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
  request: { params },
  responses: { 204: { description: "Revoked" }, ...problems(...commonProblems, 404) },
});

export const listAuthorised = createRoute({
  method: "get",
  path: "/agents/{agentCode}/products",
  tags,
  summary: "The products an agent may sell",
  middleware: [canRead] as const,
  request: { params: params.pick({ agentCode: true }) },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(productSchema.extend({ authorisedAt: timestamp })) }).openapi("AuthorisedProducts"),
      "Authorised products",
    ),
    ...problems(...commonProblems, 404),
  },
});
