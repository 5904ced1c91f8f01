import { getTableColumns, getTableName } from "drizzle-orm";
import type { MySqlColumn, MySqlTable } from "drizzle-orm/mysql-core";
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

/**
 * The row of `table` whose `key` column equals a value, read with mysql2 directly: for the hottest
 * lookups. Drizzle's prepared query makes mysql2 call a type-cast function for every field and then
 * maps each row again, which allocates more than the lookup itself (see the README's benchmarks);
 * here the columns are aliased to the table's property names, so mysql2's own parser builds the row.
 * It runs as a server-side prepared statement (mysql2 prepares it once per connection and keeps it):
 * the server no longer parses and plans the SELECT on every call, which on a machine shared with the
 * database was a quarter of the CPU per request (README, benchmarks).
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
  const select = columns.map(([property, column]) => `\`${column.name}\` AS \`${property}\``).join(", ");
  const sql = `SELECT ${select} FROM \`${getTableName(table)}\` WHERE \`${key.name}\` = ? LIMIT 1`;
  return async (db, value) => {
    const [rows] = await db.$client.execute(sql, [value]);
    return (rows as Array<T["$inferSelect"]>)[0];
  };
}
