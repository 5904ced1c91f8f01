// Sales ingest on the real sales service against the raw limit of the same MySQL server, in one run:
//   POST /sales (auth, validation, idempotent insert, change log, target tracking), 50 connections,
//     vs 50 concurrent single-row autocommit INSERTs of the same row shape with mysql2;
//   POST /sales/batch (1,000 sales a request) rows/s vs raw 1,000-row INSERTs.
// Goals: single >= 0.5 of raw with p99 < 50 ms; batch >= 0.5 of raw; service RSS < 150 MB.
// Also measured: the server's rate for a POST refused at validation, the most any POST can reach.
import { execFileSync } from "node:child_process";
import mysql from "mysql2/promise";
import { connect } from "../apps/db/client.js";
import { demoAgents, demoAuthorisations } from "../apps/db/demo-data.js";
import { runMigrations } from "../apps/db/migrate.js";
import { seedAgentData } from "../apps/db/seed.js";
import { createMysqlDatabase } from "../scripts/local-db.js";
import { imageNodeOptions, load, peakRssMb, ratio, report, startChild } from "./lib/load.js";

const connections = 50;
const batchSize = 1000;
const batchConnections = 4;

const activeAgents = demoAgents.filter((a) => a.status !== "inactive").map((a) => a.agentCode);
const sellable = demoAuthorisations.filter(([agent]) => activeAgents.includes(agent));
const month = new Date().toISOString().slice(0, 7);

let serial = 0;
/** A sale of an authorised product this month, with a saleRef never used before in this run. */
function nextSale(prefix: string) {
  const [agentCode, products] = sellable[serial % sellable.length]!;
  serial++;
  return {
    saleRef: `${prefix}-${process.pid}-${serial}`,
    agentCode,
    productCode: products[serial % products.length]!,
    amount: `${100 + (serial % 900)}.${String(serial % 100).padStart(2, "0")}`,
    saleDate: `${month}-${String(1 + (serial % 28)).padStart(2, "0")}`,
  };
}

/** Every agent, team and product gets a monthly target, so each sale moves three running totals. */
async function setTargets(url: string): Promise<void> {
  const conn = await mysql.createConnection(url);
  const teams = [...new Set(demoAgents.map((a) => a.team))];
  const products = [...new Set(demoAuthorisations.flatMap(([, p]) => p))];
  const rows = [
    ...activeAgents.map((k) => ["agent", k, "100000000.00"]),
    ...teams.map((k) => ["team", k, "500000000.00"]),
    ...products.map((k) => ["product", k, "500000000.00"]),
  ];
  await conn.query("INSERT INTO targets (scope, target_key, period, amount, milestones) VALUES ? ", [
    rows.map(([scope, key, amount]) => [scope, key, "month", amount, "50,100"]),
  ]);
  await conn.query("UPDATE targets_revision SET revision = revision + 1 WHERE id = 1");
  await conn.end();
}

interface RawResult {
  rowsPerSecond: number;
  p99Ms: number;
}

/** `workers` loops each running `statement` back to back for `seconds`; rows/s and p99 statement time. */
async function rawLoad(
  url: string,
  workers: number,
  seconds: number,
  rowsPer: number,
  statement: (c: mysql.Pool) => Promise<unknown>,
): Promise<RawResult> {
  const pool = mysql.createPool({ uri: url, connectionLimit: workers });
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < until) {
        const t = performance.now();
        await statement(pool);
        latencies.push(performance.now() - t);
      }
    }),
  );
  await pool.end();
  latencies.sort((a, b) => a - b);
  return {
    rowsPerSecond: (latencies.length * rowsPer) / seconds,
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)]! * 10) / 10,
  };
}

const rawRow = (s: ReturnType<typeof nextSale>) => [
  s.saleRef,
  s.agentCode,
  s.productCode,
  s.amount,
  s.saleDate,
  "Colombo",
  "Alpha",
];
const rawInsert =
  "INSERT INTO raw_sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team) VALUES ?";

