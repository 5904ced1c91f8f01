import { and, asc, desc, eq, gte, lte, type SQL, sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Database } from "../../db/client.js";
import { keysetPage } from "../../db/keyset.js";
import { sales } from "../../db/schema/index.js";
import type { ServiceApp } from "../../http/app.js";
import { clip, conflict, notFound, unprocessable, validationError } from "../../http/errors.js";
import { requestTrace } from "../../http/trace.js";
import type { RefusalReason, SalesMetrics } from "../metrics.js";
import type { TargetBook } from "../targets/book.js";
import { correctSale, deleteSale } from "./corrections.js";
import { type Outcome, recordSales } from "./record.js";
import { getSale, listSales, recordBatch, recordSale, removeSale, salesSummary, updateSale } from "./routes.js";
import { type NewSale, newSaleBody, type SaleRow, toSale } from "./schemas.js";
import { SaleWriter } from "./writer.js";

/** Invalid batch items beyond this many are answered with their summary line alone. */
const maxDetailedItems = 50;

const groupColumns = { agent: sales.agentCode, team: sales.team, branch: sales.branch, product: sales.productCode };

/** Why an item was not recorded; undefined for a new sale or a replay. */
function refusalOf(outcome: Outcome | "validation"): RefusalReason | undefined {
  if (outcome === "validation") return outcome;
  if (outcome.status === 409) return "conflict";
  if (outcome.status === 422) return outcome.reason;
  return undefined;
}

function orThrow(outcome: Outcome): { status: 200 | 201; sale: SaleRow } {
  if (outcome.status === 409) throw conflict(outcome.error);
  if (outcome.status === 422) throw unprocessable(outcome.error, outcome.errors);
  return outcome;
}

export function registerSaleRoutes(app: ServiceApp, db: Database, book: TargetBook, metrics: SalesMetrics): void {
  const writer = new SaleWriter(db, book);
  /** Counts outcomes, one counter update per label however many items (a batch has a thousand). */
  const count = (outcomes: Iterable<Outcome | "validation">, path: "single" | "batch") => {
    let recorded = 0;
    const refused = new Map<RefusalReason, number>();
    for (const outcome of outcomes) {
      const reason = refusalOf(outcome);
      if (reason) refused.set(reason, (refused.get(reason) ?? 0) + 1);
      else if (outcome !== "validation" && outcome.status === 201) recorded++;
    }
    if (recorded > 0) metrics.recorded.inc({ path }, recorded);
    for (const [reason, n] of refused) metrics.refused.inc({ reason }, n);
  };
  // A body the schema refuses never reaches the handler; a batch refused as a whole counts once.
  const countInvalid: MiddlewareHandler = async (c, next) => {
    await next();
    if (c.req.method === "POST" && c.res.status === 400) metrics.refused.inc({ reason: "validation" });
  };
  app.use("/sales", countInvalid);
  app.use("/sales/batch", countInvalid);

  app.openapi(recordSale, async (c) => {
    const outcome = await writer.record(c.req.valid("json"), requestTrace(c));
    count([outcome], "single");
    const { status, sale } = orThrow(outcome);
    return status === 201 ? c.json(toSale(sale), 201) : c.json(toSale(sale), 200);
  });

  app.openapi(recordBatch, async (c) => {
    const items = c.req.valid("json").sales;
    metrics.batchItems.observe(items.length);
    // Each item is validated alone: a bad one gets the 400 it would have had, the rest go ahead.
    const parsed = items.map((item) => newSaleBody.safeParse(item));
    const valid = parsed.flatMap((p, i) => (p.success ? [{ i, sale: p.data as NewSale }] : []));
    const trace = requestTrace(c);
    const outcomes = valid.length
      ? await recordSales(
          db,
          book,
          valid.map((v) => v.sale),
          valid.map(() => trace),
        )
      : [];
    const outcomeOf = new Map(valid.map((v, k) => [v.i, outcomes[k]!]));
    count(
      parsed.map((p, i) => (p.success ? outcomeOf.get(i)! : "validation")),
      "batch",
    );
    let detailed = 0;
    const results = parsed.map((p, i) => {
      const item = items[i] as { saleRef?: unknown } | null;
      const saleRef = item && typeof item === "object" && typeof item.saleRef === "string" ? clip(item.saleRef) : null;
      if (!p.success) {
        const error = validationError(p.error, "json");
        // Field-by-field detail for the first invalid items only, so the answer stays smaller than the request.
        if (detailed++ >= maxDetailedItems) return { saleRef, status: 400, error: error.message };
        return { saleRef, status: 400, error: error.message, errors: error.errors };
      }
      const outcome = outcomeOf.get(i)!;
      if (outcome.status === 409) return { saleRef, status: 409, error: outcome.error };
      if (outcome.status === 422) return { saleRef, status: 422, error: outcome.error, errors: outcome.errors };
      return { saleRef, status: outcome.status, id: outcome.sale.id };
    });
    return c.json({ results }, 200);
  });

  app.openapi(listSales, async (c) => {
    const q = c.req.valid("query");
    const filters: Array<SQL | undefined> = [
      q.agentCode ? eq(sales.agentCode, q.agentCode) : undefined,
      q.branch ? eq(sales.branch, q.branch) : undefined,
      q.team ? eq(sales.team, q.team) : undefined,
      q.productCode ? eq(sales.productCode, q.productCode) : undefined,
      q.from ? gte(sales.saleDate, q.from) : undefined,
      q.to ? lte(sales.saleDate, q.to) : undefined,
    ];
    const result = await keysetPage(db, sales, sales.id, (r) => r.id, filters, q);
    return c.json({ items: result.items.map(toSale), nextCursor: result.nextCursor }, 200);
  });

  app.openapi(salesSummary, async (c) => {
    const q = c.req.valid("query");
    const column = groupColumns[q.groupBy];
    const total = sql<string>`CAST(SUM(${sales.amount}) AS DECIMAL(32,2))`;
    const rows = await db
      .select({ key: column, totalSales: total, saleCount: sql<number>`COUNT(*)`.mapWith(Number) })
      .from(sales)
      .where(and(q.from ? gte(sales.saleDate, q.from) : undefined, q.to ? lte(sales.saleDate, q.to) : undefined))
      .groupBy(column)
      .orderBy(desc(total), asc(column));
    return c.json(
      { items: rows.map((r) => ({ key: r.key, totalSales: String(r.totalSales), saleCount: r.saleCount })) },
      200,
    );
  });

  app.openapi(getSale, async (c) => {
    const { id } = c.req.valid("param");
    const [row] = await db.select().from(sales).where(eq(sales.id, id));
    if (!row) throw notFound(`sale ${id}`);
    return c.json(toSale(row), 200);
  });

  app.openapi(updateSale, async (c) => {
    const row = await correctSale(db, book, c.req.valid("param").id, c.req.valid("json"), requestTrace(c));
    return c.json(toSale(row), 200);
  });

  app.openapi(removeSale, async (c) => {
    await deleteSale(db, book, c.req.valid("param").id, requestTrace(c));
    return c.body(null, 204);
  });
}
