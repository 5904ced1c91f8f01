// The aggregator at scale, against baselines measured in the same run on the same databases:
//   floor        the bare GROUP BY queries that compute the same figures (results read and dropped)
//   full         a first run into an empty warehouse, as a child process (its own timer and peak RSS)
//   full again   a forced full recompute over a filled warehouse (delete + reload in one transaction)
//   incremental  a run after 1 % new sales spread over the last 7 days
//   seeds        the replaced job: every sale row fetched into the process, aggregated there, then one
//                DELETE + INSERT per fact row (timed on a sample, extrapolated to all rows)
// Goals: full <= 1.3x floor; incremental <= 10 % of full; peak RSS < 256 MB at 10,000,000 sales.
//
//   npm run bench -- aggregator [--sales=1000000] [--agents=100] [--days=730] [--warehouse=mysql|postgres]
//                               [--seeds-sample=2000]
// 10,000,000 sales (--sales=10000000) takes about ten times as long to generate as to aggregate.
import { spawn } from "node:child_process";
import mysql from "mysql2/promise";
import pg from "pg";
import { connect, type DbHandle } from "../apps/db/client.js";
import { demoProducts } from "../apps/db/demo-data.js";
import { runMigrations } from "../apps/db/migrate.js";
import { ratio, report } from "./lib/load.js";

