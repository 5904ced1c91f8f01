// The Sales KPI dashboard's panels: each an insight the old QuickSight dashboards showed, written once
// as SQL over the warehouse tables (apps/aggregator/warehouse/ddl.ts) and generated per dialect.
import type { SqlDialect } from "./sql-dialect.js";

export type WarehouseViz = "table" | "barchart" | "timeseries" | "piechart" | "stat" | "bargauge";

export interface WarehousePanel {
  /** Stable key (tests and the README refer to panels by it). */
  key: string;
  title: string;
  /** The question the panel answers, shown as its description. */
  description: string;
  viz: WarehouseViz;
  /** Grafana's result format: time series want `time`, `metric` and a value column. */
  format: "table" | "time_series";
  unit?: string;
  /** Bar charts: the column on the x axis. */
  xField?: string;
  /** Long rows (x, series, value) turned into one column per series, as bar charts need. */
  matrix?: { rowField: string; columnField: string; valueField: string };
  sql(d: SqlDialect): string;
}

export interface PanelSection {
  title: string;
  panels: WarehousePanel[];
}

/** The rows of a kpi_* table's latest snapshot. */
const latest = (table: string, alias = "") =>
  `${alias ? `${alias}.` : ""}snapshot_at = (SELECT MAX(snapshot_at) FROM ${table})`;

/** The latest snapshot of a kpi_* table at least 24 hours older than now (none: everything is new). */
const dayOld = (d: SqlDialect, table: string) =>
  `(SELECT MAX(snapshot_at) FROM ${table} WHERE snapshot_at <= ${d.hoursAgo(24)})`;

/** Sales of fact_daily_sales rows in the month `n` months back (0: this month). */
const salesInMonth = (d: SqlDialect, n: number) =>
  `SUM(CASE WHEN sale_date >= ${d.monthsAgo(n)} AND sale_date < ${d.monthsAgo(n - 1)} THEN total_amount ELSE 0 END)`;

const growthPct = (current: string, previous: string) =>
  `ROUND(100.0 * (${current} - ${previous}) / NULLIF(${previous}, 0), 2)`;

/**
 * Per `key`, each of the last `months` complete months with its sales and growth over the month
 * before (NULL when that month sold nothing); months without sales count as 0, not as missing.
 */
function monthlyGrowth(d: SqlDialect, key: string, months: number): string {
  const perMonth = Array.from(
    { length: months },
    (_, i) =>
      `SELECT ${key}, ${d.monthsAgo(i + 1)} AS month_start, ${salesInMonth(d, i + 1)} AS total_sales,
              ${salesInMonth(d, i + 2)} AS previous_sales
         FROM fact_daily_sales
        WHERE sale_date >= ${d.monthsAgo(i + 2)} AND sale_date < ${d.monthsAgo(i)}
        GROUP BY ${key}`,
  );
  return `SELECT ${key}, month_start, total_sales, previous_sales,
       ${growthPct("total_sales", "previous_sales")} AS growth_pct
  FROM (${perMonth.join("\n UNION ALL\n")}) m
 ORDER BY ${key}, month_start`;
}

const teams: PanelSection = {
  title: "Teams",
  panels: [
    {
      key: "teams.top5",
      title: "Top 5 teams by total sales",
      description: "Which five teams have sold the most, all time (latest snapshot).",
      viz: "bargauge",
      format: "table",
      unit: "locale",
      sql: () => `SELECT team, total_sales, sale_count
  FROM kpi_team_performance
 WHERE ${latest("kpi_team_performance")}
 ORDER BY total_sales DESC, team
 LIMIT 5`,
    },
    {
      key: "teams.daily7d",
      xField: "day",
      matrix: { rowField: "day", columnField: "team", valueField: "total_sales" },
      title: "Daily sales per team, past 7 days",
      description: "Sales per team on each sale date of the past 7 days, today included.",
      viz: "barchart",
      format: "table",
      unit: "locale",
      sql: (d) => `SELECT sale_date AS day, team, SUM(total_amount) AS total_sales
  FROM fact_daily_sales
 WHERE sale_date >= ${d.daysAgo(6)} AND sale_date <= ${d.today}
 GROUP BY sale_date, team
 ORDER BY sale_date, team`,
    },
    {
      key: "teams.growth3m",
      title: "Monthly growth per team, last 3 months",
      description:
        "Each team's sales in each of the last 3 complete months and the growth over the month before (%; empty when that month sold nothing).",
      viz: "table",
      format: "table",
      sql: (d) => monthlyGrowth(d, "team", 3),
    },
  ],
};

