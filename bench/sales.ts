// Sales ingest on the real sales service (auth, validation, idempotent insert, change log, target
// progress, request log at the default level, metrics; the image's NODE_OPTIONS), in one run:
//   POST /sales, 50 connections, against the minimal peer (bench/peer.ts: node:http, a mysql2 pool of
//     10, a bearer check, the same transaction per request), each on its own freshly migrated database
//     with the same rows and targets, loaded with wrk in alternating rounds;
//   POST /sales/batch (1,000 sales a request, 4 connections) against the peer doing the same
//     transaction for the whole batch, in the same way.
// After each service round the bench waits for the target evaluator to fold what the round wrote.
// Goals, both paths: >= 0.75 of the peer with p99 <= 1.5x the peer's; service RSS < 150 MB.
import mysql from "mysql2/promise";
import { demoAgents, demoAuthorisations } from "../apps/db/demo-data.js";
import { alternate, imageNodeOptions, peerComparison, report, requireWrk, roundFlags } from "./lib/load.js";
import { withPeerAndService } from "./lib/pair.js";

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

/**
 * Waits, after a service round, until the target evaluator has folded every progress event the round
 * wrote, so its work is billed to the service and not to the peer's next round; keeps the worst backlog.
 */
function evaluatorBacklog(url: string) {
  const worst = { events: 0, seconds: 0 };
  const drained = async () => {
    const conn = await mysql.createConnection(url);
    try {
      const started = Date.now();
      for (let first = true; ; first = false) {
        const [[row]] = await conn.query<mysql.RowDataPacket[]>(
          "SELECT COUNT(*) AS n FROM progress_events WHERE set_aside_at IS NULL",
        );
        const waiting = Number(row?.n);
        if (first) worst.events = Math.max(worst.events, waiting);
        if (waiting === 0) break;
        if (Date.now() - started > 120_000) throw new Error(`the evaluator left ${waiting} events after 120 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      worst.seconds = Math.max(worst.seconds, Math.round((Date.now() - started) / 100) / 10);
    } finally {
      await conn.end();
    }
  };
  return { worst, drained };
}

export async function run(args: string[]): Promise<void> {
  requireWrk();
  const { rounds, seconds, warmupSeconds } = roundFlags(args);
  const key = "bench-integration-key-0000000000";
  const ports = { peer: 18101, service: 18001 };
  const serviceEnv = { NOTIFICATION_URL: "http://127.0.0.1:9", NOTIFICATION_API_KEY: key };
  const options = { path: "sales", key, role: "integration", ports, prepare: setTargets, serviceEnv } as const;
  await withPeerAndService(options, async (pair) => {
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const salesLoad = (port: number, prefix: string, perRequest: number) => ({
      url: `http://127.0.0.1:${port}/sales${perRequest > 1 ? "/batch" : ""}`,
      headers,
      connections: perRequest > 1 ? batchConnections : connections,
      durationSeconds: seconds,
      luaRequest: salesLua(prefix, perRequest),
    });
    const evaluator = evaluatorBacklog(pair.serviceDbUrl);
    const settings = { rounds, warmupSeconds, afterService: evaluator.drained };
    const r = await alternate(settings, salesLoad(ports.peer, "PEER", 1), salesLoad(ports.service, "SVC", 1));
    const b = await alternate(
      settings,
      salesLoad(ports.peer, "PEERB", batchSize),
      salesLoad(ports.service, "SVCB", batchSize),
    );
    pair.checkPeer(r.peer, b.peer);
    const { rssMb, requestLines } = await pair.stopService();

    report(
      `POST /sales, ${connections} connections, ${rounds} alternating rounds of ${seconds}s after ${warmupSeconds}s of warm-up each; targets on every agent, team and product`,
      [...peerComparison(r)],
    );
    report(
      `POST /sales/batch, ${batchSize} sales a request, ${batchConnections} connections, the same rounds and warm-up`,
      [
        ...peerComparison(b),
        [
          "peer / service sales/s",
          `${Math.round(b.peer.requestsPerSecond * batchSize)} / ${Math.round(b.service.requestsPerSecond * batchSize)}`,
        ],
        [
          "evaluator backlog after a round; drained in",
          `${evaluator.worst.events} progress events; ${evaluator.worst.seconds} s (max over rounds)`,
        ],
        [
          "service request log lines / requests",
          `${requestLines} / ${r.serviceWarmRequests + r.service.total + b.serviceWarmRequests + b.service.total}`,
        ],
        ["service peak RSS MB", `${rssMb} (goal < 150; NODE_OPTIONS as in the image: ${imageNodeOptions()})`],
      ],
    );
  });
}
