// GET /agents/{code} on the real agent service (auth, validation, a MySQL read, logging, metrics)
// against a bare Hono handler measured in the same run. Goals: >= 0.3 of the bare rate; RSS < 120 MB.
import mysql from "mysql2/promise";
import { connect } from "../apps/db/client.js";
import { runMigrations } from "../apps/db/migrate.js";
import { seedAgentData } from "../apps/db/seed.js";
import { createMysqlDatabase } from "../scripts/local-db.js";
import { imageNodeOptions, load, ratio, report, startChild } from "./lib/load.js";

async function rawLookups(databaseUrl: string, seconds: number): Promise<number> {
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 20 });
  let done = 0;
  const until = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < until) {
        await pool.query("SELECT * FROM agents WHERE agent_code = ? LIMIT 1", ["AGT004"]);
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - started) / 1000);
  await pool.end();
  return rate;
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(args.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 10);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/moon_bench";
  await createMysqlDatabase(databaseUrl);
  const handle = connect(databaseUrl, { poolSize: 2 });
  await runMigrations(handle);
  await seedAgentData(handle);
  await handle.close();

  // The database's own limit for the same read: mysql2, 50 concurrent lookups by agent code.
  const raw = await rawLookups(databaseUrl, seconds);

  const key = "bench-viewer-key-000000000000";
  const bare = await startChild(["bench/bare-hono.ts"], { PORT: "18080" }, "http://127.0.0.1:18080/agents/AGT004");
  const bareResult = await load({ url: "http://127.0.0.1:18080/agents/AGT004", durationSeconds: seconds });
  await bare.stop();

  const agent = await startChild(["dist/apps/main.js", "agent"], {
    PORT: "18000",
    DATABASE_URL: databaseUrl,
    API_KEYS: `viewer:${key}`,
    LOG_LEVEL: "warn",
    DB_POOL_SIZE: "20",
    NODE_OPTIONS: imageNodeOptions(),
  });
  const agentResult = await load({
    url: "http://127.0.0.1:18000/agents/AGT004",
    headers: { authorization: `Bearer ${key}` },
    durationSeconds: seconds,
  });
  const rss = agent.peakRssMb();
  await agent.stop();

  report(`GET /agents/{code}, 50 connections, ${seconds}s each`, [
    ["bare Hono req/s", Math.round(bareResult.requestsPerSecond)],
    ["bare Hono p99 ms", bareResult.p99Ms],
    ["agent service req/s", Math.round(agentResult.requestsPerSecond)],
    ["agent service p99 ms", agentResult.p99Ms],
    ["agent errors / non-2xx", `${agentResult.errors} / ${agentResult.non2xx}`],
    ["ratio service/bare", `${ratio(agentResult.requestsPerSecond, bareResult.requestsPerSecond)} (goal >= 0.3)`],
    ["raw mysql2 lookups/s", Math.round(raw)],
    ["ratio service/raw lookups", ratio(agentResult.requestsPerSecond, raw)],
    ["agent peak RSS MB", `${rss} (goal < 120; NODE_OPTIONS as in the image: ${imageNodeOptions()})`],
  ]);
}
