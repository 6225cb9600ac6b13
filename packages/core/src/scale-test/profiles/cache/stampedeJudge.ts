import { responsesOf } from "../../answers.ts";
import { atLeast, check, equals, type ProfileResult } from "../../check.ts";
import { measured } from "../../metrics/split.ts";
import type { Check } from "../../schema.ts";
import { agreement } from "./agreement.ts";
import type { StampedeEvidence } from "./evidence.ts";
import { describeReleases, releasedBy, singleFill, singleFlightOf } from "./overlap.ts";

/**
 * The overlap the stampede must show before its one fetch proves anything: on >= 2
 * instances, requests that started before the fill (the fetcher's own clock, taken as it
 * sent the fill) and were released by it (its wake-up, a re-check, or their instance's
 * single-flight behind such a request). The fetcher's own instance counts.
 */
const overlapCheck = (s: StampedeEvidence): { check: Check; instances: number | null } => {
  const fill = singleFill(s.timeline);
  const upstream =
    s.upstreamKind === "replay"
      ? `replay upstream, fetch slowed to ${s.slowedMs ?? "?"} ms`
      : "a real provider (not slowed)";
  if (typeof fill === "string") {
    const c = check(
      "stampede",
      "stampede.overlap",
      ">= 2 instances with requests in flight at the fill, released by it",
      `not proven: ${fill}`,
      () => false,
      `${describeReleases(s.timeline)}; ${upstream}`,
    );
    return { check: c, instances: null };
  }
  const released = releasedBy(s.timeline, fill);
  const instances = [...new Set([fill.instanceId, ...released.map((t) => t.instanceId)])].sort();
  const first = Math.min(...s.timeline.map((t) => t.startedAt));
  const c = check(
    "stampede",
    "stampede.overlap",
    ">= 2 instances with requests in flight at the fill, released by it",
    instances.length >= 2
      ? instances.length
      : `not proven: only ${instances.join(", ")} had requests in flight at the fill`,
    atLeast(2),
    `fill by ${fill.instanceId} ${fill.filledAt - first} ms after the first request; released by it: ${describeReleases(released) || "none"}; ${upstream}`,
  );
  return { check: c, instances: instances.length };
};

/** Each instance sent one request to Redis while its other concurrent ones shared it. */
const singleFlightCheck = (s: StampedeEvidence): Check => {
  const { concurrent, leaking } = singleFlightOf(s.timeline);
  return check(
    "stampede",
    "stampede.single_flight",
    "0 instances with two requests at once in Redis",
    concurrent.length === 0
      ? "not proven: no instance had two requests in flight at once"
      : leaking.length,
    equals(0),
    leaking.length
      ? `${leaking.join(", ")} sent concurrent requests to Redis: ${describeReleases(s.timeline)}`
      : `coalesced on ${concurrent.join(", ")}`,
  );
};

/**
 * N concurrent requests for a new key: one provider fetch, everyone else released by the
 * fill, and the overlap that makes this mean something (requests on >= 2 instances in
 * flight at the fill; each instance coalescing its own).
 */
export const judgeStampede = (s: StampedeEvidence): ProfileResult => {
  const fetches = s.after.provider_fetch - s.before.provider_fetch;
  const rs = responsesOf(s.burst);
  const outcome = (o: string) => rs.filter((r) => r.cache === o).length;
  const ok = rs.filter((r) => r.status === 200);
  const released = ok.filter((r) => r.cache !== "MISS").length;
  const overlap = overlapCheck(s);
  return {
    checks: [
      check(
        "stampede",
        "stampede.provider_fetch",
        "= 1",
        fetches,
        equals(1),
        "Redis counter delta",
      ),
      check(
        "stampede",
        "stampede.released_after_fill",
        `= ${s.n - 1} (WAIT or HIT)`,
        released,
        equals(s.n - 1),
        `${outcome("WAIT")} WAIT, ${outcome("HIT")} HIT, ${outcome("MISS")} MISS, ${s.n - ok.length} errors`,
      ),
      overlap.check,
      singleFlightCheck(s),
      agreement("stampede", "stampede.evidence_agrees", fetches, s.persistedFetches, s.upstream),
    ],
    metrics: measured({
      "stampede.provider_fetch_count": fetches,
      "stampede.released_count": released,
      "stampede.overlap_instances_count": overlap.instances,
      "stampede.lock_waits_count": s.after.lock_waits - s.before.lock_waits,
      "stampede.upstream_count": s.upstream,
      "stampede.persisted_fetches_count": s.persistedFetches,
      "stampede.slowed_ms": s.slowedMs,
    }),
    notes: { "stampede.upstream": s.upstreamKind },
  };
};
