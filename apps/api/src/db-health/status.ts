import type { PoolStatus } from "@scaleproof/core/scale-test/dbData";

/** An exhaustion event this recent makes a pool critical. */
export const RECENT_EXHAUSTION_MS = 60_000;

export interface PoolFigures {
  readonly max: number;
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  /** Postgres answered the instance's own question about its connections. */
  readonly reachable: boolean;
  /** ms since the last connect timeout or 53300; null: none since boot. */
  readonly sinceExhaustionMs: number | null;
}

/**
 * critical: the instance cannot reach Postgres, a query got no connection in the last
 * minute, or as many queries wait as the pool holds; degraded: queries wait, or every
 * connection is open and busy; healthy otherwise.
 */
export const poolStatusOf = (p: PoolFigures): PoolStatus => {
  const recent = p.sinceExhaustionMs !== null && p.sinceExhaustionMs < RECENT_EXHAUSTION_MS;
  if (!p.reachable || recent || p.waiting >= p.max) return "critical";
  if (p.waiting > 0 || (p.total >= p.max && p.idle === 0)) return "degraded";
  return "healthy";
};
