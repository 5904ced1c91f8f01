import mysql from "mysql2/promise";
import { adminMysqlUrl } from "./databases.js";

/** Drops databases left behind by earlier, interrupted test runs. */
export default async function setup(): Promise<void> {
  const conn = await mysql.createConnection(adminMysqlUrl());
  try {
    const [rows] = await conn.query("SHOW DATABASES LIKE 'moon\\_t\\_%'");
    for (const row of rows as Array<Record<string, string>>) {
      await conn.query(`DROP DATABASE IF EXISTS \`${Object.values(row)[0]}\``);
    }
  } finally {
    await conn.end();
  }
}