const branches: PanelSection = {
  title: "Branches",
  panels: [
    {
      key: "branches.bottom5LastMonth",
      title: "Bottom 5 branches, last month",
      description: "The five branches that sold least in the last complete month (a branch that sold nothing shows 0).",
      viz: "bargauge",
      format: "table",
      unit: "locale",
      sql: (d) => `SELECT b.branch, COALESCE(SUM(f.total_amount), 0) AS total_sales
  FROM kpi_branch_performance b
  LEFT JOIN fact_daily_sales f
    ON f.branch = b.branch AND f.sale_date >= ${d.monthsAgo(1)} AND f.sale_date < ${d.monthsAgo(0)}
 WHERE ${latest("kpi_branch_performance", "b")}
 GROUP BY b.branch
 ORDER BY total_sales, b.branch
 LIMIT 5`,
    },
    {
      key: "branches.top24h",
      title: "Top branches, last 24 hours",
      description:
        "Sales loaded in the last 24 hours per branch: the latest snapshot minus the last one at least 24 hours older (the whole total while the warehouse is younger than a day).",
      viz: "bargauge",
      format: "table",
      unit: "locale",
      sql: (d) => `SELECT cur.branch, cur.total_sales - COALESCE(prev.total_sales, 0) AS last_24h
  FROM kpi_branch_performance cur
  LEFT JOIN kpi_branch_performance prev
    ON prev.branch = cur.branch AND prev.snapshot_at = ${dayOld(d, "kpi_branch_performance")}
 WHERE ${latest("kpi_branch_performance", "cur")}
 ORDER BY last_24h DESC, cur.branch
 LIMIT 10`,
    },
    {
      key: "branches.monthly6m",
      xField: "month_start",
      matrix: { rowField: "month_start", columnField: "branch", valueField: "total_sales" },
      title: "Branches month by month, last 6 months",
      description: "Sales per branch in each of the last 6 months, this month so far included.",
      viz: "barchart",
      format: "table",
      unit: "locale",
      sql: (d) => `SELECT ${d.monthOf("sale_date")} AS month_start, branch, SUM(total_amount) AS total_sales
  FROM fact_daily_sales
 WHERE sale_date >= ${d.monthsAgo(5)} AND sale_date <= ${d.today}
 GROUP BY ${d.monthOf("sale_date")}, branch
 ORDER BY month_start, branch`,
    },
    {
      key: "branches.share",
      title: "Share of total sales by branch",
      description: "Each branch's share of all sales to date (%).",
      viz: "piechart",
      format: "table",
      unit: "percent",
      sql: () => `SELECT branch, total_sales,
       ROUND(100.0 * total_sales / NULLIF(SUM(total_sales) OVER (), 0), 2) AS share_pct
  FROM kpi_branch_performance
 WHERE ${latest("kpi_branch_performance")}
 ORDER BY total_sales DESC, branch`,
    },
  ],
};

