// What every service reports beside its HTTP metrics: build info, its database and its pool, and the
// database-derived gauges its definition declares. Values that need the database are read on scrape.
import type { Pool } from "mysql2/promise";
import { Gauge, type Registry } from "prom-client";

/**
 * A gauge read from the database on each scrape: `sql` returns one row with a numeric `value`. It
 * must be a cheap indexed query, and mean the same on every replica (rules take max(), not sum()).
 */
export interface DbGauge {
  name: string;
  help: string;
  sql: string;
}

/** A scrape must answer even while the database hangs: give up on a value after this long. */
const scrapeTimeoutMs = 1_500;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The pool's counts, from mysql2's own queues (not public API, so checked: undefined if they moved). */
export function poolStats(pool: Pool): { inUse: number; idle: number; waiters: number; size: number } | undefined {
  const inner = (pool as unknown as { pool?: Record<string, unknown> }).pool;
  const all = inner?._allConnections as { length?: unknown } | undefined;
  const free = inner?._freeConnections as { length?: unknown } | undefined;
  const queue = inner?._connectionQueue as { length?: unknown } | undefined;
  const size = (inner?.config as { connectionLimit?: unknown } | undefined)?.connectionLimit;
  if (
    typeof all?.length !== "number" ||
    typeof free?.length !== "number" ||
    typeof queue?.length !== "number" ||
    typeof size !== "number"
  )
    return undefined;
  return { inUse: all.length - free.length, idle: free.length, waiters: queue.length, size };
}

export interface ServiceMetricsOptions {
  registry: Registry;
  pool: Pool;
  /** The readiness check (rejects when the database does not answer). */
  checkReady: () => Promise<void>;
  dbGauges?: DbGauge[];
}

/**
 * Registers the shared gauges and returns the readiness check wrapped so that every check, by
 * /ready or by a scrape, sets `moon_database_up`.
 */
export function registerServiceMetrics(o: ServiceMetricsOptions): () => Promise<void> {
  const { registry, pool } = o;
  // First in the registry, so the pool is read before this scrape's own queries take connections.
  const connections = new Gauge({
    name: "moon_db_pool_connections",
    help: "Connections of the service's database pool, by state",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const stats = poolStats(pool);
      if (!stats) return;
      connections.set({ state: "in_use" }, stats.inUse);
      connections.set({ state: "idle" }, stats.idle);
    },
  });
  const waiters = new Gauge({
    name: "moon_db_pool_waiters",
    help: "Requests waiting for a free connection of the pool",
    registers: [registry],
    collect() {
      const stats = poolStats(pool);
      if (stats) waiters.set(stats.waiters);
    },
  });
  const size = new Gauge({
    name: "moon_db_pool_size",
    help: "Most connections the pool opens (DB_POOL_SIZE)",
    registers: [registry],
    collect() {
      const stats = poolStats(pool);
      if (stats) size.set(stats.size);
    },
  });

  const buildInfo = new Gauge({
    name: "moon_build_info",
    help: "Always 1; the labels say which build runs (version and colour are default labels)",
    labelNames: ["node_version"] as const,
    registers: [registry],
  });
  buildInfo.set({ node_version: process.version }, 1);

  const databaseUp = new Gauge({
    name: "moon_database_up",
    help: "1 when the service's last readiness check of its database succeeded, else 0",
    registers: [registry],
    // A scrape checks too, so the value is fresh even where nothing polls /ready.
    collect: () => checkReady().catch(() => undefined),
  });
  const checkReady = async () => {
    try {
      await withTimeout(o.checkReady(), scrapeTimeoutMs);
      databaseUp.set(1);
    } catch (err) {
      databaseUp.set(0);
      throw err;
    }
  };

  for (const g of o.dbGauges ?? []) registerDbGauge(registry, pool, g);
  return checkReady;
}

/** NaN while the database cannot be read: unknown, never a reassuring 0. */
function registerDbGauge(registry: Registry, pool: Pool, g: DbGauge): void {
  const gauge: Gauge = new Gauge({
    name: g.name,
    help: g.help,
    registers: [registry],
    async collect() {
      try {
        const [rows] = await withTimeout(pool.query({ sql: g.sql, timeout: scrapeTimeoutMs }), scrapeTimeoutMs);
        const value = Number((rows as Array<{ value: unknown }>)[0]?.value ?? 0);
        gauge.set(Number.isFinite(value) ? value : Number.NaN);
      } catch {
        gauge.set(Number.NaN);
      }
    },
  });
}

/** Makes a service's own metrics once per registry, so its routes and its workers share them. */
export function perRegistry<M>(create: (registry: Registry) => M): (registry: Registry) => M {
  const made = new WeakMap<Registry, M>();
  return (registry) => {
    const known = made.get(registry);
    if (known) return known;
    const metrics = create(registry);
    made.set(registry, metrics);
    return metrics;
  };
}