const flag = (args: string[], name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;

const serverUrl = (process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306").replace(/\/$/, "");
const pgServerUrl = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const branches = [
  "Colombo",
  "Kandy",
  "Galle",
  "Matara",
  "Jaffna",
  "Anuradhapura",
  "Badulla",
  "Ratnapura",
  "Trincomalee",
];
const teams = ["Alpha", "Beta", "Gamma", "Delta"];
const sqlList = (xs: string[]) => xs.map((x) => `'${x}'`).join(", ");

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function recreateMysql(name: string): Promise<string> {
  const conn = await mysql.createConnection(serverUrl);
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return `${serverUrl}/${name}`;
}

async function recreatePg(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: pgServerUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgServerUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Sale number n: agent, product, day and amount (1,000.00–149,999.99) drawn by CRC32 hashes of n, so
 * the combinations spread as real sales would. Generated inside the server from a numbers table,
 * 100,000 rows a statement.
 */
async function generateSales(
  db: DbHandle,
  from: number,
  count: number,
  agents: number,
  days: number,
  lastDay: string,
  history: boolean,
) {
  const digits =
    "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
  const chunk = 100_000;
  for (let base = from; base < from + count; base += chunk) {
    const size = Math.min(chunk, from + count - base);
    const [ids] = await db.pool.query("SELECT COALESCE(MAX(id), 0) AS last FROM sales");
    const lastId = (ids as Array<{ last: number }>)[0]!.last;
    await db.pool.query(
      `INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team)
       SELECT CONCAT('B', n), CONCAT('BA', LPAD(ag, 5, '0')),
              ELT(1 + CRC32(CONCAT('p', n)) % ${demoProducts.length}, ${sqlList(demoProducts.map((p) => p.productCode))}),
              1000 + CRC32(CONCAT('m', n)) % 14900000 / 100,
              DATE_SUB(?, INTERVAL CRC32(CONCAT('d', n)) % ${days} DAY),
              ELT(1 + ag % ${branches.length}, ${sqlList(branches)}),
              ELT(1 + ag % ${teams.length}, ${sqlList(teams)})
         FROM (SELECT n, CRC32(CONCAT('a', n)) % ${agents} AS ag FROM
              (SELECT ? + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n
                 FROM ${digits} a, ${digits} b, ${digits} c, ${digits} e, ${digits} f) numbers
               WHERE n < ?) x`,
      [lastDay, base, base + size],
    );
    // The change log, as the sales service writes it: history logged on its day (up to two hours
    // ago), new sales now.
    const changedAt = history ? "LEAST(TIMESTAMP(sale_date, '12:00:00'), NOW(3) - INTERVAL 2 HOUR)" : "NOW(3)";
    await db.pool.query(
      `INSERT INTO sale_changes (sale_id, sale_date, changed_at) SELECT id, sale_date, ${changedAt} FROM sales WHERE id > ?`,
      [lastId],
    );
  }
}

async function seedSource(db: DbHandle, agents: number, sales: number, days: number, lastDay: string) {
  await db.pool.query("INSERT INTO agents (agent_code, first_name, last_name, email, branch, team) VALUES ?", [
    Array.from({ length: agents }, (_, i) => [
      `BA${String(i).padStart(5, "0")}`,
      "Agent",
      `No ${i}`,
      `a${i}@moon.lk`,
      branches[i % branches.length],
      teams[i % teams.length],
    ]),
  ]);
  await db.pool.query("INSERT INTO products (product_code, type, name, target_amount) VALUES ?", [
    demoProducts.map((p) => [p.productCode, p.type, p.name, p.targetAmount]),
  ]);
  await generateSales(db, 0, sales, agents, days, lastDay, true);
  const statuses = ["PENDING", "SENT", "SENT", "SENT", "FAILED"];
  const notifications = Math.max(100, Math.round(sales / 100));
  for (let i = 0; i < notifications; i += 10_000) {
    await db.pool.query("INSERT INTO notifications (recipient, type, message, status) VALUES ?", [
      Array.from({ length: Math.min(10_000, notifications - i) }, (_, j) => [
        `BA${String((i + j) % agents).padStart(5, "0")}`,
        "MILESTONE",
        "bench",
        statuses[(i + j) % statuses.length],
      ]),
    ]);
  }
}

/**
 * The same figures as the aggregator's, straight from the source, results read and dropped. `floor`:
 * the daily GROUP BY and the notification counts — every other figure is a sum of the daily rows, so
 * no job can do with less. `allBare`: also team, branch and product totals each by its own GROUP BY
 * over the sales, as a job without a fact table would.
 */
async function bareQueries(sourceUrl: string): Promise<{ floorMs: number; allBareMs: number; rows: number }> {
  const db = connect(sourceUrl, { poolSize: 1 });
  let rows = 0;
  try {
    const conn = await db.pool.getConnection();
    const core = conn.connection as unknown as import("mysql2").Connection;
    const run = async (sql: string) => {
      const [, ms] = await timed(async () => {
        const [result] = await conn.query({ sql, rowsAsArray: true });
        rows += (result as unknown[]).length;
      });
      return ms;
    };
    const [, dailyMs] = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          core
            .query({
              sql: "SELECT sale_date, branch, team, agent_code, product_code, SUM(amount), COUNT(*) FROM sales GROUP BY sale_date, branch, team, agent_code, product_code",
              rowsAsArray: true,
            })
            .on("result", () => void rows++)
            .on("error", reject)
            .on("end", () => resolve());
        }),
    );
    let floorMs = dailyMs;
    floorMs += await run(
      "SELECT a.agent_code, a.first_name, a.last_name, c.n FROM (SELECT recipient, COUNT(*) AS n FROM notifications GROUP BY recipient) c JOIN agents a ON a.agent_code = c.recipient",
    );
    floorMs += await run("SELECT status, COUNT(*) FROM notifications GROUP BY status");
    let allBareMs = floorMs;
    allBareMs += await run("SELECT team, SUM(amount), COUNT(*) FROM sales GROUP BY team");
    allBareMs += await run("SELECT branch, SUM(amount), COUNT(*) FROM sales GROUP BY branch");
    allBareMs += await run(
      "SELECT p.product_code, p.name, p.target_amount, COALESCE(SUM(s.amount), 0) FROM products p LEFT JOIN sales s ON s.product_code = p.product_code GROUP BY p.product_code, p.name, p.target_amount",
    );
    conn.release();
    return { floorMs, allBareMs, rows };
  } finally {
    await db.close();
  }
}

interface ChildRun {
  durationMs: number;
  wallMs: number;
  peakRssMb: number;
  rowsWritten: number;
  daysRecomputed: number;
  salesAggregated: number;
}

