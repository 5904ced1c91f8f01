import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { agentProducts, products } from "../../db/schema/index.js";
import type { ServiceApp } from "../../http/app.js";
import { notFound } from "../../http/errors.js";
import { findAgent } from "../agents/handlers.js";
import { findProduct } from "../products/handlers.js";
import { toProduct } from "../products/schemas.js";
import { authorise, listAuthorised, revoke } from "./routes.js";
import { toAuthorisation } from "./schemas.js";

export function registerAuthorisationRoutes(app: ServiceApp, db: Database): void {
  app.openapi(authorise, async (c) => {
    const { agentCode, productCode } = c.req.valid("param");
    await findAgent(db, agentCode);
    await findProduct(db, productCode);
    // INSERT IGNORE makes the PUT idempotent under concurrency; affectedRows tells new from existing.
    const [result] = await db.insert(agentProducts).ignore().values({ agentCode, productCode });
    const [row] = await db
      .select()
      .from(agentProducts)
      .where(and(eq(agentProducts.agentCode, agentCode), eq(agentProducts.productCode, productCode)));
    if (!row) throw notFound(`agent ${agentCode} or product ${productCode}`);
    const body = toAuthorisation(row);
    return result.affectedRows === 1 ? c.json(body, 201) : c.json(body, 200);
  });

  app.openapi(revoke, async (c) => {
    const { agentCode, productCode } = c.req.valid("param");
    const [result] = await db
      .delete(agentProducts)
      .where(and(eq(agentProducts.agentCode, agentCode), eq(agentProducts.productCode, productCode)));
    if (result.affectedRows === 0) throw notFound(`authorisation of agent ${agentCode} for product ${productCode}`);
    return c.body(null, 204);
  });

  app.openapi(listAuthorised, async (c) => {
    const { agentCode } = c.req.valid("param");
    await findAgent(db, agentCode);
    const rows = await db
      .select({ product: products, authorisedAt: agentProducts.authorisedAt })
      .from(agentProducts)
      .innerJoin(products, eq(products.productCode, agentProducts.productCode))
      .where(eq(agentProducts.agentCode, agentCode))
      .orderBy(asc(products.productCode));
    return c.json(
      { items: rows.map((r) => ({ ...toProduct(r.product), authorisedAt: r.authorisedAt.toISOString() })) },
      200,
    );
  });
}
