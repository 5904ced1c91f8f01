import { z } from "@hono/zod-openapi";
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

/** Cursors are opaque to clients: base64url of the sort key of the last item served. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify([key])).toString("base64url");
}

export function decodeCursor<T extends string | number>(
  cursor: string | undefined,
  kind: "string" | "number",
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString());
    const key = Array.isArray(decoded) && decoded.length === 1 ? decoded[0] : undefined;
    // Only keys this API could have issued: a tampered `[1e309]` must not reach the query as Infinity.
    if (kind === "number" && Number.isSafeInteger(key) && (key as number) >= 0) return key as T;
    if (kind === "string" && typeof key === "string" && key.length <= 200) return key as T;
  } catch {
    // falls through to the error below
  }
  throw badRequest("invalid query: cursor", [
    { in: "query", field: "cursor", message: "is not a cursor this API issued" },
  ]);
}

/** Fetches `limit + 1` rows upstream; this trims the extra one and derives the next cursor. */
export function page<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => string | number,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
