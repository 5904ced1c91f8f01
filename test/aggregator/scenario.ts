// Test data for the aggregator, written to the source as the owning services would (a sale and its
// change-log row in one transaction), and an in-memory model of it from which every warehouse table
// is computed independently of the aggregator's SQL (BigInt cents, plain Maps).
import type { PoolConnection } from "mysql2/promise";
import type { DbHandle } from "../../apps/db/client.js";
import { demoAgents, demoProducts } from "../../apps/db/demo-data.js";

export interface Sale {
  id: number;
  agentCode: string;
  productCode: string;
  cents: bigint;
  saleDate: string;
  branch: string;
  team: string;
}

export interface Notification {
  id: number;
  recipient: string;
  status: "PENDING" | "SENT" | "FAILED";
  channel: "log" | "webhook" | "email";
  /** UTC day of created_at. */
  createdDate: string;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
export function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

export const money = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export class Scenario {
  readonly sales = new Map<number, Sale>();
  readonly notifications: Notification[] = [];
  private refs = 0;
  readonly rnd = random(20240301);

  private constructor(private readonly handle: DbHandle) {}

  /** Agents and products from the demo data, plus an agent with no sales. */
  static async create(handle: DbHandle): Promise<Scenario> {
    await handle.pool.query(
      "INSERT INTO agents (agent_code, first_name, last_name, email, branch, team, status) VALUES ?",
      [demoAgents.map((a) => [a.agentCode, a.firstName, a.lastName, a.email, a.branch, a.team, a.status ?? "active"])],
    );
    await handle.pool.query("INSERT INTO products (product_code, type, name, target_amount) VALUES ?", [
      [
        ...demoProducts.map((p) => [p.productCode, p.type, p.name, p.targetAmount]),
        ["UNSOLD", "life", "Life – Unsold Plan", "1.00"],
      ],
    ]);
    return new Scenario(handle);
  }

  get agents() {
    return demoAgents;
  }

  get products() {
    return [...demoProducts, { productCode: "UNSOLD", name: "Life – Unsold Plan", targetAmount: "1.00" }];
  }

  /** Runs `work` in one source transaction, with `changedAt` (UTC) or the server's clock on change rows. */
  private async tx(
    work: (c: PoolConnection, changedAt: string | null) => Promise<void>,
    changedAt: string | null = null,
  ) {
    const c = await this.handle.pool.getConnection();
    try {
      await c.query("SET time_zone = '+00:00'");
      await c.beginTransaction();
      await work(c, changedAt);
      await c.commit();
    } finally {
      c.release();
    }
  }

  private static async logChanges(c: PoolConnection, changes: Array<[number, string]>, changedAt: string | null) {
    if (changes.length === 0) return;
    if (changedAt)
      await c.query("INSERT INTO sale_changes (sale_id, sale_date, changed_at) VALUES ?", [
        changes.map(([id, day]) => [id, day, changedAt]),
      ]);
    else await c.query("INSERT INTO sale_changes (sale_id, sale_date) VALUES ?", [changes]);
  }

  /** `count` random sales on days in [firstDay, lastDay]. */
  async addSales(count: number, firstDay: string, lastDay: string, changedAt: string | null = null): Promise<Sale[]> {
    const span = Math.round((Date.parse(lastDay) - Date.parse(firstDay)) / 86_400_000);
    const fresh = Array.from({ length: count }, () => {
      const agent = this.rnd.pick(demoAgents);
      return {
        ref: `T-${++this.refs}`,
        agentCode: agent.agentCode,
        productCode: this.rnd.pick(demoProducts).productCode,
        cents: BigInt(this.rnd.int(100_000, 15_000_000)),
        saleDate: addDays(firstDay, this.rnd.int(0, span)),
        branch: agent.branch,
        team: agent.team,
      };
    });
    const added: Sale[] = [];
    await this.tx(async (c, at) => {
      await c.query(
        "INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team) VALUES ?",
        [fresh.map((s) => [s.ref, s.agentCode, s.productCode, money(s.cents), s.saleDate, s.branch, s.team])],
      );
      const [ids] = await c.query("SELECT id, sale_ref FROM sales WHERE sale_ref IN (?)", [fresh.map((s) => s.ref)]);
      const idOf = new Map((ids as Array<{ id: number; sale_ref: string }>).map((r) => [r.sale_ref, r.id]));
      for (const { ref, ...s } of fresh) added.push({ id: idOf.get(ref)!, ...s });
      await Scenario.logChanges(
        c,
        added.map((s) => [s.id, s.saleDate]),
        at,
      );
    }, changedAt);
    for (const s of added) this.sales.set(s.id, s);
    return added;
  }

  /** A correction from the core system (PATCH): logs the old day and, when it moves, the new one. */
  async updateSale(
    id: number,
    patch: Partial<Pick<Sale, "cents" | "saleDate" | "branch" | "team" | "productCode">>,
    changedAt: string | null = null,
  ) {
    const before = this.sales.get(id)!;
    const after = { ...before, ...patch };
    await this.tx(async (c, at) => {
      await c.query("UPDATE sales SET amount = ?, sale_date = ?, branch = ?, team = ?, product_code = ? WHERE id = ?", [
        money(after.cents),
        after.saleDate,
        after.branch,
        after.team,
        after.productCode,
        id,
      ]);
      const days = [...new Set([before.saleDate, after.saleDate])];
      await Scenario.logChanges(
        c,
        days.map((d) => [id, d]),
        at,
      );
    }, changedAt);
    this.sales.set(id, after);
    return after;
  }

  async deleteSale(id: number) {
    const sale = this.sales.get(id)!;
    await this.tx(async (c, at) => {
      await c.query("DELETE FROM sales WHERE id = ?", [id]);
      await Scenario.logChanges(c, [[id, sale.saleDate]], at);
    });
    this.sales.delete(id);
  }

  /**
   * Notifications to agents, to non-agent recipients (teams, an unknown code), in every status and
   * channel; created now, or at random instants of the UTC days [firstDay, lastDay] (written then too).
   */
  async addNotifications(count: number, days?: { firstDay: string; lastDay: string }) {
    const recipients = [...demoAgents.slice(0, 9).map((a) => a.agentCode), "team:Alpha", "branch:Kandy", "AGT999"];
    const span = days ? Math.round((Date.parse(days.lastDay) - Date.parse(days.firstDay)) / 86_400_000) : 0;
    const fresh = Array.from({ length: count }, () => {
      const createdAt = days
        ? `${addDays(days.firstDay, this.rnd.int(0, span))} ${String(this.rnd.int(0, 23)).padStart(2, "0")}:${String(this.rnd.int(0, 59)).padStart(2, "0")}:00.000`
        : null;
      return {
        recipient: this.rnd.pick(recipients),
        status: this.rnd.pick(["PENDING", "SENT", "SENT", "FAILED"] as const),
        channel: this.rnd.pick(["log", "log", "webhook", "email"] as const),
        createdAt,
      };
    });
    const c = await this.handle.pool.getConnection();
    try {
      await c.query("SET time_zone = '+00:00'");
      const [result] = await c.query(
        "INSERT INTO notifications (recipient, type, channel, message, status, created_at, updated_at) VALUES ?",
        [
          fresh.map((n) => [
            n.recipient,
            "MILESTONE",
            n.channel,
            "test",
            n.status,
            n.createdAt ?? new Date(),
            n.createdAt ?? new Date(),
          ]),
        ],
      );
      const [[clock]] = (await c.query("SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d') AS today")) as unknown as [
        [{ today: string }],
      ];
      const firstId = (result as { insertId: number }).insertId;
      for (const [i, { createdAt, ...n }] of fresh.entries())
        this.notifications.push({ ...n, id: firstId + i, createdDate: createdAt?.slice(0, 10) ?? clock.today });
    } finally {
      c.release();
    }
  }

  /** What PATCH /notifications/:id does (any status, updated_at stamped). */
  async setNotificationStatus(id: number, status: Notification["status"]) {
    await this.handle.pool.query("UPDATE notifications SET status = ?, updated_at = NOW(3) WHERE id = ?", [status, id]);
    this.notifications.find((n) => n.id === id)!.status = status;
  }

  async deleteNotification(id: number) {
    await this.handle.pool.query("DELETE FROM notifications WHERE id = ?", [id]);
    this.notifications.splice(
      this.notifications.findIndex((n) => n.id === id),
      1,
    );
  }

  /** Delivery moves PENDING notifications to SENT, as the worker does (updated_at stamped). */
  async deliverPending(limit: number) {
    const [result] = await this.handle.pool.query(
      "UPDATE notifications SET status = 'SENT', sent_at = NOW(3), updated_at = NOW(3) WHERE status = 'PENDING' ORDER BY id LIMIT ?",
      [limit],
    );
    let left = (result as { affectedRows: number }).affectedRows;
    for (const n of this.notifications) {
      if (left === 0) break;
      if (n.status === "PENDING") {
        n.status = "SENT";
        left--;
      }
    }
  }

  daysOf(ids: number[]) {
    return ids.map((id) => this.sales.get(id)!.saleDate);
  }

  // ---- what every warehouse table must hold, computed from the model ----

  /** Every table as `readLatest` reads it back. */
  expectedWarehouse() {
    return {
      facts: this.expectedFacts(),
      notificationFacts: this.expectedNotificationFacts(),
      teams: this.expectedTeams(),
      branches: this.expectedBranches(),
      products: this.expectedProducts(),
      agentNotifications: this.expectedAgentNotifications(),
      notificationStatus: this.expectedNotificationStatus(),
    };
  }

  expectedFacts(): string[][] {
    const groups = new Map<string, { cents: bigint; count: number }>();
    for (const s of this.sales.values()) {
      const key = [s.saleDate, s.branch, s.team, s.agentCode, s.productCode].join("|");
      const g = groups.get(key) ?? { cents: 0n, count: 0 };
      g.cents += s.cents;
      g.count++;
      groups.set(key, g);
    }
    return sorted([...groups].map(([key, g]) => [...key.split("|"), money(g.cents), String(g.count)]));
  }

  private totalsBy(field: "team" | "branch" | "productCode") {
    const totals = new Map<string, { cents: bigint; count: number }>();
    for (const s of this.sales.values()) {
      const t = totals.get(s[field]) ?? { cents: 0n, count: 0 };
      t.cents += s.cents;
      t.count++;
      totals.set(s[field], t);
    }
    return totals;
  }

  expectedTeams = () => sorted([...this.totalsBy("team")].map(([k, t]) => [k, money(t.cents), String(t.count)]));
  expectedBranches = () => sorted([...this.totalsBy("branch")].map(([k, t]) => [k, money(t.cents), String(t.count)]));

  expectedProducts(): string[][] {
    const totals = this.totalsBy("productCode");
    return sorted(
      this.products.map((p) => {
        const cents = totals.get(p.productCode)?.cents ?? 0n;
        const target = BigInt(p.targetAmount.replace(".", ""));
        return [p.productCode, p.name, p.targetAmount, money(cents), cents >= target ? "Achieved" : "Not Achieved"];
      }),
    );
  }

  expectedAgentNotifications(): string[][] {
    const counts = new Map<string, number>();
    for (const n of this.notifications) counts.set(n.recipient, (counts.get(n.recipient) ?? 0) + 1);
    return sorted(
      demoAgents
        .filter((a) => counts.has(a.agentCode))
        .map((a) => [a.agentCode, `${a.firstName} ${a.lastName}`, String(counts.get(a.agentCode))]),
    );
  }

  expectedNotificationFacts(): string[][] {
    const counts = new Map<string, number>();
    for (const n of this.notifications) {
      const key = [n.createdDate, n.recipient, n.status, n.channel].join("|");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return sorted([...counts].map(([key, n]) => [...key.split("|"), String(n)]));
  }

  expectedNotificationStatus(): string[][] {
    return sorted(
      ["PENDING", "SENT", "FAILED"].map((s) => [s, String(this.notifications.filter((n) => n.status === s).length)]),
    );
  }
}

export const sorted = (rows: string[][]) => rows.sort((a, b) => a.join("\u0000").localeCompare(b.join("\u0000")));
