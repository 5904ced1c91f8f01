// Reads from the operational database, aggregated there: GROUP BYs over indexed columns; no raw sale
// row ever reaches Node. Every read of a run sees one consistent snapshot of the source.
import type { Readable } from "node:stream";
import type { Connection as CallbackConnection } from "mysql2";
import type { PoolConnection } from "mysql2/promise";
import { connect, type DbHandle } from "../db/client.js";
import { notificationStatuses } from "../db/schema/index.js";

/** fact_daily_sales columns, in the order dailyFacts yields them. */
export const factColumns = [
  "sale_date",
  "branch",
  "team",
  "agent_code",
  "product_code",
  "total_amount",
  "sale_count",
] as const;

/** fact_daily_notifications columns, in the order dailyNotifications yields them. */
export const notificationFactColumns = [
  "created_date",
  "recipient",
  "status",
  "channel",
  "notification_count",
] as const;

export interface Product {
  productCode: string;
  name: string;
  targetAmount: string;
}

export interface SourceSnapshot {
  /**
   * The source's clock as the snapshot opened (UTC): every change stamped before it that this
   * snapshot cannot see yet is within the next run's overlap.
   */
  clock(): Promise<string>;
  /** Days with a logged change after `since` minus `overlapSeconds`; every logged day when `since` is null. */
  touchedDays(since: string | null, overlapSeconds: number): Promise<string[]>;
  /** fact_daily_sales rows for `days`, or for all days; streamed, never held in memory at once. */
  dailyFacts(days?: readonly string[]): AsyncIterable<unknown[]>;
  products(): Promise<Product[]>;
  /** [agent_code, agent_name, notification_count] for agents with at least one notification. */
  agentNotifications(): Promise<unknown[][]>;
  /** [status, notification_count] for every status, zero included. */
  notificationStatus(): Promise<unknown[][]>;
  /**
   * Days (of `created_at`, UTC) holding a notification written after `since` minus `overlapSeconds`:
   * created, retried, delivered, given up or set by hand all stamp `updated_at`.
   */
  notificationDaysChanged(since: string, overlapSeconds: number): Promise<string[]>;
  /** Notifications per day of `created_at`: a day whose count fell lost a deleted notification. */
  notificationDayCounts(): Promise<Map<string, number>>;
  /** fact_daily_notifications rows for `days`, or for all days. */
  dailyNotifications(days?: readonly string[]): Promise<unknown[][]>;
  /** Ends the snapshot; `abort` drops the connection instead, for when a read may still be streaming. */
  close(options?: { abort?: boolean }): Promise<void>;
}

const dailyFactsSql = `SELECT sale_date, branch, team, agent_code, product_code, SUM(amount), COUNT(*) FROM sales`;
const dailyFactsGroup = `GROUP BY sale_date, branch, team, agent_code, product_code`;
const createdDay = "DATE_FORMAT(created_at, '%Y-%m-%d')";
const dailyNotificationsSql = `SELECT ${createdDay}, recipient, status, channel, COUNT(*) FROM notifications`;
const dailyNotificationsGroup = `GROUP BY ${createdDay}, recipient, status, channel`;

export async function openSourceSnapshot(url: string, options: { caCert?: string } = {}): Promise<SourceSnapshot> {
  const handle: DbHandle = connect(url, { poolSize: 1, caCert: options.caCert });
  let conn: PoolConnection | undefined;
  try {
    conn = await handle.pool.getConnection();
    // Change times are TIMESTAMPs: read and compare them in UTC, as the warehouse stores them.
    await conn.query("SET time_zone = '+00:00'");
    await conn.query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    await conn.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  } catch (err) {
    conn?.release();
    await handle.close();
    throw err;
  }
  const c = conn;
  const rows = async (sql: string, values: unknown[] = []) =>
    (await c.query({ sql, values, rowsAsArray: true }))[0] as unknown[][];

  return {
    async clock() {
      const [[now]] = (await rows("SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f')")) as [[string]];
      return now;
    },
    async touchedDays(since, overlapSeconds) {
      const result = since
        ? await rows(
            "SELECT DISTINCT sale_date FROM sale_changes WHERE changed_at > CAST(? AS DATETIME(6)) - INTERVAL ? SECOND ORDER BY sale_date",
            [since, overlapSeconds],
          )
        : await rows("SELECT DISTINCT sale_date FROM sale_changes ORDER BY sale_date");
      return result.map(([day]) => day as string);
    },
    dailyFacts(days) {
      const sql = days
        ? `${dailyFactsSql} WHERE sale_date IN (?) ${dailyFactsGroup}`
        : `${dailyFactsSql} ${dailyFactsGroup}`;
      // The callback connection underneath the promise wrapper is the one that can stream.
      const core = c.connection as unknown as CallbackConnection;
      const stream: Readable = core
        .query({ sql, values: days ? [days] : [], rowsAsArray: true })
        .stream({ highWaterMark: 2_000 });
      return stream;
    },
    async products() {
      const result = await rows("SELECT product_code, name, target_amount FROM products ORDER BY product_code");
      return result.map(([productCode, name, targetAmount]) => ({ productCode, name, targetAmount }) as Product);
    },
    agentNotifications() {
      // Count per recipient on its index first, then keep the recipients that are agents.
      return rows(
        `SELECT a.agent_code, CONCAT(a.first_name, ' ', a.last_name), c.n
           FROM (SELECT recipient, COUNT(*) AS n FROM notifications GROUP BY recipient) c
           JOIN agents a ON a.agent_code = c.recipient`,
      );
    },
    async notificationStatus() {
      const counts = new Map(
        (await rows("SELECT status, COUNT(*) FROM notifications GROUP BY status")).map(([s, n]) => [s, n]),
      );
      return notificationStatuses.map((status) => [status, counts.get(status) ?? 0]);
    },
    async notificationDaysChanged(since, overlapSeconds) {
      const result = await rows(
        `SELECT DISTINCT ${createdDay} FROM notifications WHERE updated_at > CAST(? AS DATETIME(6)) - INTERVAL ? SECOND`,
        [since, overlapSeconds],
      );
      return result.map(([day]) => day as string).sort();
    },
    async notificationDayCounts() {
      const result = await rows(`SELECT ${createdDay}, COUNT(*) FROM notifications GROUP BY ${createdDay}`);
      return new Map(result.map(([day, n]) => [day as string, Number(n)]));
    },
    dailyNotifications(days) {
      if (!days) return rows(`${dailyNotificationsSql} ${dailyNotificationsGroup}`);
      // Ranges on created_at, so each day is a range on its index rather than a scan of DATE(created_at).
      const ranges = days.map(
        () => "(created_at >= CAST(? AS DATETIME) AND created_at < CAST(? AS DATETIME) + INTERVAL 1 DAY)",
      );
      return rows(
        `${dailyNotificationsSql} WHERE ${ranges.join(" OR ")} ${dailyNotificationsGroup}`,
        days.flatMap((d) => [d, d]),
      );
    },
    async close({ abort = false } = {}) {
      if (abort) c.destroy();
      else {
        await c.query("COMMIT");
        c.release();
      }
      await handle.close();
    },
  };
}
