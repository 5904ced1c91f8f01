import { createRoute } from "@hono/zod-openapi";
import { canRead, canWrite } from "../../http/auth.js";
import { commonProblems, jsonBody, jsonResponse, problems } from "../../http/fields.js";
import {
  createProductBody,
  listProductsQuery,
  productCodeParam,
  productPage,
  productSchema,
  updateProductBody,
} from "./schemas.js";

const tags = ["products"];

export const createProduct = createRoute({
  method: "post",
  path: "/products",
  tags,
  summary: "Create a product with its target (admin)",
  middleware: [canWrite] as const,
  request: { body: jsonBody(createProductBody) },
  responses: { 201: jsonResponse(productSchema, "Created"), ...problems(...commonProblems, 409, 415) },
});

export const listProducts = createRoute({
  method: "get",
  path: "/products",
  tags,
  summary: "List products in product-code order",
  middleware: [canRead] as const,
  request: { query: listProductsQuery },
  responses: { 200: jsonResponse(productPage, "A page of products"), ...problems(...commonProblems) },
});

export const getProduct = createRoute({
  method: "get",
  path: "/products/{productCode}",
  tags,
  summary: "Get one product",
  middleware: [canRead] as const,
  request: { params: productCodeParam },
  responses: { 200: jsonResponse(productSchema, "The product"), ...problems(...commonProblems, 404) },
});

export const updateProduct = createRoute({
  method: "patch",
  path: "/products/{productCode}",
  tags,
  summary: "Change a product's type, name or target (admin)",
  middleware: [canWrite] as const,
  request: { params: productCodeParam, body: jsonBody(updateProductBody) },
  responses: { 200: jsonResponse(productSchema, "The changed product"), ...problems(...commonProblems, 404, 415) },
});

export const deleteProduct = createRoute({
  method: "delete",
  path: "/products/{productCode}",
  tags,
  summary: "Delete a product that has no sales (admin)",
  middleware: [canWrite] as const,
  request: { params: productCodeParam },
  responses: { 204: { description: "Deleted" }, ...problems(...commonProblems, 404, 409) },
});