/**
 * The aggregator as the CronJob runs it, compiled from dist/ (bench/run.ts builds it), with V8's
 * default heap limits (the CronJob's are tighter); figures from its own log line.
 */
function runAggregator(env: Record<string, string>): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ["dist/apps/main.js", "aggregator"], {
    env: { ...process.env, NODE_OPTIONS: "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      const line = output
        .trim()
        .split("\n")
        .map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return undefined;
          }
        })
        .find((l) => l?.msg === "aggregation run");
      if (code !== 0 || !line) return reject(new Error(`aggregator exited ${code}:\n${output}`));
      resolve({ ...line, wallMs: performance.now() - started });
    }),
  );
}

/** The seeds' job: all rows into the process, grouped there, then a DELETE and an INSERT per fact row. */
async function seedsApproach(sourceUrl: string, warehouseUrl: string, sample: number) {
  const db = connect(sourceUrl, { poolSize: 1 });
  const groups = new Map<string, { cents: bigint; count: number }>();
  let fetched = 0;
  const [, fetchMs] = await timed(async () => {
    const conn = await db.pool.getConnection();
    const core = conn.connection as unknown as import("mysql2").Connection;
    await new Promise<void>((resolve, reject) => {
      core
        .query({
          sql: "SELECT sale_date, branch, team, agent_code, product_code, amount FROM sales",
          rowsAsArray: true,
        })
        .on("result", (row: unknown) => {
          const r = row as string[];
          fetched++;
          const key = r.slice(0, 5).join("|");
          const g = groups.get(key) ?? { cents: 0n, count: 0 };
          g.cents += BigInt(r[5]!.replace(".", ""));
          g.count++;
          groups.set(key, g);
        })
        .on("error", reject)
        .on("end", () => resolve());
    });
    conn.release();
  });
  await db.close();

  const isMysql = warehouseUrl.startsWith("mysql:");
  const table = "seeds_fact_daily_sales";
  const create = `CREATE TABLE ${table} (sale_date DATE, branch VARCHAR(64), team VARCHAR(64), agent_code VARCHAR(32), product_code VARCHAR(32), total_amount DECIMAL(20,2), sale_count BIGINT, PRIMARY KEY (sale_date, branch, team, agent_code, product_code))`;
  const rows = [...groups]
    .slice(0, sample)
    .map(([key, g]) => [...key.split("|"), `${g.cents / 100n}.${String(g.cents % 100n).padStart(2, "0")}`, g.count]);
  let upsertMs: number;
  if (isMysql) {
    const conn = await mysql.createConnection(warehouseUrl);
    await conn.query(`DROP TABLE IF EXISTS ${table}`);
    await conn.query(create);
    [, upsertMs] = await timed(async () => {
      for (const r of rows) {
        await conn.query(
          `DELETE FROM ${table} WHERE sale_date = ? AND branch = ? AND team = ? AND agent_code = ? AND product_code = ?`,
          r.slice(0, 5),
        );
        await conn.query(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, ?, ?)`, r);
      }
    });
    await conn.query(`DROP TABLE ${table}`);
    await conn.end();
  } else {
    const client = new pg.Client({ connectionString: warehouseUrl });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(create);
    [, upsertMs] = await timed(async () => {
      for (const r of rows) {
        await client.query(
          `DELETE FROM ${table} WHERE sale_date = $1 AND branch = $2 AND team = $3 AND agent_code = $4 AND product_code = $5`,
          r.slice(0, 5),
        );
        await client.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4, $5, $6, $7)`, r);
      }
    });
    await client.query(`DROP TABLE ${table}`);
    await client.end();
  }
  const upsertAllMs = (upsertMs / rows.length) * groups.size;
  return { fetched, fetchMs, sampled: rows.length, factRows: groups.size, upsertMs, totalMs: fetchMs + upsertAllMs };
}

