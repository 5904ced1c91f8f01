// Calendar periods of a recurring target, as YYYY-MM-DD strings (sale dates carry no time zone).
import type { targetPeriods } from "../../db/schema/index.js";

export type Period = (typeof targetPeriods)[number];

const pad = (n: number) => String(n).padStart(2, "0");

/** First day of the period that holds `date`. */
export function periodStart(period: Period, date: string): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  if (period === "year") return `${year}-01-01`;
  if (period === "quarter") return `${year}-${pad(month - ((month - 1) % 3))}-01`;
  return `${year}-${pad(month)}-01`;
}

/** Last day of the period that starts on `start`. */
export function periodEnd(period: Period, start: string): string {
  const months = period === "year" ? 12 : period === "quarter" ? 3 : 1;
  const first = new Date(`${start}T00:00:00Z`);
  const end = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + months, 0));
  return end.toISOString().slice(0, 10);
}

/** How people name the period: 2024-03, 2024-Q1, 2024. */
export function periodLabel(period: Period, start: string): string {
  if (period === "year") return start.slice(0, 4);
  if (period === "quarter") return `${start.slice(0, 4)}-Q${(Number(start.slice(5, 7)) + 2) / 3}`;
  return start.slice(0, 7);
}

/** The same period start computed by the database, for set-based work over `sale_date`. */
export function periodStartSql(period: Period): string {
  if (period === "year") return "MAKEDATE(YEAR(sale_date), 1)";
  if (period === "quarter") return "MAKEDATE(YEAR(sale_date), 1) + INTERVAL (QUARTER(sale_date) - 1) QUARTER";
  return "DATE_FORMAT(sale_date, '%Y-%m-01')";
}

export const today = () => new Date().toISOString().slice(0, 10);