const products: PanelSection = {
  title: "Products",
  panels: [
    {
      key: "products.vsTarget",
      title: "Sales against target per product",
      description: "Every product's sales to date against its target amount, and whether it is achieved.",
      viz: "table",
      format: "table",
      sql: () => `SELECT product_code, product_name, target_amount, total_sales,
       ROUND(100.0 * total_sales / NULLIF(target_amount, 0), 1) AS pct_of_target, status
  FROM kpi_product_performance
 WHERE ${latest("kpi_product_performance")}
 ORDER BY status, pct_of_target DESC, product_code`,
    },
    {
      key: "products.consistency",
      title: "Most consistent target achievement",
      description:
        "In how many of the last 6 complete months each product's sales in the month reached its target amount.",
      viz: "bargauge",
      format: "table",
      sql: (d) => {
        const months = Array.from(
          { length: 6 },
          (_, i) => `CASE WHEN ${salesInMonth(d, i + 1)} >= p.target_amount THEN 1 ELSE 0 END`,
        );
        return `SELECT p.product_code, p.product_name, ${months.join(" + ")} AS months_achieved
  FROM kpi_product_performance p
  LEFT JOIN fact_daily_sales f
    ON f.product_code = p.product_code AND f.sale_date >= ${d.monthsAgo(6)} AND f.sale_date < ${d.monthsAgo(0)}
 WHERE ${latest("kpi_product_performance", "p")}
 GROUP BY p.product_code, p.product_name, p.target_amount
 ORDER BY months_achieved DESC, p.product_code`;
      },
    },
    {
      key: "products.fastestGrowing",
      title: "Top 3 fastest-growing products, month over month",
      description: "Growth of last month's sales over the month before (%), among products that sold in both months.",
      viz: "bargauge",
      format: "table",
      unit: "percent",
      sql: (
        d,
      ) => `SELECT product_code, previous_sales, total_sales, ${growthPct("total_sales", "previous_sales")} AS growth_pct
  FROM (SELECT product_code, ${salesInMonth(d, 1)} AS total_sales, ${salesInMonth(d, 2)} AS previous_sales
          FROM fact_daily_sales
         WHERE sale_date >= ${d.monthsAgo(2)} AND sale_date < ${d.monthsAgo(0)}
         GROUP BY product_code) m
 WHERE previous_sales > 0 AND total_sales > 0
 ORDER BY growth_pct DESC, product_code
 LIMIT 3`,
    },
    {
      key: "products.daily30d",
      title: "Daily product performance, last 30 days",
      description: "Sales per product on each sale date of the last 30 days.",
      viz: "timeseries",
      format: "time_series",
      unit: "locale",
      sql: (d) => `SELECT sale_date AS time, product_code AS metric, SUM(total_amount) AS total_sales
  FROM fact_daily_sales
 WHERE sale_date >= ${d.daysAgo(29)} AND sale_date <= ${d.today}
 GROUP BY sale_date, product_code
 ORDER BY sale_date, product_code`,
    },
  ],
};

/** Notifications to agents only (team, branch and product recipients are left out), with names. */
const agentNames = `(SELECT agent_code, agent_name FROM kpi_agent_notifications WHERE ${latest("kpi_agent_notifications")})`;

