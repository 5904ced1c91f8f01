// Recording sales: the one write path for POST /sales, POST /sales/batch and the demo data.
import { inArray } from "drizzle-orm";
import { format } from "mysql2";
import type { Database } from "../../db/client.js";
import { isDuplicateKey } from "../../db/errors.js";
import { sales } from "../../db/schema/index.js";
import type { Trace } from "../../runtime/trace.js";
import { type Tx, writeTransaction } from "../db.js";
import { lockRevisionShared, type TargetBook } from "../targets/book.js";
import { recordEvents, saleDeltas } from "../targets/progress.js";
import { type AgentFacts, lockAgents, type Refusal, seller } from "./eligibility.js";
import type { NewSale, SaleRow } from "./schemas.js";

type NewSaleRow = Omit<SaleRow, "id">;

export type Outcome = { status: 201 | 200; sale: SaleRow } | { status: 409; error: string } | Refusal;

/** Same sale? The branch counts only when the caller gave one (otherwise it was the agent's). */
export function sameSale(stored: SaleRow, input: NewSale): boolean {
  return (
    stored.agentCode === input.agentCode &&
    stored.productCode === input.productCode &&
    stored.amount === input.amount &&
    stored.saleDate === input.saleDate &&
    (input.branch === undefined || stored.branch === input.branch)
  );
}

const replay = (stored: SaleRow, input: NewSale): Outcome =>
  sameSale(stored, input)
    ? { status: 200, sale: stored }
    : { status: 409, error: `sale ${input.saleRef} was already recorded with different details` };

const unique = (values: string[]) => [...new Set(values)];

/**
 * Records sales, each with its own outcome (201 new, 200 same saleRef and body, 409 same saleRef and
 * another body, 422 refused), in one transaction: valid sales are stored even when others are refused.
 * The sale, its change-log row and its progress events commit together.
 */
export async function recordSales(
  db: Database,
  book: TargetBook,
  inputs: NewSale[],
  /** The request each input came from (same index), carried into its progress events. */
  traces: ReadonlyArray<Trace | undefined> = [],
): Promise<Outcome[]> {
  return writeTransaction(db, async (tx) => {
    const { agents, revision } = await lockAgents(
      tx,
      unique(inputs.map((s) => s.agentCode)),
      unique(inputs.map((s) => s.productCode)),
    );
    const checks: Array<{ agent: AgentFacts } | Refusal> = [];
    for (const input of inputs) {
      const check = seller(tx, agents, input.agentCode, input.productCode);
      // Most checks are answered from the locked rows; only an unknown product is looked up.
      checks.push(check instanceof Promise ? await check : check);
    }

    // A refused saleRef that is already recorded is answered from the stored sale (200 or 409),
    // whatever became of its agent or product since: a core system's retry must not become a refusal.
    // Looked up only when something was refused, so the common path costs no extra query.
    const refusedRefs = inputs.filter((_, i) => "status" in (checks[i] ?? {})).map((s) => s.saleRef);
    const recorded = await findSales(tx, unique(refusedRefs));

    // The first valid occurrence of each saleRef not recorded yet is new; later ones replay it.
    const now = new Date(); // the application's clock stamps the rows, so the answer needs no read-back
    const fresh = new Map<string, NewSaleRow>();
    const traceOf = new Map<string, Trace | undefined>();
    inputs.forEach((input, i) => {
      const check = checks[i];
      if (check && "agent" in check && !recorded.has(input.saleRef) && !fresh.has(input.saleRef)) {
        fresh.set(input.saleRef, newRow(input, check.agent, now));
        traceOf.set(input.saleRef, traces[i]);
      }
    });

    const { created, raced } = await insertSales(tx, [...fresh.values()]);
    if (created.length > 0) {
      await logChanges(tx, created);
      await book.sync(tx, revision ?? (await lockRevisionShared(tx)));
      await recordEvents(
        tx,
        created.flatMap((s) => saleDeltas(book, s, 1, traceOf.get(s.saleRef))),
      );
    }

    const rowOf = new Map([...recorded, ...raced, ...created.map((r) => [r.saleRef, r] as const)]);
    const unanswered = new Set(created.map((r) => r.saleRef));
    return inputs.map((input, i): Outcome => {
      const check = checks[i];
      if (check && "status" in check && !recorded.has(input.saleRef)) return check;
      const row = rowOf.get(input.saleRef);
      if (!row) throw new Error(`sale ${input.saleRef} was neither refused, recorded nor created`);
      // The first valid occurrence of a new saleRef created it; the others replay it.
      if (unanswered.delete(input.saleRef)) return { status: 201, sale: row };
      return replay(row, input);
    });
  });
}

