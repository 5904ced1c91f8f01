// The minimal peer: the least a Node service must do for the same request. Plain node:http, a mysql2
// pool of 10 (callback API), a bearer check, and the same SQL as the service:
//   agent: GET /agents/{code}, the keyed SELECT, the agent as JSON (404 when unknown);
//   sales: POST /sales, one transaction per request: the agent/product/authorisation and targets
//          revision read under a shared lock, the sale, its change-log row, one progress event per
//          matching target.
// No logging, metrics, validation beyond what the SQL needs, or group commit.
// `node --import tsx bench/peer.ts agent|sales` with PORT, DATABASE_URL and PEER_KEY.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import mysql from "mysql2";
import { type Period, periodStart } from "../apps/sales/targets/periods.js";

const mode = process.argv[2];
const pool = mysql.createPool({ uri: process.env.DATABASE_URL!, connectionLimit: 10, timezone: "Z" });
const keyDigest = createHash("sha256").update(process.env.PEER_KEY!).digest("hex");

const send = (res: ServerResponse, status: number, body: unknown) => {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
};

function authorised(req: IncomingMessage): boolean {
  const header = req.headers.authorization;
  if (!header?.startsWith("Bearer ")) return false;
  return createHash("sha256").update(header.slice(7)).digest("hex") === keyDigest;
}

type Row = Record<string, unknown>;
const query = (conn: mysql.Pool | mysql.PoolConnection, sql: string, values: unknown[] = []) =>
  new Promise<Row[]>((resolve, reject) =>
    conn.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as Row[]))),
  );

function getAgent(code: string, res: ServerResponse): void {
  pool.query("SELECT * FROM agents WHERE agent_code = ? LIMIT 1", [code], (err, rows) => {
    if (err) return send(res, 500, { error: err.message });
    const r = (rows as Row[])[0];
    if (!r) return send(res, 404, { error: "not found" });
    send(res, 200, {
      agentCode: r.agent_code,
      firstName: r.first_name,
      lastName: r.last_name,
      email: r.email,
      phone: r.phone,
      branch: r.branch,
      team: r.team,
      status: r.status,
      createdAt: (r.created_at as Date).toISOString(),
      updatedAt: (r.updated_at as Date).toISOString(),
    });
  });
}

interface Target {
  id: number;
  period: Period;
}
let targetsRevision = -1;
let targetsByKey = new Map<string, Target[]>();

interface NewSale {
  saleRef: string;
  agentCode: string;
  productCode: string;
  amount: string;
  saleDate: string;
}

async function recordSale(sale: NewSale): Promise<[number, unknown]> {
  const conn = await new Promise<mysql.PoolConnection>((resolve, reject) =>
    pool.getConnection((err, c) => (err ? reject(err) : resolve(c))),
  );
  try {
    await query(conn, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    await query(conn, "START TRANSACTION");
    const [found] = await query(
      conn,
      `SELECT a.status, a.branch, a.team, r.revision, p.product_code
       FROM agents a JOIN targets_revision r ON r.id = 1
       LEFT JOIN agent_products ap ON ap.agent_code = a.agent_code AND ap.product_code = ?
       LEFT JOIN products p ON p.product_code = ap.product_code
       WHERE a.agent_code = ? LOCK IN SHARE MODE`,
      [sale.productCode, sale.agentCode],
    );
    if (found?.status !== "active" || !found.product_code) {
      await query(conn, "ROLLBACK");
      return [422, { error: "agent unknown, inactive or not authorised" }];
    }
    if (found.revision !== targetsRevision) {
      const byKey = new Map<string, Target[]>();
      for (const t of await query(conn, "SELECT id, scope, target_key, period FROM targets")) {
        const k = `${t.scope}:${t.target_key}`;
        byKey.set(k, [...(byKey.get(k) ?? []), { id: t.id as number, period: t.period as Period }]);
      }
      targetsByKey = byKey;
      targetsRevision = found.revision as number;
    }
    const now = new Date();
    const branch = found.branch as string;
    const team = found.team as string;
    const inserted = (await query(
      conn,
      "INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [sale.saleRef, sale.agentCode, sale.productCode, sale.amount, sale.saleDate, branch, team, now, now],
    )) as unknown as { insertId: number };
    await query(conn, "INSERT INTO sale_changes (sale_id, sale_date) VALUES (?, ?)", [
      inserted.insertId,
      sale.saleDate,
    ]);
    const matching = [`agent:${sale.agentCode}`, `team:${team}`, `branch:${branch}`, `product:${sale.productCode}`]
      .flatMap((k) => targetsByKey.get(k) ?? [])
      .map((t) => [t.id, periodStart(t.period, sale.saleDate), sale.amount]);
    if (matching.length)
      await query(conn, "INSERT INTO progress_events (target_id, period_start, delta) VALUES ?", [matching]);
    await query(conn, "COMMIT");
    return [
      201,
      { id: inserted.insertId, ...sale, branch, team, createdAt: now.toISOString(), updatedAt: now.toISOString() },
    ];
  } catch (err) {
    await query(conn, "ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}

/** Retried on deadlock, as the service does. */
async function recordWithRetry(sale: NewSale): Promise<[number, unknown]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordSale(sale);
    } catch (err) {
      if ((err as { code?: string }).code !== "ER_LOCK_DEADLOCK" || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

function postSale(req: IncomingMessage, res: ServerResponse): void {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => (body += chunk));
  req.on("end", () => {
    let sale: NewSale;
    try {
      sale = JSON.parse(body);
    } catch {
      return send(res, 400, { error: "body is not JSON" });
    }
    recordWithRetry(sale).then(
      ([status, out]) => send(res, status, out),
      (err: Error) => {
        console.error(err.message);
        send(res, 500, { error: err.message });
      },
    );
  });
}

createServer((req, res) => {
  const url = req.url ?? "/";
  if (url === "/ready") return send(res, 200, { status: "ready" });
  if (!authorised(req)) return send(res, 401, { error: "unauthorized" });
  if (mode === "agent" && req.method === "GET" && url.startsWith("/agents/")) return getAgent(url.slice(8), res);
  if (mode === "sales" && req.method === "POST" && url === "/sales") return postSale(req, res);
  send(res, 404, { error: "not found" });
}).listen(Number(process.env.PORT), "127.0.0.1");
// Exit cleanly on a signal, so `--cpu-prof` can write its profile.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
