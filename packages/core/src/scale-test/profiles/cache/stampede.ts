import { Effect } from "effect";
import { responsesOf } from "../../answers.ts";
import type { BarsRange } from "../../data.ts";
import { Evidence } from "../../services/evidence.ts";
import type { StampedeEvidence } from "./evidence.ts";
import type { RequestLog } from "./requests.ts";

/** N concurrent requests for key B, nobody has it cached: the counters, events and upstream around it. */
export const stampedeStep = Effect.fn("cacheProfile.stampede")(function* (
  log: RequestLog,
  range: BarsRange,
  forgottenKey: string,
  upstreamBefore: number | null,
  n: number,
) {
  const evidence = yield* Evidence;
  const before = yield* evidence.runCounters;
  const burst = yield* Effect.forEach(
    Array.from({ length: n }, (_, i) => i),
    () => log.send("stampede", range, "B"),
    { concurrency: "unbounded" },
  );
  const after = yield* evidence.runCounters;
  const cacheKey = responsesOf(burst).find((r) => r.cacheKey)?.cacheKey ?? forgottenKey;
  const persisted = yield* evidence.barsEvents(cacheKey, n);
  const upstreamNow = yield* evidence.upstreamFetches(range);
  const stampede: StampedeEvidence = {
    n,
    before,
    after,
    burst,
    persistedFetches: persisted.providerFetches,
    upstream: upstreamNow === null || upstreamBefore === null ? null : upstreamNow - upstreamBefore,
  };
  return { stampede, cacheKey };
});
