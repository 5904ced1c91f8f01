// What the aggregator needs from a warehouse, whatever its dialect: one connection, one transaction,
// a run lock, and statements written with `?` placeholders.

export type DialectName = "mysql" | "postgres" | "redshift";

export interface Dialect {
  name: DialectName;
  /** Column type for instants, stored as UTC wall-clock time. */
  timestamp: string;
  /** A VARCHAR able to hold `chars` characters (Redshift counts bytes). */
  varchar(chars: number): string;
  /**
   * A VARCHAR for a code or name that facts are grouped and keyed by, compared exactly as the source
   * compares it (docs/domain.md, "Identity"): `😀` is not `🦄`, `Alpha` not `alpha`.
   */
  key(chars: number): string;
  /** Drops a temporary table without touching the transaction (MySQL's plain DROP TABLE commits). */
  dropTemporaryTable(name: string): string;
  /** Most values one statement may bind; multi-row INSERTs are cut to stay under it. */
  maxParams: number;
}

export interface Warehouse {
  readonly dialect: Dialect;
  /** Runs a statement and returns its rows (empty for writes). */
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a write and returns the number of rows it affected. */
  execute(sql: string, params?: unknown[]): Promise<number>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * Takes the lock that serialises runs, inside the open transaction (or for the session): false when
   * another run holds it. Redshift has no way to fail fast, so there it waits for the holder instead.
   */
  tryLock(): Promise<boolean>;
  close(): Promise<void>;
}

/** `2024-03-01 10:15:00.123`: how instants travel to and from every dialect (UTC, no zone). */
export const sqlTimestamp = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

/** Reads what `sqlTimestamp` wrote, in any dialect's output format (fraction digits vary). */
export const parseSqlTimestamp = (s: string) => new Date(`${s.replace(" ", "T")}Z`);

/** One multi-row INSERT; the caller keeps rows × columns within `dialect.maxParams`. */
export async function insertRows(
  wh: Warehouse,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
): Promise<number> {
  if (rows.length === 0) return 0;
  const tuple = `(${columns.map(() => "?").join(",")})`;
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(rows.length).fill(tuple).join(",")}`;
  return wh.execute(sql, rows.flat());
}

/** Rows per INSERT for a table of `columns` columns. */
export const rowsPerInsert = (dialect: Dialect, columns: number, wanted: number) =>
  Math.max(1, Math.min(wanted, Math.floor(dialect.maxParams / columns)));

export async function openWarehouse(url: string, options: { caCert?: string } = {}): Promise<Warehouse> {
  const protocol = new URL(url).protocol;
  if (protocol === "mysql:") return (await import("./mysql.js")).openMysqlWarehouse(url, options);
  if (protocol === "postgres:" || protocol === "postgresql:" || protocol === "redshift:") {
    return (await import("./postgres.js")).openPostgresWarehouse(url, options);
  }
  throw new Error(`WAREHOUSE_URL must be mysql://, postgres:// or redshift://, not ${protocol}//`);
}

/** Inserts `rows` in as few statements as the dialect allows. */
export async function insertAll(
  wh: Warehouse,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
  batchRows: number,
): Promise<number> {
  const size = rowsPerInsert(wh.dialect, columns.length, batchRows);
  let written = 0;
  for (let i = 0; i < rows.length; i += size) written += await insertRows(wh, table, columns, rows.slice(i, i + size));
  return written;
}
