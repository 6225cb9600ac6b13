import { check, equals, type ProfileResult } from "../../check.ts";
import { allHold, describeInForce, inForce, type ThresholdsSet } from "../../thresholds/resolve.ts";
import { theilSen } from "../../trend.ts";
import type { HeapSeries, StreamsEvidence } from "./evidence.ts";
import type { QueryReading } from "./service.ts";

/*
 * The lines are k6 thresholds (thresholds/registry.ts), seed defaults:
 * - streams.heap_per_connection_bytes max<=262144: heap growth (what survives a GC) per
 *   held connection over the hold above 256 KB is memory that is not flat. A fresh instance
 *   drifts up ~100 KB per connection-equivalent in its first 30 s on its own (warm-up): a
 *   quick run sees only gross per-connection leaks; the seed's 5 min hold the same bound
 *   over ten times as long.
 * - streams.queries_per_subscriber value<=0.25: extra queries per second per subscriber
 *   (a per-subscriber 250 ms poll is 4; a fan-out ~0).
 * - streams.events_per_stream min>=2: every stream sees the view when it connects and at
 *   least one change while held.
 */

const STEP = "streams";

/** Queries per second summed over instances between two readings (null if any is missing). */
export const queryRate = (
  start: readonly QueryReading[],
  end: readonly QueryReading[],
): number | null => {
  let total = 0;
  let ms = 0;
  for (const e of end) {
    const s = start.find((r) => r.instanceId === e.instanceId);
    if (!s || s.queries === null || e.queries === null || e.at <= s.at) return null;
    total += e.queries - s.queries;
    ms = Math.max(ms, e.at - s.at);
  }
  return end.length === 0 || ms === 0 ? null : (total * 1000) / ms;
};

/** Heap growth per connection over the hold on one instance (Theil-Sen slope × hold). */
export const heapPerConnection = (
  h: HeapSeries,
  connections: number,
  holdMs: number,
): number | null => {
  const est = theilSen(h.points);
  return est === null || connections === 0 ? null : (est.slope * holdMs) / connections;
};

const kb = (b: number) => `${Math.round(b / 1024)} KB`;

/** Pure: the streams' fate, their memory and the database load they cost. */
export const judgeStreams = (ev: StreamsEvidence, thresholds?: ThresholdsSet): ProfileResult => {
  const eventsGate = inForce(thresholds, "streams.events_per_stream");
  const heapGate = inForce(thresholds, "streams.heap_per_connection_bytes");
  const queriesGate = inForce(thresholds, "streams.queries_per_subscriber");
  const num = (a: unknown) => (typeof a === "number" ? a : null);
  const served = ev.streams.filter((s) => s.instanceId !== null);
  const dropped = ev.streams.filter((s) => s.dropped);
  const minEvents = ev.streams.reduce((m, s) => Math.min(m, s.events), Number.POSITIVE_INFINITY);
  const byInstance = new Map<string, number>();
  for (const s of served) {
    byInstance.set(s.instanceId as string, (byInstance.get(s.instanceId as string) ?? 0) + 1);
  }
  const spread = [...byInstance].map(([id, n]) => `${id}: ${n}`).join(", ");
  const heaps = ev.heap.map((h) => ({
    h,
    perConn: heapPerConnection(h, byInstance.get(h.instanceId) ?? 0, ev.holdMs),
  }));
  const measured = heaps.filter((x) => x.perConn !== null);
  const worstHeap = measured.reduce(
    (m, x) => Math.max(m, x.perConn as number),
    Number.NEGATIVE_INFINITY,
  );
  const loaded = queryRate(ev.queries.holdStart, ev.queries.holdEnd);
  const idle = queryRate(ev.queries.baselineStart, ev.queries.baselineEnd);
  const perSubscriber =
    loaded === null || idle === null || served.length === 0
      ? null
      : Math.max(0, loaded - idle) / served.length;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    checks: [
      check(
        STEP,
        "streams.connected",
        `= ${ev.connections}`,
        served.length,
        equals(ev.connections),
        spread,
      ),
      check(
        STEP,
        "streams.dropped",
        "= 0",
        dropped.length,
        equals(0),
        dropped.length === 0
          ? undefined
          : dropped
              .slice(0, 5)
              .map((s) => `${s.instanceId ?? "?"} after ${s.events} events: ${s.detail ?? "ended"}`)
              .join("; "),
      ),
      check(
        STEP,
        "streams.delivered",
        `${describeInForce(eventsGate)} events on every stream`,
        ev.streams.length === 0 ? 0 : minEvents,
        (a) => allHold(eventsGate, () => num(a)),
      ),
      check(
        STEP,
        "streams.heap_per_connection",
        `${describeInForce(heapGate)} bytes over the hold`,
        measured.length === 0 ? "not measured" : Math.round(worstHeap),
        (a) => allHold(heapGate, () => num(a)),
        heaps
          .map(
            ({ h, perConn }) =>
              `${h.instanceId} (${h.series}, ${h.points.length} samples): ${perConn === null ? "too few samples" : kb(perConn)}`,
          )
          .join("; "),
      ),
      check(
        STEP,
        "streams.queries_per_subscriber",
        `${describeInForce(queriesGate)} /s (scaleproof_pg_queries_total)`,
        perSubscriber === null ? "not measured" : round(perSubscriber),
        (a) => allHold(queriesGate, () => num(a)),
        `${loaded === null ? "?" : round(loaded)}/s with ${served.length} subscribers, ${idle === null ? "?" : round(idle)}/s without`,
      ),
    ],
    metrics: {
      "streams.connections_count": served.length,
      "streams.dropped_count": dropped.length,
      "streams.instances_count": byInstance.size,
      "streams.min_events_count": ev.streams.length === 0 ? 0 : minEvents,
      ...(perSubscriber === null
        ? {}
        : { "streams.queries_per_subscriber_per_s": round(perSubscriber) }),
      ...(loaded === null ? {} : { "streams.queries_held_per_s": round(loaded) }),
      ...(idle === null ? {} : { "streams.queries_idle_per_s": round(idle) }),
      ...(measured.length === 0
        ? {}
        : { "streams.heap_per_connection_bytes": Math.round(worstHeap) }),
    },
  };
};
