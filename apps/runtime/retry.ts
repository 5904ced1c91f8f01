/** How a worker spaces out retries of one item: doubling from `retryBaseMs`, capped at `retryMaxMs`. */
export interface RetryPolicy {
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Wait before the next try after `attempts` failed ones. */
export function backoffMs(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.retryBaseMs * 2 ** Math.max(0, attempts - 1), policy.retryMaxMs);
}
