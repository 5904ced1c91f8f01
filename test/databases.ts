// Each test file gets its own fresh, migrated database on the real server.
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { connect, type DbHandle } from "../apps/db/client.js";
import { runMigrations } from "../apps/db/migrate.js";
import { localMysqlServer, localPostgresServer } from "../contract/index.js";

/** Server-level URL (no database) with rights to create and drop databases. */
export const adminMysqlUrl = () => process.env.TEST_MYSQL_URL ?? localMysqlServer;
export const adminPgUrl = () => process.env.TEST_PG_URL ?? localPostgresServer;

const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;

export interface TestDatabase {
  url: string;
  name: string;
  handle: DbHandle;
  drop(): Promise<void>;
}

/** Creates an empty database, applies every migration and returns a connected handle. */
export async function freshDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = uniqueName("moon_t");
  const admin = await mysql.createConnection(adminMysqlUrl());
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = `${adminMysqlUrl().replace(/\/$/, "")}/${name}`;
  const handle = connect(url, { poolSize: 20 });
  if (options.migrate !== false) await runMigrations(handle);
  return {
    url,
    name,
    handle,
    async drop() {
      await handle.close().catch(() => undefined);
      const conn = await mysql.createConnection(adminMysqlUrl());
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** A fresh PostgreSQL database (the warehouse's Redshift path). */
export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName("moon_wt");
  const admin = new pg.Client({ connectionString: adminPgUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminPgUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminPgUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
