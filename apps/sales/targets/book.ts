// The targets, cached per process and reloaded only when their revision moves.
import { type SQL, sql } from "drizzle-orm";
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

/**
 * Reads targets as the write path uses them (`where` is a condition on the targets table); `shared`
 * holds them locked shared until commit, so none is changed or deleted while its total moves.
 */
export async function loadTargets(tx: Tx, where: SQL, o: { shared?: boolean } = {}): Promise<Target[]> {
  const found = await rows<{
    id: number;
    scope: Scope;
    target_key: string;
    period: Period;
    amount: string;
    milestones: string;
  }>(
    tx,
    sql`SELECT id, scope, target_key, period, amount, milestones FROM targets WHERE ${where} ORDER BY id${
      o.shared ? sql` LOCK IN SHARE MODE` : sql``
    }`,
  );
  return found.map((r) => ({
    id: r.id,
    scope: r.scope,
    key: r.target_key,
    period: r.period,
    amount: r.amount,
    milestones: parseMilestones(r.milestones),
  }));
}

/** Takes the targets revision row shared for the rest of the transaction; target writes wait for it. */
export async function lockRevisionShared(tx: Tx): Promise<number> {
  const [row] = await rows<{ revision: number }>(
    tx,
    sql`SELECT revision FROM targets_revision WHERE id = 1 LOCK IN SHARE MODE`,
  );
  if (!row) throw new Error("targets_revision has no row 1: the migrations did not run");
  return row.revision;
}

export class TargetBook {
  private revision = -1;
  private byKey = new Map<string, Target[]>();

  /** Brings the cache to `revision`; call while holding the revision row shared, so it cannot move. */
  async sync(tx: Tx, revision: number): Promise<void> {
    if (revision === this.revision) return;
    const loaded = await loadTargets(tx, sql`1 = 1`);
    if (revision < this.revision) return;
    const byKey = new Map<string, Target[]>();
    for (const target of loaded) {
      const k = `${target.scope}:${target.key}`;
      const list = byKey.get(k);
      if (list) list.push(target);
      else byKey.set(k, [target]);
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
