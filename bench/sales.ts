// Sales ingest on the real sales service (auth, validation, idempotent insert, change log, target
// progress, request log at the default level, metrics; the image's NODE_OPTIONS), in one run:
//   POST /sales, 50 connections, against the minimal peer (bench/peer.ts: node:http, a mysql2 pool of
//     10, a bearer check, the same transaction per request), each on its own freshly migrated database
//     with the same rows and targets, loaded with wrk in alternating rounds;
//   POST /sales/batch (1,000 sales a request) rows/s vs raw 1,000-row INSERTs with mysql2.
// Goals: POST /sales >= 0.75 of the peer with p99 <= 1.5x the peer's; batch >= 0.5 of raw; RSS < 150 MB.
import mysql from "mysql2/promise";
import { demoAgents, demoAuthorisations } from "../apps/db/demo-data.js";
import { seedAgentData } from "../apps/db/seed.js";
import { freshDatabase } from "../test/databases.js";
import {
  alternate,
  countRequestLines,
  imageNodeOptions,
  load,
  numberFlag,
  peakRssMb,
  peerComparison,
  ratio,
  report,
  requireWrk,
  startChild,
  startPeer,
} from "./lib/load.js";

const connections = 50;
const batchSize = 1000;
const batchConnections = 4;

const activeAgents = demoAgents.filter((a) => a.status !== "inactive").map((a) => a.agentCode);
const sellable = demoAuthorisations
  .filter(([agent]) => activeAgents.includes(agent))
  .flatMap(([agent, products]) => products.map((p) => [agent, p] as const));
const month = new Date().toISOString().slice(0, 7);

let loads = 0;
/**
 * wrk Lua for sales of authorised products this month, each with a saleRef never used before
 * (`prefix`, this process, the load, wrk thread, counter); `perRequest` sales a request, as a batch
 * body when above 1. Called once per load.
 */
const salesLua = (label: string, perRequest: number) => (): string => {
  const prefix = `${label}-${process.pid}-${++loads}`;
  return `
local sellable = { ${sellable.map(([a, p]) => `{"${a}","${p}"}`).join(", ")} }
local threads = 0
setup = function(thread) thread:set("tid", threads); threads = threads + 1 end
local n = 0
local function sale()
  n = n + 1
  local s = sellable[(n % #sellable) + 1]
  return string.format('{"saleRef":"${prefix}-%d-%d","agentCode":"%s","productCode":"%s","amount":"%d.%02d","saleDate":"${month}-%02d"}',
    tid, n, s[1], s[2], 100 + n % 900, n % 100, 1 + n % 28)
end
request = function()
  if ${perRequest} == 1 then return wrk.format("POST", nil, nil, sale()) end
  local items = {}
  for i = 1, ${perRequest} do items[i] = sale() end
  return wrk.format("POST", nil, nil, '{"sales":[' .. table.concat(items, ",") .. ']}')
end
`;
};

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

/** `workers` loops of 1,000-row INSERTs into a copy of the sales table for `seconds`: rows/s. */
async function rawBatchLoad(url: string, workers: number, seconds: number): Promise<number> {
  const pool = mysql.createPool({ uri: url, connectionLimit: workers });
  await pool.query("CREATE TABLE raw_sales LIKE sales");
  let statements = 0;
  let serial = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < until) {
        const rows = Array.from({ length: batchSize }, () => {
          const [agent, product] = sellable[serial++ % sellable.length]!;
          return [`RAWB-${serial}`, agent, product, "123.45", `${month}-01`, "Colombo", "Alpha"];
        });
        await pool.query(
          "INSERT INTO raw_sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team) VALUES ?",
          [rows],
        );
        statements++;
      }
    }),
  );
  await pool.end();
  return (statements * batchSize) / seconds;
}

export async function run(args: string[]): Promise<void> {
  requireWrk();
  const seconds = numberFlag(args, "seconds", 10);
  const rounds = numberFlag(args, "rounds", 3);
  const key = "bench-integration-key-0000000000";
  const peerDb = await freshDatabase();
  const serviceDb = await freshDatabase();
  const running: Array<{ stop(): Promise<void> }> = [];
  try {
    for (const db of [peerDb, serviceDb]) {
      await seedAgentData(db.handle);
      await db.handle.close();
      await setTargets(db.url);
    }
    const peer = await startPeer("sales", 18101, peerDb.url, key);
    running.push(peer);
    const service = await startChild(
      ["dist/apps/main.js", "sales"],
      {
        PORT: "18001",
        DATABASE_URL: serviceDb.url,
        API_KEYS: `integration:${key}`,
        NOTIFICATION_URL: "http://127.0.0.1:9",
        NOTIFICATION_API_KEY: key,
        NODE_OPTIONS: imageNodeOptions(),
      },
      undefined,
      true,
    );
    running.push(service);

    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const single = (port: number, prefix: string) => ({
      url: `http://127.0.0.1:${port}/sales`,
      headers,
      connections,
      durationSeconds: seconds,
      luaRequest: salesLua(prefix, 1),
    });
    // Warm both up (JIT, pools, the targets cache) before measuring.
    await load({ ...single(18101, "WARM"), durationSeconds: 3 });
    const warm = await load({ ...single(18001, "WARM"), durationSeconds: 3 });
    const r = await alternate(rounds, single(18101, "PEER"), single(18001, "SVC"));

    const rawBatch = await rawBatchLoad(peerDb.url, batchConnections, seconds);
    const batch = await load({
      url: "http://127.0.0.1:18001/sales/batch",
      headers,
      connections: batchConnections,
      durationSeconds: seconds,
      luaRequest: salesLua("SVCB", batchSize),
    });
    if (r.peer.non2xx + r.peer.errors > 0) console.error(`the peer failed requests:\n${peer.stderrHead()}`);
    const rss = peakRssMb(service.process.pid!);
    await service.stop();
    const logged = countRequestLines(service.logFile!);

    report(
      `POST /sales, ${connections} connections, ${rounds} alternating rounds of ${seconds}s; targets on every agent, team and product`,
      [
        ...peerComparison(r),
        [`raw ${batchSize}-row INSERT rows/s (${batchConnections} conns)`, Math.round(rawBatch)],
        [`POST /sales/batch rows/s (${batchConnections} conns)`, Math.round(batch.requestsPerSecond * batchSize)],
        ["ratio batch / raw multi-row", `${ratio(batch.requestsPerSecond * batchSize, rawBatch)} (goal >= 0.5)`],
        ["POST /sales/batch p99 ms; errors, non-2xx", `${batch.p99Ms}; ${batch.errors}, ${batch.non2xx}`],
        ["service request log lines / requests", `${logged} / ${warm.total + r.service.total + batch.total}`],
        ["service peak RSS MB", `${rss} (goal < 150; NODE_OPTIONS as in the image: ${imageNodeOptions()})`],
      ],
    );
  } finally {
    for (const child of running) await child.stop();
    await peerDb.drop();
    await serviceDb.drop();
  }
}
