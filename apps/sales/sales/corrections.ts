// Corrections from the core system: change or delete a recorded sale, keeping progress and the change log in step.
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { sales } from "../../db/schema/index.js";
import { notFound, unprocessable } from "../../http/errors.js";
import type { Trace } from "../../runtime/trace.js";
import { type Tx, writeTransaction } from "../db.js";
import { lockRevisionShared, type TargetBook } from "../targets/book.js";
import { recordEvents, saleDeltas } from "../targets/progress.js";
import { lockAgents, seller } from "./eligibility.js";
import type { SaleChanges, SaleRow } from "./schemas.js";

async function lockSale(tx: Tx, id: number): Promise<SaleRow> {
  const [row] = await tx.select().from(sales).where(eq(sales.id, id)).for("update");
  if (!row) throw notFound(`sale ${id}`);
  return row;
}

const logDays = (tx: Tx, id: number, days: string[]) =>
  tx.execute(
    sql`INSERT INTO sale_changes (sale_id, sale_date) VALUES ${sql.join(
      [...new Set(days)].map((d) => sql`(${id}, ${d})`),
      sql`, `,
    )}`,
  );

/**
 * Applies a correction. A new agent or product is checked as a new sale would be (and the team follows
 * the new agent); changing only the amount, date or branch of an inactive agent's sale is allowed.
 */
export async function correctSale(
  db: Database,
  book: TargetBook,
  id: number,
  changes: SaleChanges,
  trace?: Trace,
): Promise<SaleRow> {
  return writeTransaction(db, async (tx) => {
    const before = await lockSale(tx, id);
    const after = { ...before, ...changes };
    const { agents, revision } = await lockAgents(tx, [after.agentCode], [after.productCode]);
    if (after.agentCode !== before.agentCode || after.productCode !== before.productCode) {
      const check = await seller(tx, agents, after.agentCode, after.productCode);
      if ("status" in check) throw unprocessable(check.error, check.errors);
      if (after.agentCode !== before.agentCode) {
        after.team = check.agent.team;
        if (changes.branch === undefined) after.branch = check.agent.branch;
      }
    }
    const unchanged = (["agentCode", "productCode", "amount", "saleDate", "branch", "team"] as const).every(
      (k) => after[k] === before[k],
    );
    if (unchanged) return before;

    const { agentCode, productCode, amount, saleDate, branch, team } = after;
    await tx.update(sales).set({ agentCode, productCode, amount, saleDate, branch, team }).where(eq(sales.id, id));
    await logDays(tx, id, [before.saleDate, after.saleDate]);
    await book.sync(tx, revision ?? (await lockRevisionShared(tx)));
    await recordEvents(tx, [...saleDeltas(book, before, -1, trace), ...saleDeltas(book, after, 1, trace)]);
    return lockSale(tx, id);
  });
}

/** Deletes a sale; its amount leaves the targets' progress (alerts already raised stay raised). */
export async function deleteSale(db: Database, book: TargetBook, id: number, trace?: Trace): Promise<void> {
  await writeTransaction(db, async (tx) => {
    const before = await lockSale(tx, id);
    const revision = await lockRevisionShared(tx);
    await tx.delete(sales).where(eq(sales.id, id));
    await logDays(tx, id, [before.saleDate]);
    await book.sync(tx, revision);
    await recordEvents(tx, saleDeltas(book, before, -1, trace));
  });
}
