import { eq, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { isDuplicateKey } from "../../db/errors.js";
import { keysetPage } from "../../db/keyset.js";
import { rowByKey } from "../../db/prepared.js";
import { agents, sales } from "../../db/schema/index.js";
import type { ServiceApp } from "../../http/app.js";
import { conflict, notFound } from "../../http/errors.js";
import { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from "./routes.js";
import { type AgentRow, toAgent } from "./schemas.js";

const byCode = rowByKey(agents, agents.agentCode);

export async function findAgent(db: Database, agentCode: string): Promise<AgentRow> {
  const row = await byCode(db, agentCode);
  if (!row) throw notFound(`agent ${agentCode}`);
  return row;
}

export function registerAgentRoutes(app: ServiceApp, db: Database): void {
  app.openapi(createAgent, async (c) => {
    const body = c.req.valid("json");
    try {
      await db.insert(agents).values({ ...body, phone: body.phone ?? null });
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict(`agent ${body.agentCode} already exists`);
      throw err;
    }
    return c.json(toAgent(await findAgent(db, body.agentCode)), 201);
  });

  app.openapi(listAgents, async (c) => {
    const q = c.req.valid("query");
    const filters: Array<SQL | undefined> = [
      q.branch ? eq(agents.branch, q.branch) : undefined,
      q.team ? eq(agents.team, q.team) : undefined,
      q.status ? eq(agents.status, q.status) : undefined,
    ];
    const result = await keysetPage(db, agents, agents.agentCode, (r) => r.agentCode, filters, q);
    return c.json({ items: result.items.map(toAgent), nextCursor: result.nextCursor }, 200);
  });

  app.openapi(getAgent, async (c) => c.json(toAgent(await findAgent(db, c.req.valid("param").agentCode)), 200));

  app.openapi(updateAgent, async (c) => {
    const { agentCode } = c.req.valid("param");
    const changes = c.req.valid("json");
    await findAgent(db, agentCode);
    await db.update(agents).set(changes).where(eq(agents.agentCode, agentCode));
    return c.json(toAgent(await findAgent(db, agentCode)), 200);
  });

  app.openapi(deleteAgent, async (c) => {
    const { agentCode } = c.req.valid("param");
    // Sales keep their agent for reports and bonuses: such an agent is deactivated, not deleted.
    const outcome = await db.transaction(async (tx) => {
      const [agent] = await tx.select().from(agents).where(eq(agents.agentCode, agentCode)).for("update");
      if (!agent) throw notFound(`agent ${agentCode}`);
      const [sale] = await tx.select({ id: sales.id }).from(sales).where(eq(sales.agentCode, agentCode)).limit(1);
      if (sale) {
        await tx.update(agents).set({ status: "inactive" }).where(eq(agents.agentCode, agentCode));
        return "deactivated" as const;
      }
      await tx.delete(agents).where(eq(agents.agentCode, agentCode));
      return "deleted" as const;
    });
    if (outcome === "deleted") return c.body(null, 204);
    return c.json({ deactivated: true as const, agent: toAgent(await findAgent(db, agentCode)) }, 200);
  });
}
