// The set-up every aggregator test starts from: a migrated source holding a scenario, and an empty
// warehouse of the kind under test with a reader on it.
import { freshDatabase, freshPgDatabase, type TestDatabase } from "../databases.js";
import { Scenario } from "./scenario.js";
import { openReader, type WarehouseReader } from "./warehouse-reader.js";

export interface AggregatorSetup {
  source: TestDatabase;
  warehouse: { url: string; drop(): Promise<void> };
  /** The warehouse URL the aggregator is given: redshift:// (without TLS) for the Redshift kind. */
  warehouseUrl: string;
  scenario: Scenario;
  reader: WarehouseReader;
  /** Closes the reader and drops both databases. */
  close(): Promise<void>;
}

/** `redshift` is a PostgreSQL database; the test reaches it through a redshift:// URL of its own. */
export async function openAggregatorSetup(kind: "mysql" | "postgres" | "redshift"): Promise<AggregatorSetup> {
  const source = await freshDatabase();
  const warehouse = kind === "mysql" ? await freshDatabase({ migrate: false }) : await freshPgDatabase();
  const scenario = await Scenario.create(source.handle);
  const reader = await openReader(warehouse.url);
  return {
    source,
    warehouse,
    warehouseUrl:
      kind === "redshift" ? `${warehouse.url.replace(/^postgres:/, "redshift:")}?sslmode=disable` : warehouse.url,
    scenario,
    reader,
    async close() {
      await reader.close();
      await warehouse.drop();
      await source.drop();
    },
  };
}
