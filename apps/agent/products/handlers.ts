import { eq, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { isDuplicateKey } from "../../db/errors.js";
import { keysetPage } from "../../db/keyset.js";
import { rowByKey } from "../../db/prepared.js";
import { products, sales } from "../../db/schema/index.js";
import type { ServiceApp } from "../../http/app.js";
import { conflict, notFound } from "../../http/errors.js";
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from "./routes.js";
import { type ProductRow, toProduct } from "./schemas.js";

const byCode = rowByKey(products, products.productCode);

export async function findProduct(db: Database, productCode: string): Promise<ProductRow> {
  const row = await byCode(db, productCode);
  if (!row) throw notFound(`product ${productCode}`);
  return row;
}

export function registerProductRoutes(app: ServiceApp, db: Database): void {
  app.openapi(createProduct, async (c) => {
    const body = c.req.valid("json");
    try {
      await db.insert(products).values(body);
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict(`product ${body.productCode} already exists`);
      throw err;
    }
    return c.json(toProduct(await findProduct(db, body.productCode)), 201);
  });

  app.openapi(listProducts, async (c) => {
    const q = c.req.valid("query");
    const filters: Array<SQL | undefined> = [q.type ? eq(products.type, q.type.toLowerCase()) : undefined];
    const result = await keysetPage(db, products, products.productCode, (r) => r.productCode, filters, q);
    return c.json({ items: result.items.map(toProduct), nextCursor: result.nextCursor }, 200);
  });

  app.openapi(getProduct, async (c) => c.json(toProduct(await findProduct(db, c.req.valid("param").productCode)), 200));

  app.openapi(updateProduct, async (c) => {
    const { productCode } = c.req.valid("param");
    await findProduct(db, productCode);
    await db.update(products).set(c.req.valid("json")).where(eq(products.productCode, productCode));
    return c.json(toProduct(await findProduct(db, productCode)), 200);
  });

  app.openapi(deleteProduct, async (c) => {
    const { productCode } = c.req.valid("param");
    await db.transaction(async (tx) => {
      const [product] = await tx.select().from(products).where(eq(products.productCode, productCode)).for("update");
      if (!product) throw notFound(`product ${productCode}`);
      const [sale] = await tx.select({ id: sales.id }).from(sales).where(eq(sales.productCode, productCode)).limit(1);
      // Figures that drive bonuses must not lose their product: refuse rather than orphan sales.
      if (sale) throw conflict(`product ${productCode} has recorded sales and cannot be deleted`);
      await tx.delete(products).where(eq(products.productCode, productCode));
    });
    return c.body(null, 204);
  });
}