const notifications: PanelSection = {
  title: "Agents and notifications",
  panels: [
    {
      key: "agents.notified24h",
      title: "Most-notified agents, last 24 hours",
      description:
        "Notifications per agent in the last 24 hours: the latest snapshot minus the last one at least 24 hours older.",
      viz: "bargauge",
      format: "table",
      sql: (d) => `SELECT cur.agent_code, cur.agent_name,
       cur.notification_count - COALESCE(prev.notification_count, 0) AS last_24h
  FROM kpi_agent_notifications cur
  LEFT JOIN kpi_agent_notifications prev
    ON prev.agent_code = cur.agent_code AND prev.snapshot_at = ${dayOld(d, "kpi_agent_notifications")}
 WHERE ${latest("kpi_agent_notifications", "cur")}
 ORDER BY last_24h DESC, cur.agent_code
 LIMIT 10`,
    },
    {
      key: "agents.monthly3m",
      xField: "month_start",
      matrix: { rowField: "month_start", columnField: "agent_code", valueField: "notifications" },
      title: "Monthly notifications per agent, last 3 months",
      description: "Notifications raised for each agent in each of the last 3 months, this month so far included.",
      viz: "barchart",
      format: "table",
      sql: (d) => `SELECT ${d.monthOf("n.created_date")} AS month_start, a.agent_code, a.agent_name,
       SUM(n.notification_count) AS notifications
  FROM fact_daily_notifications n
  JOIN ${agentNames} a ON a.agent_code = n.recipient
 WHERE n.created_date >= ${d.monthsAgo(2)}
 GROUP BY ${d.monthOf("n.created_date")}, a.agent_code, a.agent_name
 ORDER BY month_start, a.agent_code`,
    },
    {
      key: "agents.perSale",
      title: "Highest average notifications per sale",
      description: "Agents' notifications to date divided by their sales to date (agents with at least one sale).",
      viz: "bargauge",
      format: "table",
      sql: () => `SELECT a.agent_code, a.agent_name, a.notification_count, s.sale_count,
       ROUND(CAST(a.notification_count AS DECIMAL(20,4)) / s.sale_count, 3) AS per_sale
  FROM kpi_agent_notifications a
  JOIN (SELECT agent_code, SUM(sale_count) AS sale_count FROM fact_daily_sales GROUP BY agent_code) s
    ON s.agent_code = a.agent_code
 WHERE ${latest("kpi_agent_notifications", "a")}
 ORDER BY per_sale DESC, a.agent_code
 LIMIT 10`,
    },
    {
      key: "notifications.lastMonthByStatus",
      title: "Notifications sent vs pending, last month",
      description: "Notifications raised in the last complete month, by their status now.",
      viz: "piechart",
      format: "table",
      sql: (d) => `SELECT status, SUM(notification_count) AS notifications
  FROM fact_daily_notifications
 WHERE created_date >= ${d.monthsAgo(1)} AND created_date < ${d.monthsAgo(0)}
 GROUP BY status
 ORDER BY status`,
    },
    {
      key: "notifications.daily7dByStatus",
      xField: "day",
      matrix: { rowField: "day", columnField: "status", valueField: "notifications" },
      title: "Daily delivery trend per status, past 7 days",
      description: "Notifications raised on each of the past 7 days (today included), by their status now.",
      viz: "barchart",
      format: "table",
      sql: (d) => `SELECT created_date AS day, status, SUM(notification_count) AS notifications
  FROM fact_daily_notifications
 WHERE created_date >= ${d.daysAgo(6)} AND created_date <= ${d.today}
 GROUP BY created_date, status
 ORDER BY created_date, status`,
    },
    {
      key: "notifications.statusShare",
      title: "Share of each notification status",
      description: "All notifications by status: count and share of all (%), latest snapshot.",
      viz: "piechart",
      format: "table",
      sql: () => `SELECT status, notification_count,
       ROUND(100.0 * notification_count / NULLIF(SUM(notification_count) OVER (), 0), 2) AS share_pct
  FROM kpi_notification_status
 WHERE ${latest("kpi_notification_status")}
 ORDER BY status`,
    },
  ],
};

const freshness: PanelSection = {
  title: "Freshness",
  panels: [
    {
      key: "freshness",
      title: "Warehouse freshness",
      description:
        "When the aggregator last committed a run (UTC), how old that is, and the newest sale date the warehouse holds.",
      viz: "table",
      format: "table",
      sql: (d) => `SELECT r.last_loaded_at, r.minutes_since_load, s.newest_sale_date
  FROM (SELECT MAX(snapshot_at) AS last_loaded_at,
               ${d.minutesSince("MAX(snapshot_at)")} AS minutes_since_load
          FROM aggregator_runs) r
 CROSS JOIN (SELECT MAX(sale_date) AS newest_sale_date FROM fact_daily_sales) s`,
    },
  ],
};

export const salesKpiSections: PanelSection[] = [teams, branches, products, notifications, freshness];
