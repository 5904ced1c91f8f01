import { z } from "zod";
import { colours, defaultColour, programLogLevels } from "../../contract/index.js";

const urlWith = (protocols: string[], hint: string) =>
  z
    .string()
    .url()
    .refine((v) => protocols.includes(new URL(v).protocol), hint);

/** The aggregator's settings (docs/architecture.md, runtime contract). */
export const aggregatorEnv = z.object({
  DATABASE_URL: urlWith(["mysql:"], "must be a mysql://user:pass@host:port/database URL"),
  DATABASE_CA_CERT: z.string().optional(),
  WAREHOUSE_URL: urlWith(
    ["mysql:", "postgres:", "postgresql:", "redshift:"],
    "must be a mysql://, postgres:// or redshift:// URL",
  ),
  /** PEM used to verify the warehouse's certificate with sslmode=verify-ca|verify-full. */
  WAREHOUSE_CA_CERT: z.string().optional(),
  /** `true` recomputes every day's facts instead of only the days changed since the last run. */
  AGGREGATE_FULL: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  AGGREGATE_OVERLAP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  AGGREGATE_BATCH_ROWS: z.coerce.number().int().min(1).max(10_000).default(5_000),
  COLOUR: z.enum(colours).default(defaultColour),
  VERSION: z.string().min(1).default("dev"),
  LOG_LEVEL: z.enum(programLogLevels).default("info"),
});

export type AggregatorEnv = z.infer<typeof aggregatorEnv>;