export async function run(args: string[]): Promise<void> {
  const sales = Number(flag(args, "sales", "1000000"));
  const agents = Number(flag(args, "agents", "100"));
  const days = Number(flag(args, "days", "730"));
  const warehouseKind = flag(args, "warehouse", "mysql");
  const seedsSample = Number(flag(args, "seeds-sample", "2000"));
  const lastDay = new Date().toISOString().slice(0, 10);

  const sourceUrl = await recreateMysql("moon_bench_agg");
  const warehouseUrl =
    warehouseKind === "postgres" ? await recreatePg("moon_bench_agg_wh") : await recreateMysql("moon_bench_agg_wh");
  const source = connect(sourceUrl, { poolSize: 2 });
  await runMigrations(source);
  console.log(
    `generating ${sales.toLocaleString("en")} sales (${agents} agents, ${demoProducts.length} products, ${days} days)…`,
  );
  const [, generateMs] = await timed(() => seedSource(source, agents, sales, days, lastDay));
  await source.pool.query("ANALYZE TABLE sales, sale_changes, notifications");

  await bareQueries(sourceUrl); // warm the buffer pool so neither side pays for the first read
  const { floorMs, allBareMs } = await bareQueries(sourceUrl);
  const env = { DATABASE_URL: sourceUrl, WAREHOUSE_URL: warehouseUrl };
  const full = await runAggregator(env);
  const fullAgain = await runAggregator({ ...env, AGGREGATE_FULL: "true" });

  const newSales = Math.round(sales / 100);
  const [, newSalesMs] = await timed(() => generateSales(source, sales, newSales, agents, 7, lastDay, false));
  const incremental = await runAggregator(env);
  await source.close();

  const seeds = await seedsApproach(sourceUrl, warehouseUrl, seedsSample);

  report(`Aggregator, ${sales.toLocaleString("en")} sales, ${warehouseKind} warehouse (same machine as the source)`, [
    ["generated in", `${seconds(generateMs)} (+${newSales.toLocaleString("en")} new sales in ${seconds(newSalesMs)})`],
    ["rows written by a full run", `${full.rowsWritten.toLocaleString("en")} (facts and one snapshot)`],
    ["floor: daily + notification GROUP BYs", seconds(floorMs)],
    ["all six bare GROUP BYs", seconds(allBareMs)],
    [
      "full run (empty warehouse)",
      `${seconds(full.durationMs)} (process wall ${seconds(full.wallMs)}), peak RSS ${full.peakRssMb} MB`,
    ],
    ["full run (forced, filled)", `${seconds(fullAgain.durationMs)}, peak RSS ${fullAgain.peakRssMb} MB`],
    [
      "incremental (+1 %, 7 days)",
      `${seconds(incremental.durationMs)}: ${incremental.daysRecomputed} days, ${incremental.salesAggregated.toLocaleString("en")} sales re-aggregated, peak RSS ${incremental.peakRssMb} MB`,
    ],
    [
      "seeds' approach",
      `${seconds(seeds.totalMs)}: fetch ${seeds.fetched.toLocaleString("en")} rows ${seconds(seeds.fetchMs)} + DELETE/INSERT ${seeds.factRows.toLocaleString("en")} rows ` +
        `(extrapolated from ${seeds.sampled.toLocaleString("en")} rows timed at ${seconds(seeds.upsertMs)})`,
    ],
    ["ratio full / floor", `${ratio(full.durationMs, floorMs)} (goal <= 1.3)`],
    ["ratio full (forced) / floor", `${ratio(fullAgain.durationMs, floorMs)}`],
    ["ratio full / all six bare", `${ratio(full.durationMs, allBareMs)}`],
    ["ratio incremental / full", `${ratio(incremental.durationMs, full.durationMs)} (goal <= 0.10)`],
    ["ratio seeds / full", `${ratio(seeds.totalMs, full.durationMs)}`],
    [
      "peak RSS MB",
      `${Math.max(full.peakRssMb, fullAgain.peakRssMb, incremental.peakRssMb)} (goal < 256 at 10,000,000 sales)`,
    ],
  ]);
}
