// Recording sales: the one write path for POST /sales, POST /sales/batch and the demo data.
import { inArray, sql } from "drizzle-orm";
import { format } from "mysql2";
import type { Database } from "../../db/client.js";
import { isDuplicateKey } from "../../db/errors.js";
import { sales } from "../../db/schema/index.js";
import type { FieldError } from "../../http/errors.js";
import { rows, type Tx, writeTransaction } from "../db.js";
import type { RefusalReason } from "../metrics.js";
import type { TargetBook } from "../targets/book.js";
import { recordEvents, saleDeltas } from "../targets/progress.js";
import type { NewSale } from "./schemas.js";

export type SaleRow = typeof sales.$inferSelect;

export type Refusal = { status: 422; error: string; errors: FieldError[]; reason: RefusalReason };

export type Outcome = { status: 201 | 200; sale: SaleRow } | { status: 409; error: string } | Refusal;

export interface AgentFacts {
  agentCode: string;
  name: string;
  status: "active" | "inactive";
  branch: string;
  team: string;
  /** Products the agent may sell, among those asked about. */
  authorised: Set<string>;
}

/**
 * Locks the agents (and their authorisations and products) shared until commit, so a deactivation,
 * deletion or revocation waits for the sale rather than slipping between check and insert; and takes
 * the targets revision row shared in the same statement. Returns the revision, or undefined when no
 * agent matched (nothing will be written).
 */
export async function lockAgents(
  tx: Tx,
  agentCodes: string[],
  productCodes: string[],
): Promise<{ agents: Map<string, AgentFacts>; revision: number | undefined }> {
  const found = await rows<{
    agent_code: string;
    first_name: string;
    last_name: string;
    status: "active" | "inactive";
    branch: string;
    team: string;
    revision: number;
    product_code: string | null;
  }>(
    tx,
    sql`SELECT a.agent_code, a.first_name, a.last_name, a.status, a.branch, a.team, r.revision, p.product_code
        FROM agents a
        JOIN targets_revision r ON r.id = 1
        LEFT JOIN agent_products ap ON ap.agent_code = a.agent_code AND ap.product_code IN ${productCodes}
        LEFT JOIN products p ON p.product_code = ap.product_code
        WHERE a.agent_code IN ${agentCodes}
        LOCK IN SHARE MODE`,
  );
  const agents = new Map<string, AgentFacts>();
  for (const r of found) {
    const facts = agents.get(r.agent_code) ?? {
      agentCode: r.agent_code,
      name: `${r.first_name} ${r.last_name}`,
      status: r.status,
      branch: r.branch,
      team: r.team,
      authorised: new Set<string>(),
    };
    if (r.product_code) facts.authorised.add(r.product_code);
    agents.set(r.agent_code, facts);
  }
  return { agents, revision: found[0]?.revision };
}

/** Why an agent may not sell a product, as a 422 outcome; undefined when it may. */
export async function refusal(
  tx: Tx,
  agent: AgentFacts | undefined,
  agentCode: string,
  productCode: string,
): Promise<Refusal | undefined> {
  const refuse = (reason: RefusalReason, field: string, message: string): Refusal => ({
    status: 422,
    error: message,
    errors: [{ in: "body", field, message }],
    reason,
  });
  if (!agent) return refuse("unknown_agent", "agentCode", `agent ${agentCode} is unknown`);
  if (agent.status !== "active") return refuse("inactive_agent", "agentCode", `agent ${agentCode} is inactive`);
  if (agent.authorised.has(productCode)) return undefined;
  const [product] = await rows<{ n: number }>(tx, sql`SELECT 1 AS n FROM products WHERE product_code = ${productCode}`);
  if (!product) return refuse("unknown_product", "productCode", `product ${productCode} is unknown`);
  return refuse("not_authorised", "productCode", `agent ${agentCode} is not authorised to sell product ${productCode}`);
}

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

/**
 * Records sales, each with its own outcome (201 new, 200 same saleRef and body, 409 same saleRef and
 * another body, 422 refused), in one transaction: valid sales are stored even when others are refused.
 * The sale, its change-log row and its progress events commit together.
 */
