// Who may sell what: the checks a sale (new or corrected) passes before it is written.
import { sql } from "drizzle-orm";
import type { FieldError } from "../../http/errors.js";
import { rows, type Tx } from "../db.js";
import type { RefusalReason } from "../metrics.js";

export type Refusal = { status: 422; error: string; errors: FieldError[]; reason: RefusalReason };

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

type Check = { agent: AgentFacts } | Refusal;

/**
 * The agent, when it may sell the product; otherwise why not, as a 422 outcome. Answered at once from
 * the locked rows; a promise only when the product must be looked up (a batch checks a thousand).
 */
export function seller(
  tx: Tx,
  agents: ReadonlyMap<string, AgentFacts>,
  agentCode: string,
  productCode: string,
): Check | Promise<Check> {
  const refuse = (reason: RefusalReason, field: string, message: string): Refusal => ({
    status: 422,
    error: message,
    errors: [{ in: "body", field, message }],
    reason,
  });
  const agent = agents.get(agentCode);
  if (!agent) return refuse("unknown_agent", "agentCode", `agent ${agentCode} is unknown`);
  if (agent.status !== "active") return refuse("inactive_agent", "agentCode", `agent ${agentCode} is inactive`);
  if (agent.authorised.has(productCode)) return { agent };
  return rows<{ n: number }>(tx, sql`SELECT 1 AS n FROM products WHERE product_code = ${productCode}`).then(
    ([product]) =>
      product
        ? refuse("not_authorised", "productCode", `agent ${agentCode} is not authorised to sell product ${productCode}`)
        : refuse("unknown_product", "productCode", `product ${productCode} is unknown`),
  );
}
