import type { DbHandle } from "./client.js";
import { demoAgents, demoAuthorisations, demoProducts } from "./demo-data.js";
import { agentProducts, agents, products } from "./schema/index.js";

/**
 * Loads the agent service's demo data once: rows that exist (by code) are left as they are, so a
 * restart never overwrites what a developer changed.
 */
export async function seedAgentData({ db }: DbHandle): Promise<void> {
  await db.insert(agents).ignore().values(demoAgents);
  await db.insert(products).ignore().values(demoProducts);
  await db
    .insert(agentProducts)
    .ignore()
    .values(
      demoAuthorisations.flatMap(([agentCode, codes]) => codes.map((productCode) => ({ agentCode, productCode }))),
    );
}
