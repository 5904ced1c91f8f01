import type { Database } from "./client.js";

/**
 * Caches a statement prepared once per database handle. Hot lookups use this: building a query
 * with drizzle on every call costs more than the round trip to MySQL.
 */
export function preparedPerDb<P>(prepare: (db: Database) => P): (db: Database) => P {
  const cache = new WeakMap<Database, P>();
  return (db) => {
    let statement = cache.get(db);
    if (!statement) cache.set(db, (statement = prepare(db)));
    return statement;
  };
}
