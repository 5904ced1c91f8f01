import mysql from "mysql2/promise";
import pg from "pg";
import { adminMysqlUrl, adminPgUrl } from "./databases.js";

/** The test process that made a database is named in it (moon_t_<pid>_…); alive means in use. */
function ownerAlive(database: string): boolean {
  const pid = Number(/^moon_w?t_(\d+)_/.exec(database)?.[1]);
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Drops databases left behind by earlier, interrupted test runs. */
export default async function setup(): Promise<void> {
  const conn = await mysql.createConnection(adminMysqlUrl());
  try {
    const [rows] = await conn.query("SHOW DATABASES LIKE 'moon\\_t\\_%'");
    for (const name of (rows as Array<Record<string, string>>).map((r) => Object.values(r)[0]!)) {
      if (!ownerAlive(name)) await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    }
  } finally {
    await conn.end();
  }
  const client = new pg.Client({ connectionString: adminPgUrl() });
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'moon\\_wt\\_%'",
    );
    for (const { datname } of rows)
      if (!ownerAlive(datname)) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } catch {
    // PostgreSQL is only needed by the warehouse tests; they report it themselves if it is missing.
  } finally {
    await client.end().catch(() => undefined);
  }
}
