// `main aggregator` (`npm run aggregate [-- --full]`): one run, one log line, exit 0 or non-zero with
// the reason. The CronJob runs it every 5 minutes with concurrencyPolicy Forbid; the run lock guards the rest.
import { loadEnv } from "../runtime/env.js";
import { createLogger } from "../runtime/logger.js";
import { aggregatorEnv } from "./env.js";
import { aggregate } from "./run.js";

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export async function run(): Promise<void> {
  const env = loadEnv(aggregatorEnv);
  const logger = createLogger({ service: "aggregator", colour: env.COLOUR, version: env.VERSION }, env.LOG_LEVEL);
  const started = Date.now();
  try {
    const summary = await aggregate({
      sourceUrl: env.DATABASE_URL,
      warehouseUrl: env.WAREHOUSE_URL,
      sourceCaCert: env.DATABASE_CA_CERT,
      warehouseCaCert: env.WAREHOUSE_CA_CERT,
      full: env.AGGREGATE_FULL || process.argv.includes("--full"),
      overlapSeconds: env.AGGREGATE_OVERLAP_SECONDS,
      batchRows: env.AGGREGATE_BATCH_ROWS,
    });
    if (summary.outcome === "skipped")
      logger.warn({ ...summary, peakRssMb: peakRssMb() }, "another run holds the lock; skipped");
    else logger.info({ ...summary, peakRssMb: peakRssMb() }, "aggregation run");
  } catch (err) {
    logger.error(
      { outcome: "failed", reason: err instanceof Error ? err.message : String(err), durationMs: Date.now() - started },
      "aggregation failed",
    );
    throw err;
  }
}
