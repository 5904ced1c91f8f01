// Helpers for local development: make sure a database named in a URL exists.
import { execFileSync } from "node:child_process";
import mysql from "mysql2/promise";

/** Runs scripts/ensure-databases.sh (installs and starts MariaDB on a fresh Debian machine). */
export function ensureDatabaseServers(...flags: string[]): void {
  execFileSync("bash", ["scripts/ensure-databases.sh", ...flags], { stdio: "inherit" });
}

/** CREATE DATABASE IF NOT EXISTS for the database a mysql:// URL names. */
export async function createMysqlDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = "/";
  const conn = await mysql.createConnection({ uri: u.toString().replace(/\/$/, ""), connectTimeout: 5_000 });
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${name.replace(/`/g, "")}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}
