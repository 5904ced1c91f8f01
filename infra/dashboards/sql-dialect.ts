// The few SQL fragments in which the warehouse's dialects differ, so each warehouse panel is written
// once and generated for MySQL, PostgreSQL and Redshift. No Grafana macros: the panels' windows are
// fixed ("past 7 days", "last month"), and the same SQL runs outside Grafana (README, tests).
// Every instant is UTC, as the aggregator stores them.

export type WarehouseDialect = "mysql" | "postgres" | "redshift";

export interface SqlDialect {
  name: WarehouseDialect;
  /** Today's date (UTC). */
  today: string;
  /** The current instant (UTC, no zone). */
  now: string;
  /** The date `n` days before today. */
  daysAgo(n: number): string;
  /** The first day of the month `n` months before the current one (0: this month). */
  monthsAgo(n: number): string;
  /** The first day of the month of the DATE expression `e`. */
  monthOf(e: string): string;
  /** The instant `n` hours ago. */
  hoursAgo(n: number): string;
  /** Whole minutes from the instant `e` to now. */
  minutesSince(e: string): string;
}

const mysql: SqlDialect = {
  name: "mysql",
  today: "UTC_DATE()",
  now: "UTC_TIMESTAMP()",
  daysAgo: (n) => `(UTC_DATE() - INTERVAL ${n} DAY)`,
  monthsAgo: (n) => `(CAST(DATE_FORMAT(UTC_DATE(), '%Y-%m-01') AS DATE) - INTERVAL ${n} MONTH)`,
  monthOf: (e) => `CAST(DATE_FORMAT(${e}, '%Y-%m-01') AS DATE)`,
  hoursAgo: (n) => `(UTC_TIMESTAMP() - INTERVAL ${n} HOUR)`,
  minutesSince: (e) => `TIMESTAMPDIFF(MINUTE, ${e}, UTC_TIMESTAMP())`,
};

/** PostgreSQL and Redshift share all but "now": Redshift has dropped NOW() for GETDATE() (UTC). */
function postgresLike(
  name: "postgres" | "redshift",
  today: string,
  now: string,
  minutesSince: (e: string) => string,
): SqlDialect {
  return {
    name,
    today,
    now,
    daysAgo: (n) => `CAST(${today} - INTERVAL '${n} days' AS DATE)`,
    monthsAgo: (n) => `CAST(DATE_TRUNC('month', ${today}) - INTERVAL '${n} months' AS DATE)`,
    monthOf: (e) => `CAST(DATE_TRUNC('month', ${e}) AS DATE)`,
    hoursAgo: (n) => `(${now} - INTERVAL '${n} hours')`,
    minutesSince,
  };
}

export const sqlDialects: Record<WarehouseDialect, SqlDialect> = {
  mysql,
  postgres: postgresLike(
    "postgres",
    "CAST(NOW() AT TIME ZONE 'UTC' AS DATE)",
    "(NOW() AT TIME ZONE 'UTC')",
    (e) => `CAST(FLOOR(EXTRACT(EPOCH FROM ((NOW() AT TIME ZONE 'UTC') - ${e})) / 60) AS INTEGER)`,
  ),
  // Redshift sessions are in UTC unless set otherwise; CURRENT_DATE and GETDATE() follow it.
  redshift: postgresLike("redshift", "CURRENT_DATE", "GETDATE()", (e) => `DATEDIFF(minute, ${e}, GETDATE())`),
};
