import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/mysql2/migrator";
import type { DbHandle } from "./client.js";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * Applies the committed migrations. A named lock serialises concurrent runs (two colours' migration
 * Jobs, or tests starting together), so each migration is applied once.
 */
export async function runMigrations(handle: DbHandle): Promise<void> {
  const conn = await handle.pool.getConnection();
  try {
    const [rows] = await conn.query("SELECT GET_LOCK('moon_migrations', 120) AS got");
    if ((rows as Array<{ got: number }>)[0]?.got !== 1) throw new Error("timed out waiting for the migration lock");
    try {
      await migrate(handle.db, { migrationsFolder });
    } finally {
      await conn.query("SELECT RELEASE_LOCK('moon_migrations')");
    }
  } finally {
    conn.release();
  }
}
