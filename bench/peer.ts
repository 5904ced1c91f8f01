// The minimal peer: the least a Node service must do for the same request. Plain node:http, a mysql2
// pool of 10 (callback API), a bearer check, and the same SQL as the service:
//   agent: GET /agents/{code}, the keyed SELECT, the agent as JSON (404 when unknown);
//   sales: POST /sales and POST /sales/batch, one transaction per request: the agents'
//          product/authorisation and targets revision read under a shared lock, the sales in one
//          INSERT, their change-log rows, one progress event per (target, period) the request moves.
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

interface Seller {
  status: string;
  branch: string;
  team: string;
  products: Set<string>;
}

interface Recorded {
  saleRef: string;
  status: number;
  /** The stored row's own fields, for a recorded sale. */
  id?: number;
  branch?: string;
  team?: string;
  at?: string;
}

/**
 * One transaction for a request's sales: the agents, their authorisations and the targets revision
 * read under a shared lock; the authorised sales in one multi-row INSERT (a lone sale's id is the
 * insert id, several are read back, as ids of a multi-row insert need not be consecutive); their
 * change-log rows; one progress event per (target, period) they move. Returns each sale's status and id.
 */
async function recordSales(batch: NewSale[]): Promise<Recorded[]> {
  const conn = await new Promise<mysql.PoolConnection>((resolve, reject) =>
    pool.getConnection((err, c) => (err ? reject(err) : resolve(c))),
  );
  try {
    await query(conn, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    await query(conn, "START TRANSACTION");
    const found = await query(
      conn,
      `SELECT a.agent_code, a.status, a.branch, a.team, r.revision, p.product_code
       FROM agents a JOIN targets_revision r ON r.id = 1
       LEFT JOIN agent_products ap ON ap.agent_code = a.agent_code AND ap.product_code IN (?)
       LEFT JOIN products p ON p.product_code = ap.product_code
       WHERE a.agent_code IN (?) LOCK IN SHARE MODE`,
      [[...new Set(batch.map((s) => s.productCode))], [...new Set(batch.map((s) => s.agentCode))]],
    );
    const sellers = new Map<string, Seller>();
    for (const r of found) {
      const seller = sellers.get(r.agent_code as string) ?? {
        status: r.status as string,
        branch: r.branch as string,
        team: r.team as string,
        products: new Set<string>(),
      };
      if (r.product_code) seller.products.add(r.product_code as string);
      sellers.set(r.agent_code as string, seller);
    }
    const sellerOf = (s: NewSale) => {
      const seller = sellers.get(s.agentCode);
      return seller?.status === "active" && seller.products.has(s.productCode) ? seller : undefined;
    };
    // Each authorised sale with its seller, looked up once.
    const valid = batch.flatMap((sale) => {
      const seller = sellerOf(sale);
      return seller ? [{ sale, seller }] : [];
    });
    if (valid.length === 0) {
      await query(conn, "ROLLBACK");
      return batch.map((s) => ({ saleRef: s.saleRef, status: 422 }));
    }
    const revision = found[0]!.revision as number;
    if (revision !== targetsRevision) {
      const byKey = new Map<string, Target[]>();
      for (const t of await query(conn, "SELECT id, scope, target_key, period FROM targets")) {
        const k = `${t.scope}:${t.target_key}`;
        byKey.set(k, [...(byKey.get(k) ?? []), { id: t.id as number, period: t.period as Period }]);
      }
      targetsByKey = byKey;
      targetsRevision = revision;
    }
    const now = new Date();
    const inserted = (await query(
      conn,
      "INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team, created_at, updated_at) VALUES ?",
      [
        valid.map(({ sale: s, seller }) => [
          s.saleRef,
          s.agentCode,
          s.productCode,
          s.amount,
          s.saleDate,
          seller.branch,
          seller.team,
          now,
          now,
        ]),
      ],
    )) as unknown as { insertId: number };
    const ids = new Map<string, number>();
    if (valid.length === 1) ids.set(valid[0]!.sale.saleRef, inserted.insertId);
    else
      for (const r of await query(conn, "SELECT id, sale_ref FROM sales WHERE sale_ref IN (?)", [
        valid.map(({ sale }) => sale.saleRef),
      ]))
        ids.set(r.sale_ref as string, r.id as number);
    await query(conn, "INSERT INTO sale_changes (sale_id, sale_date) VALUES ?", [
      valid.map(({ sale }) => [ids.get(sale.saleRef), sale.saleDate]),
    ]);
    // Amounts in cents, summed per (target, period).
    const moved = new Map<string, [number, string, number]>();
    for (const { sale: s, seller } of valid) {
      const cents = Math.round(Number(s.amount) * 100);
      for (const k of [
        `agent:${s.agentCode}`,
        `team:${seller.team}`,
        `branch:${seller.branch}`,
        `product:${s.productCode}`,
      ])
        for (const t of targetsByKey.get(k) ?? []) {
          const start = periodStart(t.period, s.saleDate);
          const key = `${t.id}|${start}`;
          const entry = moved.get(key) ?? [t.id, start, 0];
          entry[2] += cents;
          moved.set(key, entry);
        }
    }
    if (moved.size)
      await query(conn, "INSERT INTO progress_events (target_id, period_start, delta) VALUES ?", [
        [...moved.values()].map(([id, start, cents]) => [id, start, (cents / 100).toFixed(2)]),
      ]);
    await query(conn, "COMMIT");
    const at = now.toISOString();
    const sellerOfRecorded = new Map(valid.map(({ sale, seller }) => [sale.saleRef, seller]));
    return batch.map((s) => {
      const id = ids.get(s.saleRef);
      const seller = sellerOfRecorded.get(s.saleRef);
      return id === undefined || !seller
        ? { saleRef: s.saleRef, status: 422 }
        : { saleRef: s.saleRef, status: 201, id, branch: seller.branch, team: seller.team, at };
    });
  } catch (err) {
    await query(conn, "ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}

/** Retried on deadlock, as the service does. */
async function recordWithRetry(batch: NewSale[]): ReturnType<typeof recordSales> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordSales(batch);
    } catch (err) {
      if ((err as { code?: string }).code !== "ER_LOCK_DEADLOCK" || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

/** POST /sales (one sale: 201 and the sale) or POST /sales/batch (`{sales: [...]}`: 200 and each one's status). */
function postSales(req: IncomingMessage, res: ServerResponse, single: boolean): void {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => (body += chunk));
  req.on("end", () => {
    let batch: NewSale[];
    try {
      const parsed = JSON.parse(body);
      batch = single ? [parsed] : parsed.sales;
    } catch {
      return send(res, 400, { error: "body is not JSON" });
    }
    recordWithRetry(batch).then(
      (results) => {
        if (!single)
          return send(res, 200, { results: results.map(({ saleRef, status, id }) => ({ saleRef, status, id })) });
        const [{ status, id, branch, team, at } = { status: 500 }] = results;
        if (status !== 201) return send(res, 422, { error: "agent unknown, inactive or not authorised" });
        send(res, 201, { id, ...batch[0], branch, team, createdAt: at, updatedAt: at });
      },
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
  if (mode === "sales" && req.method === "POST" && url === "/sales") return postSales(req, res, true);
  if (mode === "sales" && req.method === "POST" && url === "/sales/batch") return postSales(req, res, false);
  send(res, 404, { error: "not found" });
}).listen(Number(process.env.PORT), "127.0.0.1");
// Exit cleanly on a signal, so `--cpu-prof` can write its profile.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
