/**
 * Every Redis key and channel shape the instances share, in one place. Keys of one
 * logical unit share a hash tag (`{...}`) so multi-key scripts work on Redis Cluster.
 * The bars value key itself is `barsCacheKey` in ../bars/request.ts (it is derived from
 * the normalised request); its lease and cached error hang off it here.
 */
export const REDIS_KEYS = {
  /** Published by the cache's fill/fail scripts; every instance subscribes once. */
  cacheReadyChannel: "cache:v1:ready",
  /** The lease a bars fetch holds while it fetches (same hash tag as the value). */
  cacheLock: (valueKey: string) => `${valueKey}:lock`,
  /** A cached upstream error, shared by every waiter for its short TTL. */
  cacheError: (valueKey: string) => `${valueKey}:err`,
  /** A scale-test run's counter (`cache_hit`, `provider_fetch`...). */
  runCounter: (runId: string, counter: string) => `scaleTest:{${runId}}:${counter}`,
  /** The admin fault switches (a hash) and the channel that announces changes. */
  faults: (prefix: string) => `${prefix}faults:v1`,
  faultsChannel: (prefix: string) => `${prefix}faults:v1:changed`,
  /** The registry every instance's sampler writes its latest sample into (a hash). */
  instances: (prefix: string) => `${prefix}instances:v1`,
} as const;