function newRow(input: NewSale, agent: AgentFacts, now: Date): NewSaleRow {
  const { saleRef, agentCode, productCode, amount, saleDate } = input;
  const branch = input.branch ?? agent.branch;
  return {
    saleRef,
    agentCode,
    productCode,
    amount,
    saleDate,
    branch,
    team: agent.team,
    createdAt: now,
    updatedAt: now,
  };
}

async function findSales(tx: Tx, saleRefs: string[]): Promise<Map<string, SaleRow>> {
  if (saleRefs.length === 0) return new Map();
  const found = await tx.select().from(sales).where(inArray(sales.saleRef, saleRefs));
  return new Map(found.map((row) => [row.saleRef, row]));
}

/**
 * Inserts the new sales. Another request may commit some of the same saleRefs first: those come back
 * as `raced` (answered as replays) and the rest are inserted again.
 */
async function insertSales(tx: Tx, rows: NewSaleRow[]): Promise<{ created: SaleRow[]; raced: Map<string, SaleRow> }> {
  const raced = new Map<string, SaleRow>();
  let pending = rows;
  while (pending.length > 0) {
    try {
      const firstId = await insertRows(tx, pending);
      return { created: await withIds(tx, pending, firstId), raced };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      for (const [ref, row] of await findSales(
        tx,
        pending.map((r) => r.saleRef),
      ))
        raced.set(ref, row);
      const left = pending.filter((r) => !raced.has(r.saleRef));
      // A duplicate the lookup cannot name would otherwise retry forever.
      if (left.length === pending.length) throw err;
      pending = left;
    }
  }
  return { created: [], raced };
}

/** A timestamp as the TIMESTAMP(3) literal mysql2 writes for a Date in UTC: formatted once per statement, not per row. */
const utcTimestamp = (d: Date) => d.toISOString().slice(0, 23).replace("T", " ");

/** One multi-row INSERT; returns the first auto-increment id. */
async function insertRows(tx: Tx, rows: NewSaleRow[]): Promise<number> {
  const stamps = new Map<Date, string>();
  const stamp = (d: Date) => stamps.get(d) ?? stamps.set(d, utcTimestamp(d)).get(d)!;
  // mysql2's formatter rather than drizzle's builder: a thousand rows cost one string, not 9,000 chunks.
  const statement = format(
    "INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team, created_at, updated_at) VALUES ?",
    [
      rows.map((r) => [
        r.saleRef,
        r.agentCode,
        r.productCode,
        r.amount,
        r.saleDate,
        r.branch,
        r.team,
        stamp(r.createdAt),
        stamp(r.updatedAt),
      ]),
    ],
    false,
    "Z",
  );
  const [result] = await tx.execute(statement);
  return result.insertId;
}

/** The rows with their ids: a multi-row insert's ids are not promised to be consecutive (MySQL 8), so ask. */
async function withIds(tx: Tx, rows: NewSaleRow[], firstId: number): Promise<SaleRow[]> {
  const [only] = rows;
  if (rows.length === 1 && only) return [{ ...only, id: firstId }];
  const [ids] = await tx.execute(
    format("SELECT id, sale_ref FROM sales WHERE sale_ref IN (?)", [rows.map((r) => r.saleRef)]),
  );
  const idOf = new Map(
    (ids as unknown as Array<{ id: number; sale_ref: string }>).map((r) => [r.sale_ref, Number(r.id)]),
  );
  return rows.flatMap((r) => {
    const id = idOf.get(r.saleRef);
    return id === undefined ? [] : [{ ...r, id }];
  });
}

/** The change-log rows the aggregator reads to recompute only touched days. */
async function logChanges(tx: Tx, created: SaleRow[]): Promise<void> {
  await tx.execute(
    format("INSERT INTO sale_changes (sale_id, sale_date) VALUES ?", [created.map((s) => [s.id, s.saleDate])]),
  );
}
