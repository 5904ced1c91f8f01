// Who an alert goes to and what it says.
import { formatMoney } from "../../money/cents.js";
import type { Target } from "../targets/book.js";
import { periodLabel } from "../targets/periods.js";

export function recipientOf(target: Pick<Target, "scope" | "key">): string {
  return target.scope === "agent" ? target.key : `${target.scope}:${target.key}`;
}

export const alertType = (milestone: number) =>
  milestone === 100 ? ("TARGET_ACHIEVED" as const) : ("MILESTONE" as const);

const adjective = { month: "monthly", quarter: "quarterly", year: "yearly" } as const;

/** e.g. "Anura Jayasinghe (AGT004) reached 100% of the monthly target for 2024-03: 125,000.00 of 120,000.00." */
export function alertMessage(
  target: Target,
  periodStart: string,
  milestone: number,
  achieved: string,
  agentName?: string,
): string {
  const who =
    target.scope === "agent"
      ? agentName
        ? `${agentName} (${target.key})`
        : target.key
      : `${target.scope[0]!.toUpperCase()}${target.scope.slice(1)} ${target.key}`;
  const what = milestone === 100 ? "achieved the" : `reached ${milestone}% of the`;
  return `${who} ${what} ${adjective[target.period]} target for ${periodLabel(target.period, periodStart)}: ${formatMoney(achieved)} of ${formatMoney(target.amount)}.`;
}

/** The key the notification service deduplicates on: one notification per alert, however often sent. */
export const dedupeKey = (a: { targetId: number; periodStart: string; milestone: number }) =>
  `target:${a.targetId}:${a.periodStart}:${a.milestone}`;
