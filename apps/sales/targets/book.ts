// The targets, cached per process and reloaded only when their revision moves.
import { sql } from "drizzle-orm";
import type { targetScopes } from "../../db/schema/index.js";
import { rows, type Tx } from "../db.js";
import type { Period } from "./periods.js";

export type Scope = (typeof targetScopes)[number];

export interface Target {
  id: number;
  scope: Scope;
  key: string;
  period: Period;
  amount: string;
  milestones: number[];
}

/** What a sale is counted under: its agent, team, branch and product. */
export interface SaleKeys {
  agentCode: string;
  team: string;
  branch: string;
  productCode: string;
}

export const parseMilestones = (text: string) => text.split(",").map(Number);

/** Takes the targets revision row shared for the rest of the transaction; target writes wait for it. */
export async function lockRevisionShared(tx: Tx): Promise<number> {
  const [row] = await rows<{ revision: number }>(
    tx,
    sql`SELECT revision FROM targets_revision WHERE id = 1 LOCK IN SHARE MODE`,
  );
  return row!.revision;
}

export class TargetBook {
  private revision = -1;
  private byKey = new Map<string, Target[]>();

  /** Brings the cache to `revision`; call while holding the revision row shared, so it cannot move. */
  async sync(tx: Tx, revision: number): Promise<void> {
    if (revision === this.revision) return;
    const loaded = await rows<{
      id: number;
      scope: Scope;
      target_key: string;
      period: Period;
      amount: string;
      milestones: string;
    }>(tx, sql`SELECT id, scope, target_key, period, amount, milestones FROM targets ORDER BY id`);
    if (revision < this.revision) return;
    const byKey = new Map<string, Target[]>();
    for (const r of loaded) {
      const target: Target = {
        id: r.id,
        scope: r.scope,
        key: r.target_key,
        period: r.period,
        amount: r.amount,
        milestones: parseMilestones(r.milestones),
      };
      const k = `${r.scope}:${r.target_key}`;
      byKey.set(k, [...(byKey.get(k) ?? []), target]);
    }
    this.byKey = byKey;
    this.revision = revision;
  }

  /** The targets a sale counts towards (after `sync`). */
  matching(sale: SaleKeys): Target[] {
    return [
      ...(this.byKey.get(`agent:${sale.agentCode}`) ?? []),
      ...(this.byKey.get(`team:${sale.team}`) ?? []),
      ...(this.byKey.get(`branch:${sale.branch}`) ?? []),
      ...(this.byKey.get(`product:${sale.productCode}`) ?? []),
    ];
  }
}
