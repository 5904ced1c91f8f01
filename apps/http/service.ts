import type { Registry } from "prom-client";
import type { z } from "zod";
import { connect, type Database, type DbHandle } from "../db/client.js";
import { loadEnv } from "../runtime/env.js";
import { createLogger, type Logger } from "../runtime/logger.js";
import type { Worker } from "../runtime/poller.js";
import { createServiceApp, type ServiceApp } from "./app.js";
import { type ServiceEnv, serviceEnv } from "./env.js";
import { createMetrics } from "./metrics.js";
import { exitOnSignals, type RunningServer, serveHttp } from "./serve.js";
import { type DbGauge, registerServiceMetrics } from "./service-metrics.js";

export interface ServiceDeps<E> {
  env: E;
  db: Database;
  dbHandle: DbHandle;
  logger: Logger;
  /** The service's metrics registry (default labels service, colour, version): register business metrics here. */
  metrics: Registry;
}

export interface ServiceDefinition<X extends z.ZodRawShape = Record<never, z.ZodType>> {
  name: string;
  title: string;
  description: string;
  defaultPort: number;
  /** Variables this service reads beyond the common ones. */
  extraEnv?: X;
  /** Gauges read from the database on each scrape (backlogs, lags). */
  dbGauges?: DbGauge[];
  routes: (app: ServiceApp, deps: ServiceDeps<ServiceEnv & z.infer<z.ZodObject<X>>>) => void;
  workers?: (deps: ServiceDeps<ServiceEnv & z.infer<z.ZodObject<X>>>) => Worker[];
}

export interface StartedService extends RunningServer {
  app: ServiceApp;
  url: string;
  logger: Logger;
}

/** Validates the environment, connects, mounts routes, starts workers and serves until shut down. */
export async function startService<X extends z.ZodRawShape>(
  def: ServiceDefinition<X>,
  source: NodeJS.ProcessEnv = process.env,
): Promise<StartedService> {
  const env = loadEnv(serviceEnv(def.defaultPort).extend(def.extraEnv ?? ({} as X)), source) as ServiceEnv &
    z.infer<z.ZodObject<X>>;
  const logger = createLogger({ service: def.name, colour: env.COLOUR, version: env.VERSION }, env.LOG_LEVEL);
  // The pool connects lazily, so the service starts (and reports not-ready) while the database is away.
  const dbHandle = connect(env.DATABASE_URL, { poolSize: env.DB_POOL_SIZE, caCert: env.DATABASE_CA_CERT });
  let draining = false;
  const identity = { service: def.name, colour: env.COLOUR, version: env.VERSION };
  const metrics = createMetrics(identity);
  const checkReady = registerServiceMetrics({
    registry: metrics.registry,
    pool: dbHandle.pool,
    checkReady: () => dbHandle.ping(1_000),
    dbGauges: def.dbGauges,
  });
  const app = createServiceApp({
    ...identity,
    title: def.title,
    description: def.description,
    keys: env.API_KEYS,
    logger,
    checkReady,
    isDraining: () => draining,
    metrics,
  });
  const deps = { env, db: dbHandle.db, dbHandle, logger, metrics: metrics.registry };
  def.routes(app, deps);
  const workers = def.workers?.(deps) ?? [];
  const running = await serveHttp({
    fetch: app.fetch,
    responseHeaders: { "x-moon-colour": env.COLOUR },
    port: env.PORT,
    hostname: env.HOST,
    load: { maxInFlight: env.MAX_IN_FLIGHT, maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS },
    logger,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    onDrain: () => {
      draining = true;
    },
    onClose: [...workers.map((w) => () => w.stop()), () => dbHandle.close()],
  });
  return { ...running, app, logger, url: `http://127.0.0.1:${running.port}` };
}

/** The container entry of a service: start, then exit 0 after a clean drain on SIGTERM. */
export async function runService<X extends z.ZodRawShape>(def: ServiceDefinition<X>): Promise<void> {
  const started = await startService(def);
  exitOnSignals(started, started.logger);
}
