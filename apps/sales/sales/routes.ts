import { createRoute } from "@hono/zod-openapi";
import { allow, canRead, canWrite } from "../../http/auth.js";
import { commonProblems, jsonBody, jsonResponse, problems } from "../../http/fields.js";
import {
  batchBody,
  batchResultSchema,
  listSalesQuery,
  newSaleBody,
  saleChangesBody,
  saleIdParam,
  salePage,
  saleSchema,
  summaryQuery,
  summarySchema,
} from "./schemas.js";

const tags = ["sales"];
/** Core systems push sales with the integration role; admins may too. */
const canRecord = allow("admin", "integration");

export const recordSale = createRoute({
  method: "post",
  path: "/sales",
  tags,
  summary: "Record a sale pushed by a core system (integration, admin); idempotent by saleRef",
  middleware: [canRecord] as const,
  request: { body: jsonBody(newSaleBody) },
  responses: {
    201: jsonResponse(saleSchema, "Recorded"),
    200: jsonResponse(saleSchema, "Already recorded with the same details"),
    ...problems(...commonProblems, 409, 415, 422),
  },
});

export const recordBatch = createRoute({
  method: "post",
  path: "/sales/batch",
  tags,
  summary: "Record up to 1,000 sales; one result per item, in order",
  middleware: [canRecord] as const,
  request: { body: jsonBody(batchBody) },
  responses: { 200: jsonResponse(batchResultSchema, "One result per item"), ...problems(...commonProblems, 415) },
});

export const listSales = createRoute({
  method: "get",
  path: "/sales",
  tags,
  summary: "List sales, filtered, in the order they were recorded",
  middleware: [canRead] as const,
  request: { query: listSalesQuery },
  responses: { 200: jsonResponse(salePage, "A page of sales"), ...problems(...commonProblems) },
});

export const salesSummary = createRoute({
  method: "get",
  path: "/sales/summary",
  tags,
  summary: "Exact sales totals grouped by agent, team, branch or product",
  middleware: [canRead] as const,
  request: { query: summaryQuery },
  responses: { 200: jsonResponse(summarySchema, "Totals, largest first"), ...problems(...commonProblems) },
});

export const getSale = createRoute({
  method: "get",
  path: "/sales/{id}",
  tags,
  summary: "Get one sale",
  middleware: [canRead] as const,
  request: { params: saleIdParam },
  responses: { 200: jsonResponse(saleSchema, "The sale"), ...problems(...commonProblems, 404) },
});

export const updateSale = createRoute({
  method: "patch",
  path: "/sales/{id}",
  tags,
  summary: "Correct a sale (admin); target progress follows",
  middleware: [canWrite] as const,
  request: { params: saleIdParam, body: jsonBody(saleChangesBody) },
  responses: { 200: jsonResponse(saleSchema, "The corrected sale"), ...problems(...commonProblems, 404, 415, 422) },
});

export const removeSale = createRoute({
  method: "delete",
  path: "/sales/{id}",
  tags,
  summary: "Delete a sale (admin); target progress follows",
  middleware: [canWrite] as const,
  request: { params: saleIdParam },
  responses: { 204: { description: "Deleted" }, ...problems(...commonProblems, 404) },
});
