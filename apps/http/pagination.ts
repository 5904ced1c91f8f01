import { z } from "@hono/zod-openapi";
import type { InvalidCursorError } from "../db/keyset.js";
import { badRequest } from "./errors.js";

export const maxPageSize = 200;

/** `limit` and `cursor` query parameters shared by every list endpoint. */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .transform((n) => Math.min(n, maxPageSize))
    .openapi({ description: `Page size, capped at ${maxPageSize}`, example: 50 }),
  cursor: z.string().max(200).optional().openapi({ description: "`nextCursor` from the previous page" }),
};

/** The 400 a list endpoint answers for a cursor it did not issue. */
export const invalidCursor = (err: InvalidCursorError) =>
  badRequest("invalid query: cursor", [{ in: "query", field: "cursor", message: err.message }]);

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
