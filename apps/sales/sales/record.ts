// Recording sales: the one write path for POST /sales, POST /sales/batch and the demo data.
import { inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { isDuplicateKey } from "../../db/errors.js";
import { sales } from "../../db/schema/index.js";
import type { FieldError } from "../../http/errors.js";
import { rows, writeTransaction, type Tx } from "../db.js";
import type { TargetBook } from "../targets/book.js";
import { applyDeltas, saleDeltas } from "../targets/progress.js";
import type { NewSale } from "./schemas.js";

export type SaleRow = typeof sales.$inferSelect;

export type Refusal = { status: 422; error: string; errors: FieldError[] };

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
  const refuse = (field: string, message: string): Refusal => ({
    status: 422,
    error: message,
    errors: [{ in: "body", field, message }],
  });
  if (!agent) return refuse("agentCode", `agent ${agentCode} is unknown`);
  if (agent.status !== "active") return refuse("agentCode", `agent ${agentCode} is inactive`);
  if (agent.authorised.has(productCode)) return undefined;
  const [product] = await rows<{ n: number }>(tx, sql`SELECT 1 AS n FROM products WHERE product_code = ${productCode}`);
  if (!product) return refuse("productCode", `product ${productCode} is unknown`);
  return refuse("productCode", `agent ${agentCode} is not authorised to sell product ${productCode}`);
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
 * The sale, its change-log row, the targets' progress and any alert it raises commit together.
 */
export async function recordSales(db: Database, book: TargetBook, inputs: NewSale[]): Promise<Outcome[]> {
  return writeTransaction(db, async (tx) => {
    const outcomes: Array<Outcome | undefined> = new Array(inputs.length);
    const { agents, revision } = await lockAgents(
      tx,
      [...new Set(inputs.map((s) => s.agentCode))],
      [...new Set(inputs.map((s) => s.productCode))],
    );

    // The first valid occurrence of each saleRef is the candidate; later ones are replays of it.
    const firstIndex = new Map<string, number>();
    for (const [i, input] of inputs.entries()) {
      const refused = await refusal(tx, agents.get(input.agentCode), input.agentCode, input.productCode);
      if (refused) outcomes[i] = refused;
      else if (!firstIndex.has(input.saleRef)) firstIndex.set(input.saleRef, i);
    }

    const stored = new Map<string, SaleRow>();
    let pending = [...firstIndex.values()];
    const inserted: number[] = [];
    while (pending.length > 0) {
      try {
        await tx.insert(sales).values(
          pending.map((i) => {
            const input = inputs[i]!;
            const agent = agents.get(input.agentCode)!;
            return { ...input, branch: input.branch ?? agent.branch, team: agent.team };
          }),
        );
        inserted.push(...pending);
        pending = [];
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Another request committed some of these refs: they become replays, the rest are retried.
        const existing = await tx
          .select()
          .from(sales)
          .where(inArray(sales.saleRef, pending.map((i) => inputs[i]!.saleRef)));
        for (const row of existing) stored.set(row.saleRef, row);
        pending = pending.filter((i) => !stored.has(inputs[i]!.saleRef));
      }
    }

    const fresh = inserted.length
      ? await tx.select().from(sales).where(inArray(sales.saleRef, inserted.map((i) => inputs[i]!.saleRef)))
      : [];
    for (const row of fresh) stored.set(row.saleRef, row);
    if (fresh.length) {
      await tx.execute(sql`INSERT INTO sale_changes (sale_id, sale_date) VALUES ${sql.join(fresh.map((s) => sql`(${s.id}, ${s.saleDate})`), sql`, `)}`);
      await book.sync(tx, revision!);
      const names = new Map([...agents.values()].map((a) => [a.agentCode, a.name]));
      await applyDeltas(tx, fresh.flatMap((s) => saleDeltas(book, s, 1)), names);
    }

    const created = new Set(inserted.map((i) => inputs[i]!.saleRef));
    return inputs.map((input, i) => {
      const refused = outcomes[i];
      if (refused) return refused;
      const row = stored.get(input.saleRef)!;
      if (created.has(input.saleRef) && firstIndex.get(input.saleRef) === i) return { status: 201 as const, sale: row };
      return replay(row, input);
    });
  });
}
