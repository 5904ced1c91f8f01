// `npm run dev`: the whole system on this machine. Makes sure MySQL is there, migrates, loads demo
// data once, then runs every program as the container would, until Ctrl-C.
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "../apps/db/client.js";
import { runMigrations } from "../apps/db/migrate.js";
import { seedAgentData } from "../apps/db/seed.js";
import { seedSalesData } from "../apps/sales/demo.js";
import { defaultColour, localDatabaseUrl, notificationKeyOf, servicePort } from "../contract/index.js";
import { devHost } from "./dev-host.js";
import { createMysqlDatabase, ensureDatabaseServers } from "./local-db.js";
import { type LocalPrometheus, prometheusBinary, startPrometheus } from "./local-prometheus.js";

const DATABASE_URL = process.env.DATABASE_URL ?? localDatabaseUrl;
/** Fixed development keys so the README's curl examples work; never used outside `npm run dev`. */
const devKeys = {
  admin: "dev-admin-key-0000000000",
  integration: "dev-integration-key-000000",
  viewer: "dev-viewer-key-0000000000",
};
const API_KEYS =
  process.env.API_KEYS ??
  Object.entries(devKeys)
    .map(([role, key]) => `${role}:${key}`)
    .join(",");

interface DevProgram {
  name: string;
  port?: number;
  env?: Record<string, string>;
}

/** The key sales uses to hand alerts to the notification service: an integration (or admin) key. */
const notificationKey = process.env.NOTIFICATION_API_KEY ?? notificationKeyOf(API_KEYS) ?? "";

/** What `npm run dev` runs. Services listen on their contract ports. */
const programs: DevProgram[] = [
  { name: "agent", port: servicePort("agent") },
  {
    name: "sales",
    port: servicePort("sales"),
    env: {
      NOTIFICATION_URL: `http://127.0.0.1:${servicePort("notification")}`,
      NOTIFICATION_API_KEY: notificationKey,
    },
  },
  { name: "notification", port: servicePort("notification") },
];

/** Demo data loaders, each idempotent (run on every start, load once). */
const seeders = [seedAgentData, seedSalesData];

async function prepareDatabase(): Promise<void> {
  if (!process.env.DATABASE_URL) ensureDatabaseServers();
  await createMysqlDatabase(DATABASE_URL);
  const handle = connect(DATABASE_URL, { poolSize: 2 });
  try {
    await runMigrations(handle);
    for (const seed of seeders) await seed(handle);
  } finally {
    await handle.close();
  }
}

function start(program: DevProgram): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/main.ts", program.name], {
    stdio: "inherit",
    env: {
      ...process.env,
      DATABASE_URL,
      API_KEYS,
      COLOUR: process.env.COLOUR ?? defaultColour,
      VERSION: process.env.VERSION ?? "dev",
      HOST: devHost(),
      ...(program.port ? { PORT: String(program.port) } : {}),
      ...program.env,
    },
  });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[dev] ${program.name} exited (${signal ?? code}); stopping the rest`);
      void stopAll(1);
    }
  });
  return child;
}

let stopping = false;
const children: ChildProcess[] = [];

async function stopAll(exitCode: number): Promise<void> {
  stopping = true;
  await prometheus?.stop().catch(() => undefined);
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null || c.signalCode !== null) return done();
          c.once("exit", () => done());
          c.kill("SIGTERM");
        }),
    ),
  );
  process.exit(exitCode);
}

// --- The aggregator on a schedule (a CronJob every 5 minutes in the cluster) ----------------------
/** By default a second database on the same server as DATABASE_URL. */
const WAREHOUSE_URL =
  process.env.WAREHOUSE_URL ?? Object.assign(new URL(DATABASE_URL), { pathname: "/moon_warehouse" }).toString();
const AGGREGATE_INTERVAL_SECONDS = Number(process.env.AGGREGATE_INTERVAL_SECONDS ?? 60);

/** Runs the aggregator now, then again each interval after a run ends, so runs never overlap. */
async function scheduleAggregator(): Promise<void> {
  if (!(AGGREGATE_INTERVAL_SECONDS >= 1))
    throw new Error("AGGREGATE_INTERVAL_SECONDS must be a number of seconds >= 1");
  if (WAREHOUSE_URL.startsWith("mysql:")) await createMysqlDatabase(WAREHOUSE_URL);
  const runOnce = () => {
    const child = spawn(process.execPath, ["--import", "tsx", "apps/main.ts", "aggregator"], {
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL, WAREHOUSE_URL },
    });
    children.push(child);
    child.on("exit", () => {
      children.splice(children.indexOf(child), 1);
      if (!stopping) setTimeout(runOnce, AGGREGATE_INTERVAL_SECONDS * 1000);
    });
  };
  runOnce();
  console.log(
    `[dev] aggregator: every ${AGGREGATE_INTERVAL_SECONDS}s into ${WAREHOUSE_URL.replace(/\/\/[^@]*@/, "//")}`,
  );
}
// ----------------------------------------------------------------------------------------------------

// --- A local Prometheus scraping the services, when the binary is installed -------------------------
let prometheus: LocalPrometheus | undefined;
const PROMETHEUS_PORT = Number(process.env.PROMETHEUS_PORT ?? 9090);

/** Starts one (same config generation as the tests' harness) and says where it is, or why there is none. */
async function startLocalPrometheus(): Promise<string> {
  if (!prometheusBinary()) return "not started: no prometheus binary (bash scripts/ensure-prometheus.sh installs it)";
  try {
    prometheus = await startPrometheus({
      targets: programs.filter((p) => p.port).map((p) => ({ job: p.name, address: `127.0.0.1:${p.port}` })),
      intervalSeconds: 5,
      port: PROMETHEUS_PORT,
    });
    return `${prometheus.url}  (scrapes every service each 5s; PROMETHEUS_PORT moves it)`;
  } catch (err) {
    return `not started: ${(err as Error).message.split("\n")[0]}`;
  }
}
// ----------------------------------------------------------------------------------------------------

await prepareDatabase();
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
for (const program of programs) children.push(start(program));
try {
  await scheduleAggregator();
} catch (err) {
  console.error(`[dev] cannot start the aggregator: ${(err as Error).message}`);
  await stopAll(1);
}

const prometheusLine = await startLocalPrometheus();
const key = process.env.API_KEYS ? "(from your API_KEYS)" : devKeys.admin;
console.log(
  [
    "",
    "Moon Agent Tracker is running:",
    ...programs.filter((p) => p.port).map((p) => `  ${p.name.padEnd(13)} http://127.0.0.1:${p.port}  (docs: /docs)`),
    ...programs
      .filter((p) => p.port)
      .map((p) => `  ${`${p.name} metrics`.padEnd(21)} http://127.0.0.1:${p.port}/metrics`),
    `  prometheus           ${prometheusLine}`,
    `  database      ${DATABASE_URL.replace(/\/\/[^@]*@/, "//")}`,
    `  admin key     ${key}`,
    process.env.API_KEYS ? "" : `  viewer key    ${devKeys.viewer}\n  integration   ${devKeys.integration}`,
    `  try: curl -H "Authorization: Bearer ${process.env.API_KEYS ? "<key>" : devKeys.admin}" http://127.0.0.1:${servicePort("agent")}/agents`,
    "Ctrl-C stops everything.",
    "",
  ].join("\n"),
);
