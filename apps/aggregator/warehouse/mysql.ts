// The warehouse as a MySQL database (the local default; a database in DigitalOcean's managed MySQL).
import mysql, { type ResultSetHeader } from "mysql2/promise";
import { poolOptions } from "../../db/client.js";
import type { Dialect, Warehouse } from "./warehouse.js";

export const mysqlDialect: Dialect = {
  name: "mysql",
  // DATETIME, not TIMESTAMP: stored as written, whatever the session's time zone.
  timestamp: "DATETIME(3)",
  varchar: (chars) => `VARCHAR(${chars})`,
  // The database's default collation (utf8mb4_0900_ai_ci on MySQL 8) would merge accents and case.
  key: (chars) => `VARCHAR(${chars}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  dropTemporaryTable: (name) => `DROP TEMPORARY TABLE ${name}`,
  // mysql2 inlines values client-side; this only bounds a statement's size (~120 B a value, far under
  // max_allowed_packet).
  maxParams: 60_000,
};

export async function openMysqlWarehouse(url: string, options: { caCert?: string }): Promise<Warehouse> {
  const { connectionLimit: _limit, maxIdle: _idle, ...connectionOptions } = poolOptions(url, options);
  const conn = await mysql.createConnection({ ...connectionOptions, dateStrings: true, connectTimeout: 10_000 });
  // A named lock per warehouse database: the server drops it with the session, so a killed run
  // never leaves it behind.
  const lockName = `moon_aggregator:${connectionOptions.database}`.slice(0, 64);
  return {
    dialect: mysqlDialect,
    async query<T extends object>(sql: string, params: unknown[] = []) {
      const [rows] = await conn.query({ sql, values: params });
      return Array.isArray(rows) ? (rows as T[]) : [];
    },
    async execute(sql, params = []) {
      const [result] = await conn.query<ResultSetHeader>({ sql, values: params });
      return result.affectedRows;
    },
    begin: () => conn.beginTransaction(),
    commit: () => conn.commit(),
    rollback: () => conn.rollback(),
    async tryLock() {
      const [rows] = await conn.query("SELECT GET_LOCK(?, 0) AS got", [lockName]);
      return (rows as Array<{ got: number | null }>)[0]?.got === 1;
    },
    async close() {
      await conn.end().catch(() => conn.destroy());
    },
  };
}
