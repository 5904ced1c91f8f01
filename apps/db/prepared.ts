import { getTableColumns, getTableName } from "drizzle-orm";
import type { MySqlColumn, MySqlTable } from "drizzle-orm/mysql-core";
import type { PoolConnection, PrepareStatementInfo, QueryError, RowDataPacket } from "mysql2";
import type { Database } from "./client.js";
import { varcharLength } from "./schema/columns.js";

// Column kinds mysql2 reads exactly as drizzle would map them, given the pool options in client.ts
// (DATE as strings, TIMESTAMP as Dates in UTC, DECIMAL as strings, safe BIGINTs as numbers).
const plainColumnTypes = new Set([
  "MySqlVarChar",
  "MySqlChar",
  "MySqlText",
  "MySqlEnumColumn",
  "MySqlInt",
  "MySqlBigInt53",
  "MySqlDecimal",
  "MySqlDateString",
  "MySqlTimestamp",
]);

/** exactVarchar (schema/columns.ts): a VARCHAR with a collation, read as any VARCHAR is. */
const isExactVarchar = (column: MySqlColumn) =>
  column.columnType === "MySqlCustomColumn" && varcharLength(column) !== undefined;

/** ER_UNKNOWN_STMT_HANDLER: the server no longer holds the statement (a connection reset, an eviction). */
const unknownStatement = 1243;

/**
 * Runs `sql` as a server-side prepared statement: prepared the first time a pooled connection runs
 * it, then executed through the statement kept for that connection. mysql2's own `execute` looks the
 * statement up again on every call (a key built from the SQL's text, a cache lookup, a prepare step
 * that finds it there) and wraps the result in a promise of its own; on the hottest reads that was
 * a few per cent of the service's CPU per request (README, benchmarks). A statement the server has
 * forgotten is prepared again, once. `read` turns the rows into the result.
 */
export function preparedStatement<R>(
  sql: string,
  read: (rows: RowDataPacket[]) => R,
): (db: Database, values: unknown[]) => Promise<R> {
  const statements = new WeakMap<PoolConnection, PrepareStatementInfo>();
  return (db, values) =>
    new Promise((resolve, reject) => {
      db.$client.pool.getConnection((err, conn) => {
        if (err) return reject(err);
        const finish = (e: QueryError | null, rows?: RowDataPacket[]) => {
          conn.release();
          if (e) reject(e);
          else resolve(read(rows!));
        };
        const execute = (statement: PrepareStatementInfo, retry: boolean) =>
          statement.execute(values, (e: QueryError | null, rows: RowDataPacket[]) => {
            if (e?.errno === unknownStatement && retry) {
              conn.unprepare(sql);
              return prepare();
            }
            finish(e, rows);
          });
        const prepare = () =>
          conn.prepare(sql, (e, statement) => {
            if (e) return finish(e);
            statements.set(conn, statement);
            execute(statement, false);
          });
        // A throw while starting (a value mysql2 cannot send) must still give the connection back.
        try {
          const known = statements.get(conn);
          if (known) execute(known, true);
          else prepare();
        } catch (e) {
          finish(e as QueryError);
        }
      });
    });
}

/**
 * The row of `table` whose `key` column equals a value, read with mysql2 directly: for the hottest
 * lookups. Drizzle's prepared query makes mysql2 call a type-cast function for every field and then
 * maps each row again, which allocates more than the lookup itself (see the README's benchmarks);
 * here the columns are aliased to the table's property names, so mysql2's own parser builds the row.
 * It runs as a server-side prepared statement (`preparedStatement`): the server no longer parses and
 * plans the SELECT on every call, which on a machine shared with the database was a quarter of the
 * CPU per request (README, benchmarks).
 * Refuses, when built, a table with a column mysql2 would read differently (JSON, booleans, …).
 */
export function rowByKey<T extends MySqlTable>(
  table: T,
  key: MySqlColumn,
): (db: Database, value: string) => Promise<T["$inferSelect"] | undefined> {
  const columns = Object.entries(getTableColumns(table));
  for (const [property, column] of columns) {
    if (!plainColumnTypes.has(column.columnType) && !isExactVarchar(column))
      throw new Error(
        `rowByKey: ${getTableName(table)}.${property} (${column.columnType}) is not read as drizzle reads it`,
      );
  }
  const aliased = columns.map(([property, column]) => `\`${column.name}\` AS \`${property}\``).join(", ");
  const sql = `SELECT ${aliased} FROM \`${getTableName(table)}\` WHERE \`${key.name}\` = ? LIMIT 1`;
  const select = preparedStatement(sql, (rows) => rows[0] as T["$inferSelect"] | undefined);
  return (db, value) => select(db, [value]);
}