export async function run(args: string[]): Promise<void> {
  const seconds = Number(args.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 10);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/moon_bench_sales";
  await createMysqlDatabase(databaseUrl);
  const handle = connect(databaseUrl, { poolSize: 2 });
  await runMigrations(handle);
  await seedAgentData(handle);
  // Start from empty tables each run, so every run measures the same thing.
  for (const table of ["sales", "sale_changes", "target_progress", "target_alerts", "targets"])
    await handle.pool.query(`DELETE FROM ${table}`);
  await handle.pool.query("DROP TABLE IF EXISTS raw_sales");
  await handle.pool.query("CREATE TABLE raw_sales LIKE sales");
  await handle.close();
  await setTargets(databaseUrl);

  const raw = await rawLoad(databaseUrl, connections, seconds, 1, (pool) =>
    pool.query(rawInsert, [[rawRow(nextSale("RAW"))]]),
  );
  const rawBatch = await rawLoad(databaseUrl, batchConnections, seconds, batchSize, (pool) =>
    pool.query(rawInsert, [Array.from({ length: batchSize }, () => rawRow(nextSale("RAWB")))]),
  );

  const key = "bench-integration-key-0000000000";
  // The compiled program, as the container runs it: memory is the service's, not the TypeScript loader's.
  execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
  const service = await startChild(["dist/apps/main.js", "sales"], {
    PORT: "18001",
    DATABASE_URL: databaseUrl,
    API_KEYS: `integration:${key}`,
    NOTIFICATION_URL: "http://127.0.0.1:9",
    NOTIFICATION_API_KEY: key,
    LOG_LEVEL: "warn",
    DB_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? "20",
    NODE_OPTIONS: imageNodeOptions(),
  });
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  // The same server's HTTP ceiling: a POST it refuses at validation (auth, JSON, schema; no database).
  const ceiling = await load({
    url: "http://127.0.0.1:18001/sales",
    method: "POST",
    headers,
    connections,
    durationSeconds: seconds,
    body: () => JSON.stringify({ ...nextSale("BAD"), amount: "not money" }),
  });
  const single = await load({
    url: "http://127.0.0.1:18001/sales",
    method: "POST",
    headers,
    connections,
    durationSeconds: seconds,
    body: () => JSON.stringify(nextSale("SVC")),
  });
  const batch = await load({
    url: "http://127.0.0.1:18001/sales/batch",
    method: "POST",
    headers,
    connections: batchConnections,
    durationSeconds: seconds,
    body: () => JSON.stringify({ sales: Array.from({ length: batchSize }, () => nextSale("SVCB")) }),
  });
  const rss = peakRssMb(service.process.pid!);
  await service.stop();

  report(`Sales ingest, ${seconds}s per measurement, targets on every agent, team and product`, [
    [`raw single-row INSERT rows/s (${connections} conns)`, Math.round(raw.rowsPerSecond)],
    ["raw single-row INSERT p99 ms", raw.p99Ms],
    [`POST /sales req/s (${connections} conns)`, Math.round(single.requestsPerSecond)],
    ["POST /sales p99 ms", `${single.p99Ms} (goal < 50)`],
    ["POST /sales errors / non-2xx", `${single.errors} / ${single.non2xx}`],
    ["ratio POST /sales / raw", `${ratio(single.requestsPerSecond, raw.rowsPerSecond)} (goal >= 0.5)`],
    ["HTTP ceiling: POST /sales refused by validation req/s", Math.round(ceiling.requestsPerSecond)],
    ["ratio POST /sales / HTTP ceiling", ratio(single.requestsPerSecond, ceiling.requestsPerSecond)],
    [`raw ${batchSize}-row INSERT rows/s (${batchConnections} conns)`, Math.round(rawBatch.rowsPerSecond)],
    [`POST /sales/batch rows/s (${batchConnections} conns)`, Math.round(batch.requestsPerSecond * batchSize)],
    ["POST /sales/batch p99 ms", batch.p99Ms],
    ["POST /sales/batch errors / non-2xx", `${batch.errors} / ${batch.non2xx}`],
    [
      "ratio batch / raw multi-row",
      `${ratio(batch.requestsPerSecond * batchSize, rawBatch.rowsPerSecond)} (goal >= 0.5)`,
    ],
    ["sales service peak RSS MB", `${rss} (goal < 150; NODE_OPTIONS as in the image: ${imageNodeOptions()})`],
  ]);
}
