import { z } from "@hono/zod-openapi";
import { agentProducts } from "../../db/schema/index.js";
import { code } from "../../http/fields.js";
import { apiFormats, createSelectSchema } from "../../http/table-schemas.js";
import { productSchema } from "../products/schemas.js";

export const authorisationParams = z.object({
  agentCode: code("AGT004").openapi({ param: { name: "agentCode", in: "path" } }),
  productCode: code("LIFE-PLAT").openapi({ param: { name: "productCode", in: "path" } }),
});

const authorisationRow = createSelectSchema(agentProducts, apiFormats(agentProducts));

export const authorisationSchema = authorisationRow.openapi("Authorisation");

export const toAuthorisation = (row: typeof agentProducts.$inferSelect): z.infer<typeof authorisationSchema> => ({
  agentCode: row.agentCode,
  productCode: row.productCode,
  authorisedAt: row.authorisedAt.toISOString(),
});

export const authorisedProducts = z
  .object({ items: z.array(productSchema.extend(authorisationRow.pick({ authorisedAt: true }).shape)) })
  .openapi("AuthorisedProducts");
