import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/mysql2/migrator";
import type { DbHandle } from "./client.js";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/**
 * Applies the committed migrations. A named lock serialises concurrent runs on one database (two
 * colours' migration Jobs), so each migration is applied once. Lock names are server-wide, so the
 * name carries the database's: migrations of other databases on the same server do not wait.
 */
/** At most 64 characters, as MySQL requires of lock names. */
const lockName = "LEFT(CONCAT('moon_migrations:', DATABASE()), 64)";

export async function runMigrations(handle: DbHandle): Promise<void> {
  const conn = await handle.pool.getConnection();
  try {
    const [rows] = await conn.query(`SELECT GET_LOCK(${lockName}, 120) AS got`);
    if ((rows as Array<{ got: number }>)[0]?.got !== 1) throw new Error("timed out waiting for the migration lock");
    try {
      await migrate(handle.db, { migrationsFolder });
    } finally {
      await conn.query(`SELECT RELEASE_LOCK(${lockName})`);
    }
  } finally {
    conn.release();
  }
}
