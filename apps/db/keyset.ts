import { and, asc, gt, type SQL } from "drizzle-orm";
import type { MySqlColumn, MySqlTable } from "drizzle-orm/mysql-core";
import type { Database } from "./client.js";

/** A cursor this code did not issue (or for another key type); the HTTP layer answers it with a 400. */
export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
  constructor() {
    super("is not a cursor this API issued");
  }
}

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
  throw new InvalidCursorError();
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

/**
 * One page of a list endpoint: rows of `table` matching `filters`, in `key` order, after the cursor.
 * Fetches `limit + 1` rows so the next cursor is known without a count.
 */
export async function keysetPage<T extends MySqlTable, K extends string | number>(
  db: Database,
  table: T,
  key: MySqlColumn,
  keyOf: (row: T["$inferSelect"]) => K,
  filters: Array<SQL | undefined>,
  query: { limit: number; cursor?: string },
): Promise<{ items: T["$inferSelect"][]; nextCursor: string | null }> {
  const after = decodeCursor<K>(query.cursor, key.dataType === "number" ? "number" : "string");
  const rows = (await db
    .select()
    .from(table as MySqlTable)
    .where(and(...filters, after !== undefined ? gt(key, after) : undefined))
    .orderBy(asc(key))
    .limit(query.limit + 1)) as T["$inferSelect"][];
  return page(rows, query.limit, keyOf);
}
