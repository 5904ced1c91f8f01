import { type Column, sql } from "drizzle-orm";
import { bigint, customType, decimal, timestamp, varchar } from "drizzle-orm/mysql-core";

// MariaDB rejects drizzle's defaultNow() on TIMESTAMP(3); spell the default out.
export const createdAt = () =>
  timestamp("created_at", { fsp: 3, mode: "date" }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);

export const updatedAt = () =>
  timestamp("updated_at", { fsp: 3, mode: "date" })
    .notNull()
    .default(sql`CURRENT_TIMESTAMP(3)`)
    // Set by the application: MySQL 8 rejects ON UPDATE CURRENT_TIMESTAMP without a matching fsp.
    .$onUpdate(() => new Date());

/** Money: exact DECIMAL(14,2), read back as a string so no float ever touches it. */
export const money = (name: string) => decimal(name, { precision: 14, scale: 2, mode: "string" });

/**
 * A running total of sale amounts: DECIMAL(32,2). A sale is at most 999,999,999.99 and there can never
 * be more than 2^64 sales (BIGINT ids), so no sum of sales a target can see overflows it.
 */
export const total = (name: string) => decimal(name, { precision: 32, scale: 2, mode: "string" });

/**
 * A VARCHAR compared exactly, byte for byte (utf8mb4_bin), for identities the application compares
 * exactly: the database's default collation would merge `CORE-1` with `core-1`, `Alpha` with `Álpha`,
 * and every emoji with every other. Every code, name used as a key and reference is one (codes are
 * stored upper case and names NFC, apps/http/fields.ts, so exact is what the rules mean).
 * utf8mb4_bin exists on MariaDB and MySQL 8 alike. Declared here, so `db:generate` keeps it.
 */
export const exactVarchar = (name: string, length: number) =>
  customType<{ data: string; driverData: string }>({
    dataType: () => `varchar(${length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  })(name);

/** BIGINT UNSIGNED AUTO_INCREMENT primary key; drizzle's serial() emits SQL MariaDB rejects. */
export const id = () => bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey();

/** The request a row came from: its `x-request-id` and W3C `traceparent` (apps/runtime/trace.ts). */
export const traceColumns = () => ({
  requestId: varchar("request_id", { length: 128 }),
  traceparent: varchar("traceparent", { length: 55 }),
});

/** A column's VARCHAR length (plain `varchar` or `exactVarchar`), or undefined for any other type. */
export function varcharLength(column: Column): number | undefined {
  const length = /^varchar\((\d+)\)/.exec(column.getSQLType())?.[1];
  return length === undefined ? undefined : Number(length);
}

/** A VARCHAR column's length, for what is sized from it (request rules, warehouse keys); throws for any other type. */
export function lengthOf(column: Column): number {
  const length = varcharLength(column);
  if (length === undefined) throw new Error(`column ${column.name} is not a VARCHAR`);
  return length;
}
