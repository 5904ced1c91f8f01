// Target writes. Each bumps the targets revision under an exclusive lock, which waits for sales in
// flight and holds new ones back, so a target's progress starts from exactly the sales committed before it.
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { isDuplicateKey } from "../../db/errors.js";
import { agents, products, targetProgress, targets } from "../../db/schema/index.js";
import { conflict, notFound, unprocessable } from "../../http/errors.js";
import { type Tx, writeTransaction } from "../db.js";
import { periodStartSql } from "./periods.js";
import type { NewTarget, TargetChanges, TargetRow } from "./schemas.js";

const bumpRevision = (tx: Tx) => tx.execute(sql`UPDATE targets_revision SET revision = revision + 1 WHERE id = 1`);

const saleColumn = { agent: "agent_code", team: "team", branch: "branch", product: "product_code" } as const;

async function findTarget(tx: Tx, id: number): Promise<TargetRow> {
  const [row] = await tx.select().from(targets).where(eq(targets.id, id));
  if (!row) throw notFound(`target ${id}`);
  return row;
}

/** Agents and products must exist to be a target; teams and branches are free names. */
async function checkKey(tx: Tx, input: NewTarget): Promise<void> {
  const table = input.scope === "agent" ? agents : input.scope === "product" ? products : undefined;
  if (!table) return;
  const column = input.scope === "agent" ? agents.agentCode : products.productCode;
  const [row] = await tx.select({ n: sql`1` }).from(table).where(eq(column, input.key));
  if (!row) {
    const message = `${input.scope} ${input.key} is unknown`;
    throw unprocessable(message, [{ in: "body", field: "key", message }]);
  }
}

export async function createTarget(db: Database, input: NewTarget): Promise<TargetRow> {
  return writeTransaction(db, async (tx) => {
    await bumpRevision(tx);
    await checkKey(tx, input);
    let id: number;
    try {
      const [result] = await tx.insert(targets).values({ ...input, milestones: input.milestones.join(",") });
      id = result.insertId;
    } catch (err) {
      if (isDuplicateKey(err))
        throw conflict(`a ${input.period} ${input.scope} target for ${input.key} already exists`);
      throw err;
    }
    // Progress so far, per period: the running totals sales will keep adding to.
    const period = sql.raw(periodStartSql(input.period));
    await tx.execute(sql`
      INSERT INTO target_progress (target_id, period_start, achieved)
      SELECT ${id}, ${period}, SUM(amount) FROM sales WHERE ${sql.raw(saleColumn[input.scope])} = ${input.key} GROUP BY ${period}`);
    return findTarget(tx, id);
  });
}

/** New amount or milestones apply from the next sale; milestones already passed are not announced. */
export async function updateTarget(db: Database, id: number, changes: TargetChanges): Promise<TargetRow> {
  return writeTransaction(db, async (tx) => {
    await bumpRevision(tx);
    await findTarget(tx, id);
    await tx
      .update(targets)
      .set({
        ...(changes.amount ? { amount: changes.amount } : {}),
        ...(changes.milestones ? { milestones: changes.milestones.join(",") } : {}),
      })
      .where(eq(targets.id, id));
    return findTarget(tx, id);
  });
}

/** Alerts the target already raised stay in the outbox and are still delivered. */
export async function deleteTarget(db: Database, id: number): Promise<void> {
  await writeTransaction(db, async (tx) => {
    await bumpRevision(tx);
    await findTarget(tx, id);
    // The target row first: an evaluator holding it shared finishes before its totals go.
    await tx.delete(targets).where(eq(targets.id, id));
    await tx.delete(targetProgress).where(eq(targetProgress.targetId, id));
  });
}
