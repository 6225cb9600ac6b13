/**
 * Risk zones (seed 002): each signal of each level is STABLE, RISK or FAIL against two
 * bounds. A value below `risk` is STABLE, from `risk` up to `fail` RISK, above `fail`
 * FAIL. Signals that vary within a level are judged on what they sustain: the median of
 * an instance's samples over the level (a spike is not a zone), worst instance.
 */
export type Zone = "STABLE" | "RISK" | "FAIL";

export const SIGNALS = [
  "cpu",
  "memory",
  "p95",
  "errors",
  "eventLoop",
  "requestsInFlight",
  "dbWaiting",
] as const;
export type Signal = (typeof SIGNALS)[number];

export interface Bounds {
  readonly risk: number;
  readonly fail: number;
}
export type ZoneBounds = Readonly<Record<Signal, Bounds>>;

/**
 * Seed 002's bounds (CPU, memory, p95, error rate); the event loop's and the queues'
 * are ours: a loop delayed 50 ms at p99 is visibly busy and 200 ms is stalling; more than
 * 8 requests waiting in an instance at a 20-50 req/s load means answers queue up, more
 * than 32 that they pile up; any Postgres query waiting for a connection is a pool at
 * its limit.
 */
export const SEED_ZONES: ZoneBounds = {
  cpu: { risk: 70, fail: 90 },
  memory: { risk: 80, fail: 90 },
  p95: { risk: 100, fail: 500 },
  errors: { risk: 0.1, fail: 1 },
  eventLoop: { risk: 50, fail: 200 },
  requestsInFlight: { risk: 8, fail: 32 },
  dbWaiting: { risk: 1, fail: 10 },
};

/** What each signal is and its unit, for tables and check texts. */
export const SIGNAL_INFO: Readonly<
  Record<Signal, { readonly label: string; readonly unit: string }>
> = {
  cpu: { label: "CPU (process incl. worker threads, of the cores it may use)", unit: "%" },
  memory: { label: "memory (rss / memory limit; heapUsed / heap limit without one)", unit: "%" },
  p95: { label: "latency p95", unit: "ms" },
  errors: { label: "error rate", unit: "%" },
  eventLoop: { label: "event-loop delay p99", unit: "ms" },
  requestsInFlight: { label: "requests in flight per instance", unit: "" },
  dbWaiting: { label: "Postgres queries waiting for a connection", unit: "" },
};

export const zoneOf = (value: number, b: Bounds): Zone =>
  value < b.risk ? "STABLE" : value <= b.fail ? "RISK" : "FAIL";

const RANK: Readonly<Record<Zone, number>> = { STABLE: 0, RISK: 1, FAIL: 2 };

/** The worst of some zones; STABLE for none. */
export const worstZone = (zones: readonly Zone[]): Zone =>
  zones.reduce<Zone>((w, z) => (RANK[z] > RANK[w] ? z : w), "STABLE");

/** `< 70 % STABLE, 70-90 % RISK, > 90 % FAIL` */
export const describeBounds = (signal: Signal, b: Bounds): string => {
  const u = SIGNAL_INFO[signal].unit;
  const s = u === "%" ? " %" : u ? ` ${u}` : "";
  return `< ${b.risk}${s} STABLE, ${b.risk}-${b.fail}${s} RISK, > ${b.fail}${s} FAIL`;
};
