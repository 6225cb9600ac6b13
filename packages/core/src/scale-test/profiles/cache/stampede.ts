import { Effect } from "effect";
import { responsesOf } from "../../answers.ts";
import type { BarsRange } from "../../data.ts";
import { Evidence } from "../../services/evidence.ts";
import type { StampedeEvidence } from "./evidence.ts";
import { OVERLAP_LATENCY_MS } from "./plan.ts";
import type { RequestLog } from "./requests.ts";

/**
 * N concurrent requests for key B, nobody has it cached: the counters, the upstream's
 * count and every request's persisted timing around it. With the replay upstream the
 * key's fetch is slowed while the burst is in flight, so the requests reach every
 * instance before the fill; against a real provider the overlap is only measured.
 */
export const stampedeStep = Effect.fn("cacheProfile.stampede")(function* (
  log: RequestLog,
  range: BarsRange,
  forgottenKey: string,
  upstreamBefore: number | null,
  n: number,
) {
  const evidence = yield* Evidence;
  const before = yield* evidence.runCounters;
  const { slowed, burst } = yield* Effect.scoped(
    Effect.gen(function* () {
      const slowed = yield* evidence.slowFetches(range, OVERLAP_LATENCY_MS);
      const burst = yield* Effect.forEach(
        Array.from({ length: n }, (_, i) => i),
        () => log.send("stampede", range, "B"),
        { concurrency: "unbounded" },
      );
      return { slowed, burst };
    }),
  );
  const after = yield* evidence.runCounters;
  const cacheKey = responsesOf(burst).find((r) => r.cacheKey)?.cacheKey ?? forgottenKey;
  const timeline = yield* evidence.barsTimeline(cacheKey, n);
  const upstreamNow = yield* evidence.upstreamFetches(range);
  const stampede: StampedeEvidence = {
    n,
    before,
    after,
    burst,
    persistedFetches: timeline.filter((t) => t.providerFetch).length,
    upstream: upstreamNow === null || upstreamBefore === null ? null : upstreamNow - upstreamBefore,
    upstreamKind: evidence.upstream,
    slowedMs: slowed ? OVERLAP_LATENCY_MS : null,
    timeline,
  };
  return { stampede, cacheKey };
});
