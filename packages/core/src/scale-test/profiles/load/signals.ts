import { round } from "../../stats.ts";
import type { LevelMeasure, QueueProbe, ResourcePoint } from "./data.ts";
import type { LevelEvidence } from "./evidence.ts";
import { SIGNALS, type Signal, type Zone, type ZoneBounds, zoneOf } from "./zones.ts";

/** One signal of one level: its value, zone, the instance it is the worst on, or why there is none. */
export interface Reading {
  readonly value: number | null;
  readonly zone: Zone | null;
  readonly instance: string | null;
  /** Why there is no zone ("not measured: ...", "not judged: ..."), or how it was measured. */
  readonly note: string | null;
}

export type Readings = Readonly<Record<Signal, Reading>>;

export const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Requests the service did not answer 2xx, as % of those sent (dropped ones were never sent). */
export const serviceErrorPct = (m: LevelMeasure): number | null => {
  const c = m.counts;
  return c.sent > 0 ? ((c.failed + c.shed + c.timedOut + c.inFlight) / c.sent) * 100 : null;
};

export const groupBy = <T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
};

/** Per instance: `per(its values)`; the worst (highest) instance wins. */
const worstInstance = <T>(
  xs: readonly T[],
  instanceOf: (x: T) => string,
  read: (x: T) => number | null,
  per: (values: readonly number[]) => number | null,
): { value: number; instance: string } | null => {
  let worst: { value: number; instance: string } | null = null;
  for (const [instance, list] of groupBy(xs, instanceOf)) {
    const v = per(list.map(read).filter((n): n is number => n !== null));
    if (v !== null && (worst === null || v > worst.value)) worst = { value: v, instance };
  }
  return worst;
};

const max = (xs: readonly number[]) => (xs.length ? Math.max(...xs) : null);

/** Memory use as % of its limit: rss / the container's limit, else heapUsed / V8's heap limit. */
export const memoryPct = (r: ResourcePoint): number =>
  r.memoryLimit !== null && r.memoryLimit > 0
    ? (r.rss / r.memoryLimit) * 100
    : (r.heapUsed / r.heapLimit) * 100;

const reading = (
  found: { value: number; instance: string | null } | null,
  bounds: ZoneBounds[Signal],
  missing: string,
  note: string | null = null,
): Reading =>
  found === null
    ? { value: null, zone: null, instance: null, note: `not measured: ${missing}` }
    : {
        value: round(found.value, 2),
        zone: zoneOf(found.value, bounds),
        instance: found.instance,
        note,
      };

const NOT_JUDGED: Reading = {
  value: null,
  zone: null,
  instance: null,
  note: "not judged: the runner could not offer the rate",
};

/**
 * Every signal of one level. Latency and errors come from the runner's own measure, so
 * when the runner could not offer the rate they are not judged (a late runner is not a
 * slow service); the instances' own signals still are.
 */
export const readSignals = (
  ev: LevelEvidence,
  zones: ZoneBounds,
  runnerOffered: boolean,
): Readings => {
  const { measure, resources, probes } = ev;
  const byId = (r: { instanceId: string }) => r.instanceId;
  const noSamples = "no resource samples in this level";
  const noProbes = "no queue gauges read in this level";
  const limited = resources.some((r) => r.memoryLimit !== null && r.memoryLimit > 0);
  const answeredAny = measure.latencyMs.count > 0;
  const errors = serviceErrorPct(measure);
  const out: Record<Signal, Reading> = {
    cpu: reading(
      worstInstance(resources, byId, (r) => r.cpuPct, median),
      zones.cpu,
      resources.length ? "the instances record no CPU" : noSamples,
    ),
    memory: reading(
      worstInstance(resources, byId, memoryPct, max),
      zones.memory,
      noSamples,
      limited ? "rss / memory limit" : "heapUsed / heap limit (no memory limit known)",
    ),
    p95: reading(
      answeredAny ? { value: measure.latencyMs.p95, instance: null } : null,
      zones.p95,
      "nothing was answered",
    ),
    errors: reading(
      errors === null ? null : { value: errors, instance: null },
      zones.errors,
      "nothing was sent",
    ),
    eventLoop: reading(
      worstInstance(resources, byId, (r) => r.eventLoopP99Ms, median),
      zones.eventLoop,
      noSamples,
    ),
    requestsInFlight: reading(
      worstInstance(probes, byId, (p: QueueProbe) => p.requestsInFlight, median),
      zones.requestsInFlight,
      noProbes,
    ),
    dbWaiting: reading(
      worstInstance(probes, byId, (p: QueueProbe) => p.dbWaiting, median),
      zones.dbWaiting,
      noProbes,
    ),
  };
  if (!runnerOffered) {
    out.p95 = NOT_JUDGED;
    out.errors = NOT_JUDGED;
  }
  return Object.fromEntries(SIGNALS.map((s) => [s, out[s]])) as Readings;
};
