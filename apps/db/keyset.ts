import { and, asc, gt, type SQL } from "drizzle-orm";
import type { MySqlColumn, MySqlTable } from "drizzle-orm/mysql-core";
import { decodeCursor, page } from "../http/pagination.js";
import type { Database } from "./client.js";

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
