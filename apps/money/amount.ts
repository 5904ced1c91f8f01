import { z } from "@hono/zod-openapi";

const decimal2 = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/**
 * A money amount as a JSON number or a decimal string, kept exact to two decimals and returned as
 * a string ("120000.00"): floats never touch it.
 */
export const moneyInput = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const text = typeof v === "number" ? String(v) : v.trim();
    if (!decimal2.test(text)) {
      ctx.addIssue({
        code: "custom",
        message: "must be a non-negative amount with at most 2 decimals and 12 digits before the point",
      });
      return z.NEVER;
    }
    const [whole, frac = ""] = text.split(".");
    return `${whole}.${frac.padEnd(2, "0")}`;
  })
  .openapi({ type: "string", example: "120000.00", description: "Decimal amount (number or string), two decimals" });

export const positiveMoneyInput = moneyInput.refine((v) => Number(v) > 0, "must be greater than zero");

/** The largest single sale: sums of such sales always fit the DECIMAL(32,2) running totals. */
export const maxSaleAmount = "999999999.99";

export const saleAmountInput = positiveMoneyInput.refine(
  (v) => v.indexOf(".") <= 9,
  `must be at most ${maxSaleAmount}`,
);

export const moneyOutput = z.string().openapi({ example: "120000.00" });
