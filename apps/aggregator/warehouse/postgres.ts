// The warehouse over the PostgreSQL wire protocol: PostgreSQL itself, or Amazon Redshift. Everything
// sent is Redshift-safe: no SERIAL, ON CONFLICT, RETURNING, CREATE INDEX, FOR UPDATE or TRUNCATE.
import { readFileSync } from "node:fs";
import pg from "pg";
import { runsTable } from "./ddl.js";
import type { Dialect, Warehouse } from "./warehouse.js";

// node-pg binds at most 65,535 values; Redshift's documented ceiling for a prepared statement is lower.
const maxParams = 30_000;

const postgresVarchar = (chars: number) => `VARCHAR(${chars})`;
// Redshift sizes VARCHAR in bytes; UTF-8 needs up to 4 a character.
const redshiftVarchar = (chars: number) => `VARCHAR(${Math.min(chars * 4, 65_535)})`;

export const postgresDialect: Dialect = {
  name: "postgres",
  timestamp: "TIMESTAMP",
  varchar: postgresVarchar,
  // PostgreSQL's database collations are deterministic: strings are equal only when their bytes are.
  key: postgresVarchar,
  dropTemporaryTable: (name) => `DROP TABLE ${name}`,
  maxParams,
};

/**
 * Differs from PostgreSQL only where Redshift does; its SQL also runs on PostgreSQL, which is how the
 * tests execute it. No SORTKEY: Redshift picks one itself (AUTO) and PostgreSQL would reject it.
 */
export const redshiftDialect: Dialect = {
  ...postgresDialect,
  name: "redshift",
  varchar: redshiftVarchar,
  // Case-sensitive unless the database was created CASE_INSENSITIVE (not supported here).
  key: redshiftVarchar,
};

const sslModes = ["disable", "require", "verify-ca", "verify-full"] as const;
type SslMode = (typeof sslModes)[number];

// Dates and instants come back as the server printed them: they are UTC wall-clock values, and
// node-pg would otherwise read them in the process's local zone.
const asText = (value: string) => value;
const textTypes = new Set([pg.types.builtins.DATE, pg.types.builtins.TIMESTAMP, pg.types.builtins.TIMESTAMPTZ]);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    textTypes.has(oid) ? asText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * `postgres://` or `redshift://user:pass@host:port/db?sslmode=…` to client settings. Redshift's port
 * defaults to 5439 and its TLS to `require`; `sslmode` takes libpq's words, as DATABASE_URL does.
 */
export function postgresClientConfig(
  url: string,
  options: { caCert?: string } = {},
): { config: pg.ClientConfig; dialect: Dialect } {
  const u = new URL(url);
  const redshift = u.protocol === "redshift:";
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!database) throw new Error("WAREHOUSE_URL names no database (…://user:pass@host:port/<database>)");
  const sslMode = (u.searchParams.get("sslmode") ?? (redshift ? "require" : "disable")) as SslMode;
  if (!sslModes.includes(sslMode)) throw new Error(`sslmode must be one of ${sslModes.join(", ")}`);
  const rootCert = u.searchParams.get("sslrootcert");
  const ca = options.caCert ?? (rootCert ? readFileSync(rootCert, "utf8") : undefined);
  return {
    dialect: redshift ? redshiftDialect : postgresDialect,
    config: {
      host: u.hostname,
      port: u.port ? Number(u.port) : redshift ? 5439 : 5432,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database,
      ssl:
        sslMode === "disable"
          ? false
          : sslMode === "require"
            ? { rejectUnauthorized: false }
            : {
                rejectUnauthorized: true,
                ca,
                ...(sslMode === "verify-ca" ? { checkServerIdentity: () => undefined } : {}),
              },
      connectionTimeoutMillis: 10_000,
      types,
    },
  };
}

/** `?` placeholders to `$1, $2, …` (the aggregator's SQL never holds a literal `?`). */
export const numberPlaceholders = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function openPostgresWarehouse(url: string, options: { caCert?: string }): Promise<Warehouse> {
  const { config, dialect } = postgresClientConfig(url, options);
  const client = new pg.Client(config);
  await client.connect();
  const run = (sql: string, params: unknown[] = []) => client.query(numberPlaceholders(sql), params);
  return {
    dialect,
    async query<T extends object>(sql: string, params?: unknown[]) {
      return (await run(sql, params)).rows as T[];
    },
    async execute(sql, params) {
      return (await run(sql, params)).rowCount ?? 0;
    },
    begin: async () => void (await run("BEGIN")),
    commit: async () => void (await run("COMMIT")),
    rollback: async () => void (await run("ROLLBACK")),
    async tryLock() {
      if (dialect.name === "redshift") {
        await run(`LOCK ${runsTable}`);
        return true;
      }
      try {
        await run(`LOCK TABLE ${runsTable} IN EXCLUSIVE MODE NOWAIT`);
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === "55P03") return false; // lock_not_available
        throw err;
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