export async function recordSales(db: Database, book: TargetBook, inputs: NewSale[]): Promise<Outcome[]> {
  return writeTransaction(db, async (tx) => {
    const outcomes: Array<Outcome | undefined> = new Array(inputs.length);
    const { agents, revision } = await lockAgents(
      tx,
      [...new Set(inputs.map((s) => s.agentCode))],
      [...new Set(inputs.map((s) => s.productCode))],
    );

    for (const [i, input] of inputs.entries()) {
      outcomes[i] = await refusal(tx, agents.get(input.agentCode), input.agentCode, input.productCode);
    }
    // A refused saleRef that is already recorded is answered from the stored sale (200 or 409),
    // whatever became of its agent or product since: a core system's retry must not become a refusal.
    // Looked up only when something was refused, so the common path costs no extra query.
    const stored = new Map<string, SaleRow>();
    const refusedRefs = [...new Set(inputs.filter((_, i) => outcomes[i]).map((s) => s.saleRef))];
    if (refusedRefs.length > 0) {
      for (const row of await tx.select().from(sales).where(inArray(sales.saleRef, refusedRefs)))
        stored.set(row.saleRef, row);
    }

    // The first valid occurrence of each new saleRef is the candidate; later ones are replays of it.
    const firstIndex = new Map<string, number>();
    for (const [i, input] of inputs.entries()) {
      if (stored.has(input.saleRef)) outcomes[i] = undefined;
      else if (!outcomes[i] && !firstIndex.has(input.saleRef)) firstIndex.set(input.saleRef, i);
    }

    // The application's clock stamps the rows, so the response needs no read-back of them.
    const now = new Date();
    const rowOf = (i: number): SaleRow => {
      const input = inputs[i]!;
      const agent = agents.get(input.agentCode)!;
      const { saleRef, agentCode, productCode, amount, saleDate } = input;
      return {
        id: 0,
        saleRef,
        agentCode,
        productCode,
        amount,
        saleDate,
        branch: input.branch ?? agent.branch,
        team: agent.team,
        createdAt: now,
        updatedAt: now,
      };
    };
    let pending = [...firstIndex.values()];
    const inserted: SaleRow[] = [];
    while (pending.length > 0) {
      const batch = pending.map(rowOf);
      try {
        // mysql2's formatter rather than drizzle's builder: a thousand rows cost one string, not 9,000 chunks.
        const [result] = await tx.execute(
          sql.raw(
            format(
              "INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team, created_at, updated_at) VALUES ?",
              [
                batch.map((r) => [
                  r.saleRef,
                  r.agentCode,
                  r.productCode,
                  r.amount,
                  r.saleDate,
                  r.branch,
                  r.team,
                  now,
                  now,
                ]),
              ],
              false,
              "Z",
            ),
          ),
        );
        if (batch.length === 1) batch[0]!.id = (result as unknown as { insertId: number }).insertId;
        inserted.push(...batch);
        pending = [];
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another request committed some of these refs: they become replays, the rest are retried.
        const existing = await tx
          .select()
          .from(sales)
          .where(
            inArray(
              sales.saleRef,
              batch.map((r) => r.saleRef),
            ),
          );
        for (const row of existing) stored.set(row.saleRef, row);
        const before = pending.length;
        pending = pending.filter((i) => !stored.has(inputs[i]!.saleRef));
        // A duplicate the lookup cannot name would otherwise retry forever.
        if (pending.length === before) throw err;
      }
    }

    if (inserted.length > 1) {
      // Auto-increment ids of a multi-row insert are not promised to be consecutive (MySQL 8): ask.
      const ids = await tx
        .select({ id: sales.id, saleRef: sales.saleRef })
        .from(sales)
        .where(
          inArray(
            sales.saleRef,
            inserted.map((r) => r.saleRef),
          ),
        );
      const idOf = new Map(ids.map((r) => [r.saleRef, r.id]));
      for (const row of inserted) row.id = idOf.get(row.saleRef)!;
    }
    for (const row of inserted) stored.set(row.saleRef, row);
    if (inserted.length) {
      await tx.execute(
        sql.raw(
          format("INSERT INTO sale_changes (sale_id, sale_date) VALUES ?", [inserted.map((s) => [s.id, s.saleDate])]),
        ),
      );
      await book.sync(tx, revision!);
      await recordEvents(
        tx,
        inserted.flatMap((s) => saleDeltas(book, s, 1)),
      );
    }

    const created = new Set(inserted.map((r) => r.saleRef));
    return inputs.map((input, i) => {
      const refused = outcomes[i];
      if (refused) return refused;
      const row = stored.get(input.saleRef)!;
      if (created.has(input.saleRef) && firstIndex.get(input.saleRef) === i) return { status: 201 as const, sale: row };
      return replay(row, input);
    });
  });
}
