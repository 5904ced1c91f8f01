// Small helpers for the sales service's transactional SQL.
import type { SQL } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { isDeadlock } from "../db/errors.js";

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Rows of a raw query (snake_case columns, DECIMAL as strings, DATE as YYYY-MM-DD). */
export async function rows<T>(db: Database | Tx, query: SQL): Promise<T[]> {
  const [result] = await db.execute(query);
  return result as unknown as T[];
}

/**
 * Runs `work` in a READ COMMITTED transaction, retried on deadlock. Every read sees what committed
 * before it, so a check made after taking a lock is never answered from an older snapshot.
 */
export async function writeTransaction<T>(db: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work, { isolationLevel: "read committed" });
    } catch (err) {
      if (!isDeadlock(err) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}
