// Zod schemas derived from the Drizzle tables (drizzle-zod), so a column is written once: its name,
// nullability, enum values and VARCHAR length come from the table, the API's formats and rules from here.
// Each resource's row mapper (`toAgent`, …) returns its response schema's type, so a column the table
// gains fails the typecheck there until the mapper shows it or the schema omits it.
import { z } from "@hono/zod-openapi";
import { getTableColumns, type Table } from "drizzle-orm";
import { createSchemaFactory } from "drizzle-zod";
import { lengthOf } from "../db/schema/columns.js";
import { moneyOutput } from "../money/amount.js";
import { timestamp } from "./fields.js";

// @hono/zod-openapi's z, so derived schemas take `.openapi()` metadata like hand-written ones.
export const { createInsertSchema, createSelectSchema } = createSchemaFactory({ zodInstance: z });

/** A string column's VARCHAR length, for the field rule that fills it (also the exact-collation ones). */
export { lengthOf };

type Columns<T extends Table> = T["_"]["columns"];
type KeysWhere<T extends Table, Of extends "data" | "columnType", Is> = {
  [K in keyof Columns<T>]: Columns<T>[K]["_"][Of] extends Is ? K : never;
}[keyof Columns<T>];

export type ApiFormats<T extends Table> = { [K in KeysWhere<T, "data", Date>]: () => typeof timestamp } & {
  [K in KeysWhere<T, "columnType", "MySqlDecimal">]: () => typeof moneyOutput;
} & { [K in KeysWhere<T, "columnType", "MySqlCustomColumn">]: () => z.ZodString };

/**
 * How the API writes what JSON has no type for, as select-schema refinements: TIMESTAMP columns as ISO
 * 8601 strings, DECIMAL (money) columns as decimal strings, and the exact-collation VARCHARs (a custom
 * type drizzle-zod cannot see into) as the strings they hold. Nullability still comes from the column.
 */
export function apiFormats<T extends Table>(table: T): ApiFormats<T> {
  const formats: Record<string, () => z.ZodType> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (column.dataType === "date") formats[key] = () => timestamp;
    else if (column.columnType === "MySqlDecimal") formats[key] = () => moneyOutput;
    else if (column.columnType === "MySqlCustomColumn") formats[key] = () => z.string().max(lengthOf(column));
  }
  return formats as ApiFormats<T>;
}
