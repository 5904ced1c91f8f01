import { z } from "@hono/zod-openapi";
import { products } from "../../db/schema/index.js";
import { code, name } from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";
import { apiFormats, createInsertSchema, createSelectSchema, lengthOf } from "../../http/table-schemas.js";
import { positiveMoneyInput } from "../../money/amount.js";

export type ProductRow = typeof products.$inferSelect;

const productType = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "must be a word such as life, vehicle or health")
  .openapi({ example: "life" });

/** What a client may set: the table's columns under the shared field rules. */
const productInput = createInsertSchema(products, {
  productCode: code("LIFE-PLAT"),
  type: productType,
  name: name(lengthOf(products.name), "Life Insurance – Platinum Plan"),
  targetAmount: positiveMoneyInput,
}).omit({ id: true, createdAt: true, updatedAt: true });

export const productCodeParam = z.object({
  productCode: code("LIFE-PLAT").openapi({ param: { name: "productCode", in: "path" } }),
});

export const createProductBody = productInput.strict().openapi("NewProduct");

export const updateProductBody = productInput
  .omit({ productCode: true })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "must change at least one field")
  .openapi("ProductChanges");

export const productSchema = createSelectSchema(products, apiFormats(products)).omit({ id: true }).openapi("Product");

export const toProduct = (row: ProductRow): z.infer<typeof productSchema> => ({
  productCode: row.productCode,
  type: row.type,
  name: row.name,
  targetAmount: row.targetAmount,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const listProductsQuery = z.object({ type: z.string().max(32).optional(), ...pageQuery });

export const productPage = pageSchema(productSchema).openapi("ProductPage");
