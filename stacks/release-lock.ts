// One release, promote or rollback at a time per stack, across machines.
//
// Pulumi locks a stack only for the length of one operation; a release is several (deploy, smoke test,
// flip, verify, maybe roll back), and a second release slipping in between — say, flipping traffic
// while the first is smoke-testing — would be wrong. So the whole flow holds a lock of its own: a
// stack tag. Tags are stored in the state backend (Pulumi Cloud, or the DIY backend's bucket), so CI
// runners on different machines and operators' laptops all see the same one; a lock file or a config
// marker would live only in one checkout. Setting a tag is not compare-and-swap, so the holder writes
// a unique token, waits a moment and reads it back: of two writers racing, only the last one keeps
// the lock and the other backs off. CI also serialises per stack with a concurrency group, and
// Pulumi's own lock (StackBusyError) still stops two `up`s colliding.
import { randomUUID } from "node:crypto";
import type { StackOps } from "./stack-ops.js";

export const lockTag = "moon-release-lock";

export interface LockOptions {
  /** Who is releasing, shown to anyone refused (a CI run, user@host). */
  holder: string;
  /** How long to wait before reading the tag back. */
  settleMs: number;
  /** A lock older than this was left by a crashed run and may be taken over. */
  staleAfterMs: number;
  now?: () => number;
}

interface LockValue {
  holder: string;
  since: string;
  token: string;
}

export class LockRefused extends Error {
  constructor(stack: string, held: LockValue) {
    super(
      `stack ${stack} is locked by another release: ${held.holder} since ${held.since}. ` +
        `If that run is dead, remove the lock with: pulumi stack tag rm ${lockTag} --stack ${stack}`,
    );
    this.name = "LockRefused";
  }
}

export interface HeldLock {
  /** Whether an abandoned lock was taken over (worth a line in the log). */
  tookOver: LockValue | null;
  release(): Promise<void>;
}

export async function acquireLock(stack: StackOps, options: LockOptions): Promise<HeldLock> {
  const now = options.now ?? Date.now;
  const existing = parse(await stack.getTag(lockTag));
  // An unparseable `since` is NaN, which is never stale: a human has to clear that lock.
  const stale = existing !== null && now() - Date.parse(existing.since) > options.staleAfterMs;
  if (existing && !stale) throw new LockRefused(stack.name, existing);

  const mine: LockValue = { holder: options.holder, since: new Date(now()).toISOString(), token: randomUUID() };
  await stack.setTag(lockTag, JSON.stringify(mine));
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  const winner = parse(await stack.getTag(lockTag));
  if (winner?.token !== mine.token) throw new LockRefused(stack.name, winner ?? mine);

  return {
    tookOver: stale ? existing : null,
    release: async () => {
      // Leave a lock that is no longer ours (taken over as stale) to its new holder.
      if (parse(await stack.getTag(lockTag))?.token === mine.token) await stack.removeTag(lockTag);
    },
  };
}

/** Who holds the lock, for `status`; null when free. */
export async function lockHolder(stack: StackOps): Promise<string | null> {
  const held = parse(await stack.getTag(lockTag));
  return held ? `${held.holder} since ${held.since}` : null;
}

function parse(raw: string | undefined): LockValue | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<LockValue>;
    if (typeof value.holder === "string" && typeof value.since === "string" && typeof value.token === "string") {
      return value as LockValue;
    }
  } catch {
    // Falls through: an unreadable tag is held by someone unknown, never free and never stale.
  }
  return { holder: `unknown (${raw})`, since: "an unknown time", token: "" };
}
