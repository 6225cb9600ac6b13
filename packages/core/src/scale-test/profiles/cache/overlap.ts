import type { BarsTiming, Release } from "../../data.ts";

/**
 * Pure readings of a key's persisted request timeline (each instance's own clock): which
 * fetch filled it, who was released by that fill, and whether an instance let two of its
 * concurrent requests through to Redis (a broken single-flight).
 */

/** Released by another's fill: its pub/sub wake-up, a timed re-check, or the instance's single-flight. */
const RELEASED: readonly Release[] = ["wake", "poll", "single-flight"];
/** Went to Redis itself (every release but a HIT's, a single-flight share and an error). */
const TO_REDIS: readonly Release[] = ["fetch", "wake", "poll"];

export type Fill = BarsTiming & { readonly filledAt: number };

/** The one fetch that filled the key, or why there is not exactly one. */
export const singleFill = (timeline: readonly BarsTiming[]): Fill | string => {
  const fills = timeline.filter((t): t is Fill => t.releasedBy === "fetch" && t.filledAt !== null);
  const [fill] = fills;
  if (fills.length === 1 && fill) return fill;
  return fills.length === 0 ? "no fill recorded" : `${fills.length} fetches filled the key`;
};

/** Requests in flight when the fill was sent (started before it, answered after) and released by it. */
export const releasedBy = (timeline: readonly BarsTiming[], fill: Fill): BarsTiming[] =>
  timeline.filter(
    (t) =>
      t !== fill &&
      RELEASED.includes(t.releasedBy) &&
      t.startedAt <= fill.filledAt &&
      t.finishedAt >= fill.filledAt,
  );

/** "i1: 4 single-flight; i2: 1 wake, 4 single-flight": how each instance's requests were released. */
export const describeReleases = (ts: readonly BarsTiming[]): string => {
  const per = new Map<string, Map<string, number>>();
  for (const t of ts) {
    const counts = per.get(t.instanceId) ?? new Map<string, number>();
    counts.set(t.releasedBy, (counts.get(t.releasedBy) ?? 0) + 1);
    per.set(t.instanceId, counts);
  }
  return [...per]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([i, c]) => `${i}: ${[...c].map(([r, n]) => `${n} ${r}`).join(", ")}`)
    .join("; ");
};

const overlaps = (a: BarsTiming, b: BarsTiming) =>
  a.startedAt < b.finishedAt && b.startedAt < a.finishedAt;

const pairs = <A>(xs: readonly A[], p: (a: A, b: A) => boolean): boolean =>
  xs.some((a, i) => xs.slice(i + 1).some((b) => p(a, b)));

/**
 * Per instance: did two of its requests overlap in time at all (the chance to coalesce),
 * and did two that overlapped both go to Redis (the single-flight let them through)?
 */
export const singleFlightOf = (timeline: readonly BarsTiming[]) => {
  const instances = [...new Set(timeline.map((t) => t.instanceId))].sort();
  const mine = (i: string) =>
    timeline.filter((t) => t.instanceId === i && t.releasedBy !== "error");
  return {
    concurrent: instances.filter((i) => pairs(mine(i), overlaps)),
    leaking: instances.filter((i) =>
      pairs(
        mine(i).filter((t) => TO_REDIS.includes(t.releasedBy)),
        overlaps,
      ),
    ),
  };
};
