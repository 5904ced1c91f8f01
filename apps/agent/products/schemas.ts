import { z } from "@hono/zod-openapi";
import { code, name, timestamp } from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";
import { moneyOutput, positiveMoneyInput } from "../../money/amount.js";

const productType = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "must be a word such as life, vehicle or health")
  .openapi({ example: "life" });

const editable = {
  type: productType,
  name: name(200, "Life Insurance – Platinum Plan"),
  targetAmount: positiveMoneyInput,
};

export const productCodeParam = z.object({
  productCode: code("LIFE-PLAT").openapi({ param: { name: "productCode", in: "path" } }),
});

export const createProductBody = z
  .object({ productCode: code("LIFE-PLAT"), ...editable })
  .strict()
  .openapi("NewProduct");

export const updateProductBody = z
  .object(editable)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "must change at least one field")
  .openapi("ProductChanges");

export const productSchema = z
  .object({
    productCode: z.string(),
    type: z.string(),
    name: z.string(),
    targetAmount: moneyOutput,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("Product");

export const listProductsQuery = z.object({ type: z.string().max(32).optional(), ...pageQuery });

export const productPage = pageSchema(productSchema).openapi("ProductPage");
