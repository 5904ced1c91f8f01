import { z } from "@hono/zod-openapi";
import { sales } from "../../db/schema/index.js";
import { code, codeFilter, idParam, isoDate, name, nameFilter } from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";
import { apiFormats, createInsertSchema, createSelectSchema, lengthOf } from "../../http/table-schemas.js";
import { moneyOutput, saleAmountInput } from "../../money/amount.js";

export const maxBatch = 1000;

const saleRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, "must be 1-64 letters, digits, '.', '_', ':', '/' or '-'")
  .openapi({ example: "CORE-2024-000123" });

/** What a client may send: the table's columns under the shared field rules (the team follows the agent). */
const saleInput = createInsertSchema(sales, {
  saleRef,
  agentCode: code("AGT004"),
  productCode: code("LIFE-PLAT"),
  amount: saleAmountInput,
  saleDate: isoDate,
  /** Where the sale was made; the agent's branch when left out. */
  branch: name(lengthOf(sales.branch), "Colombo"),
}).omit({ id: true, team: true, createdAt: true, updatedAt: true });

export const newSaleBody = saleInput.extend({ branch: saleInput.shape.branch.optional() }).strict().openapi("NewSale");

export type NewSale = z.infer<typeof newSaleBody>;

export const saleChangesBody = saleInput
  .omit({ saleRef: true })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "must change at least one field")
  .openapi("SaleChanges");

export type SaleChanges = z.infer<typeof saleChangesBody>;

/** Items are checked one by one in the handler, so one bad item is refused alone. */
export const batchBody = z
  .object({
    sales: z
      .array(z.unknown())
      .min(1)
      .max(maxBatch)
      .openapi({ type: "array", items: { $ref: "#/components/schemas/NewSale" } }),
  })
  .strict()
  .openapi("SaleBatch");

export const saleSchema = createSelectSchema(sales, {
  ...apiFormats(sales),
  saleDate: () => z.string().openapi({ example: "2024-03-01" }),
}).openapi("Sale");

export type SaleRow = typeof sales.$inferSelect;

export const toSale = (row: SaleRow): z.infer<typeof saleSchema> => ({
  id: row.id,
  saleRef: row.saleRef,
  agentCode: row.agentCode,
  productCode: row.productCode,
  amount: row.amount,
  saleDate: row.saleDate,
  branch: row.branch,
  team: row.team,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const batchResultSchema = z
  .object({
    results: z.array(
      z.object({
        saleRef: z.string().nullable(),
        status: z
          .number()
          .int()
          .openapi({ description: "The HTTP status this item alone would have had", example: 201 }),
        id: z.number().int().optional(),
        error: z.string().optional(),
        errors: z.array(z.object({ in: z.string(), field: z.string(), message: z.string() })).optional(),
      }),
    ),
  })
  .openapi("SaleBatchResult");

export const saleIdParam = z.object({ id: idParam() });

const dateRange = {
  from: isoDate.optional().openapi({ description: "First sale date, inclusive" }),
  to: isoDate.optional().openapi({ description: "Last sale date, inclusive" }),
};

export const listSalesQuery = z.object({
  agentCode: codeFilter.optional(),
  branch: nameFilter(lengthOf(sales.branch)).optional(),
  team: nameFilter(lengthOf(sales.team)).optional(),
  productCode: codeFilter.optional(),
  ...dateRange,
  ...pageQuery,
});

export const salePage = pageSchema(saleSchema).openapi("SalePage");

export const summaryGroups = ["agent", "team", "branch", "product"] as const;

export const summaryQuery = z.object({ groupBy: z.enum(summaryGroups), ...dateRange });

export const summarySchema = z
  .object({
    items: z.array(z.object({ key: z.string(), totalSales: moneyOutput, saleCount: z.number().int() })),
  })
  .openapi("SalesSummary");
