// `main migrate`: applies migrations to DATABASE_URL; the Kubernetes migration Job runs this.
import { z } from "zod";
import { loadEnv } from "../runtime/env.js";
import { createLogger } from "../runtime/logger.js";
import { connect } from "./client.js";
import { runMigrations } from "./migrate.js";

const env = z.object({
  DATABASE_URL: z
    .string()
    .url()
    .refine((v) => v.startsWith("mysql://"), "must be a mysql:// URL"),
  DATABASE_CA_CERT: z.string().optional(),
  VERSION: z.string().default("dev"),
});

export async function run(): Promise<void> {
  const { DATABASE_URL, DATABASE_CA_CERT, VERSION } = loadEnv(env);
  const logger = createLogger({ service: "migrate", version: VERSION });
  const handle = connect(DATABASE_URL, { poolSize: 2, caCert: DATABASE_CA_CERT });
  const started = Date.now();
  try {
    await runMigrations(handle);
    logger.info({ ms: Date.now() - started }, "migrations applied");
  } finally {
    await handle.close();
  }
}
