import { z } from "@hono/zod-openapi";
import { targetPeriods, targetScopes, targets } from "../../db/schema/index.js";
import { canonicalKey, idParam, isoDate, name, nameFilter } from "../../http/fields.js";
import { pageQuery, pageSchema } from "../../http/pagination.js";
import { apiFormats, createInsertSchema, createSelectSchema, lengthOf } from "../../http/table-schemas.js";
import { moneyOutput, positiveMoneyInput } from "../../money/amount.js";
import { parseMilestones } from "./book.js";

const milestones = z
  .array(z.number().int().min(1).max(1000))
  .min(1)
  .max(10)
  .refine((ms) => new Set(ms).size === ms.length, "must not repeat a percentage")
  .transform((ms) => [...ms].sort((a, b) => a - b))
  .openapi({ description: "Percentages of the amount that raise an alert", example: [50, 100] });

/** What a client may set: the table's columns under the API's rules. */
const targetInput = createInsertSchema(targets, {
  key: name(lengthOf(targets.key), "Alpha").openapi({
    description: "Agent code or product code (any case; kept in upper case), or team or branch name (exact)",
  }),
  amount: positiveMoneyInput,
  milestones,
}).omit({ id: true, createdAt: true, updatedAt: true });

export const newTargetBody = targetInput
  .extend({ milestones: milestones.default([100]) })
  .strict()
  // A code in any case is the code; a name is kept as given (NFC).
  .transform((t) => ({ ...t, key: canonicalKey(t.scope, t.key) }))
  .openapi("NewTarget");

export type NewTarget = z.infer<typeof newTargetBody>;

export const targetChangesBody = targetInput
  .pick({ amount: true, milestones: true })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "must change at least one field (scope, key and period are fixed)")
  .openapi("TargetChanges");

export type TargetChanges = z.infer<typeof targetChangesBody>;

export const targetSchema = createSelectSchema(targets, {
  ...apiFormats(targets),
  milestones: () => z.array(z.number().int()),
}).openapi("Target");

export type TargetRow = typeof targets.$inferSelect;

export const toTarget = (row: TargetRow): z.infer<typeof targetSchema> => ({
  id: row.id,
  scope: row.scope,
  key: row.key,
  period: row.period,
  amount: row.amount,
  milestones: parseMilestones(row.milestones),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const targetIdParam = z.object({ id: idParam() });

export const listTargetsQuery = z.object({
  scope: z.enum(targetScopes).optional(),
  key: nameFilter(lengthOf(targets.key)).optional().openapi({ description: "A code in any case, or a name exactly" }),
  period: z.enum(targetPeriods).optional(),
  ...pageQuery,
});

export const targetPage = pageSchema(targetSchema).openapi("TargetPage");

export const progressQuery = z.object({
  date: isoDate.optional().openapi({ description: "A day in the period to report; today (UTC) when left out" }),
});

export const progressSchema = z
  .object({
    targetId: z.number().int(),
    periodStart: z.string(),
    periodEnd: z.string(),
    achieved: moneyOutput,
    amount: moneyOutput,
    percent: z
      .number()
      .openapi({ description: "achieved / amount × 100, rounded down to 2 decimals", example: 104.16 }),
    milestonesReached: z.array(z.number().int()),
  })
  .openapi("TargetProgress");
