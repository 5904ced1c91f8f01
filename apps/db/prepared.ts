import type { Database } from "./client.js";

/**
 * Caches a statement prepared once per database handle. Hot lookups use this: building a query
 * with drizzle on every call costs more than the round trip to MySQL.
 */
export function preparedPerDb<P>(prepare: (db: Database) => P): (db: Database) => P {
  const cache = new WeakMap<Database, P>();
  return (db) => {
    const cached = cache.get(db);
    if (cached) return cached;
    const statement = prepare(db);
    cache.set(db, statement);
    return statement;
  };
}
