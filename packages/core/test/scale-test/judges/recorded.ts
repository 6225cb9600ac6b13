import type { ExecutionEvent, JobRecord } from "../../../src/jobs/events.ts";
import type {
  Answer,
  BarsTiming,
  RunCounters,
  TargetResponse,
} from "../../../src/scale-test/data.ts";
import type {
  CacheEvidence,
  CacheRequest,
  TakeoverEvidence,
} from "../../../src/scale-test/profiles/cache/evidence.ts";
import type { JobsEvidence, Wave } from "../../../src/scale-test/profiles/jobs/evidence.ts";

/**
 * Evidence shaped like full-mode (seed-length) runs recorded from a healthy 2-instance
 * cluster, built programmatically so each test can break one property.
 */

const response = (over: Partial<TargetResponse> = {}): TargetResponse => ({
  status: 200,
  cache: "HIT",
  cacheKey: "bars:A",
  instanceId: "i1",
  bootId: "b1",
  version: "1",
  bytes: 1200,
  durationMs: 4,
  errorCode: null,
  ...over,
});
const ok = (over: Partial<TargetResponse> = {}): Answer => ({
  _tag: "Answered",
  response: response(over),
});

const counters = (hit: number, miss: number, fetch: number, waits = 0): RunCounters => ({
  cache_hit: hit,
  cache_miss: miss,
  provider_fetch: fetch,
  lock_waits: waits,
});

/** One persisted request as its instance timed it. */
export const timing = (
  instanceId: string,
  releasedBy: BarsTiming["releasedBy"],
  startedAt: number,
  finishedAt: number,
  fill?: { fetchStartedAt: number; filledAt: number; takeover?: boolean },
): BarsTiming => ({
  instanceId,
  bootId: `${instanceId}-b`,
  outcome: releasedBy === "fetch" ? "MISS" : releasedBy === "hit" ? "HIT" : "WAIT",
  releasedBy,
  providerFetch: releasedBy === "fetch",
  takeover: fill?.takeover ?? false,
  startedAt,
  finishedAt,
  fetchStartedAt: fill?.fetchStartedAt ?? null,
  filledAt: fill?.filledAt ?? null,
});

/**
 * The stampede's timeline: i1's request fetched (its fill sent 150 ms in), i1's other 5
 * shared it (single-flight), i2's first request waited on the lease and was woken by the
 * fill, its other 3 shared that one.
 */
export const stampedeTimeline = (t0 = 100_000): BarsTiming[] => [
  timing("i1", "fetch", t0, t0 + 152, { fetchStartedAt: t0 + 2, filledAt: t0 + 150 }),
  ...Array.from({ length: 5 }, (_, i) => timing("i1", "single-flight", t0 + 1 + i, t0 + 152)),
  timing("i2", "wake", t0 + 1, t0 + 151),
  ...Array.from({ length: 3 }, (_, i) => timing("i2", "single-flight", t0 + 2 + i, t0 + 151)),
];

/**
 * The takeover: i2 took key C's lease and died after its fetch (counted, never
 * persisted); 10 waiters on i1 (one leader, 9 sharing it) and i2's own request, retried
 * there by the balancer; the leader took the lease over when it expired.
 */
export const takeoverRun = (before: RunCounters, t0 = 200_000): TakeoverEvidence => {
  const fill = { fetchStartedAt: t0 + 5_100, filledAt: t0 + 5_250, takeover: true };
  return {
    notRun: null,
    victim: "i2",
    victimBoot: "i2-b",
    victimAnswer: ok({ cache: "WAIT", cacheKey: "bars:C", instanceId: "i1" }),
    waiters: Array.from({ length: 10 }, (_, i) =>
      ok({ cache: i ? "WAIT" : "MISS", cacheKey: "bars:C", durationMs: 5_250 }),
    ),
    before,
    after: {
      cache_hit: before.cache_hit + 10,
      cache_miss: before.cache_miss + 1,
      provider_fetch: before.provider_fetch + 2,
      lock_waits: before.lock_waits + 10,
    },
    upstream: 2,
    timeline: [
      timing("i1", "fetch", t0 + 10, t0 + 5_252, fill),
      ...Array.from({ length: 9 }, (_, i) =>
        timing("i1", "single-flight", t0 + 11 + i, t0 + 5_252),
      ),
      timing("i1", "single-flight", t0 + 1_600, t0 + 5_252),
    ],
    restartedBoot: "i2-b2",
  };
};

/** A 10-minute cache run: warm-up, 5 hits, a 10-way stampede, a takeover, cross-instance, ~590 s of sustain. */
export const cacheRun = (sustainTicks = 590): CacheEvidence => {
  const inst = (i: number) => `i${(i % 2) + 1}`;
  const warm = response({ cache: "MISS", durationMs: 180 });
  const requests: CacheRequest[] = [
    { key: "A", step: "warmup", answer: { _tag: "Answered", response: warm } },
    ...Array.from({ length: 5 }, (): CacheRequest => ({ key: "A", step: "hit", answer: ok() })),
    {
      key: "B",
      step: "stampede",
      answer: ok({ cache: "MISS", cacheKey: "bars:B", durationMs: 150 }),
    },
    ...Array.from(
      { length: 9 },
      (_, i): CacheRequest => ({
        key: "B",
        step: "stampede",
        answer: ok({ cache: "WAIT", cacheKey: "bars:B", instanceId: inst(i), durationMs: 150 }),
      }),
    ),
    ...Array.from(
      { length: 8 },
      (_, i): CacheRequest => ({
        key: i < 4 ? "A" : "B",
        step: "cross-instance",
        answer: ok({ instanceId: inst(i) }),
      }),
    ),
    ...Array.from(
      { length: sustainTicks * 2 },
      (_, i): CacheRequest => ({
        key: i % 2 ? "B" : "A",
        step: "sustain",
        answer: ok({ instanceId: inst(i >> 1), durationMs: 2 + (i % 7) }),
      }),
    ),
  ];
  const hits = requests.length - 2;
  const takeover = takeoverRun(counters(14, 2, 2, 9));
  return {
    range: { start: "2013-10-02T00:00:00.000Z", end: "2013-10-11T21:15:00.000Z" },
    faultsActive: [],
    warm,
    storedBytes: 1200,
    pin: "i1",
    stampede: {
      n: 10,
      before: counters(5, 1, 1),
      after: counters(14, 2, 2, 9),
      burst: requests.filter((r) => r.step === "stampede").map((r) => r.answer),
      persistedFetches: 1,
      upstream: 1,
      upstreamKind: "replay",
      slowedMs: 1500,
      timeline: stampedeTimeline(),
    },
    takeover,
    expectedInstances: 2,
    requests,
    countersAfterWarmup: counters(0, 1, 1),
    countersAtEnd: counters(hits + 10, 3, 4, 19),
    persistedFetches: 2,
    upstreamTotal: 2,
  };
};

const start = (
  jobId: string,
  at: number,
  instanceId: string,
  attempt = 1,
  prev?: number,
): ExecutionEvent => ({
  jobId,
  attempt,
  kind: "start",
  at,
  instanceId,
  bootId: `${instanceId}-b`,
  ...(prev === undefined ? {} : { previousLeaseExpiresAt: prev }),
});
const end = (
  kind: ExecutionEvent["kind"],
  jobId: string,
  at: number,
  instanceId: string,
  attempt = 1,
) => ({
  ...start(jobId, at, instanceId, attempt),
  kind,
});

/**
 * A 15-minute jobs run: 14 waves of 20 backtests a minute apart (280 jobs), each run once
 * on alternating instances; with `crashInWave`, that wave's first job's attempt died on
 * i1 and was retried on i2 after its lease expired, and i1 came back with a new boot.
 */
export const jobsRun = (
  opts: { waves?: number; perWave?: number; crashInWave?: number } = {},
): JobsEvidence => {
  const waves = opts.waves ?? 14;
  const perWave = opts.perWave ?? 20;
  const ids = (w: number) => Array.from({ length: perWave }, (_, i) => String(w * perWave + i + 1));
  const jobs: JobRecord[] = [];
  const events: ExecutionEvent[] = [];
  for (let w = 0; w < waves; w++) {
    ids(w).forEach((id, i) => {
      const t = w * 60_000 + i * 500;
      const on = `i${(i % 2) + 1}`;
      if (w === opts.crashInWave && i === 0) {
        events.push(start(id, t, "i1"), start(id, t + 3_000, "i2", 2, t + 2_000));
        events.push(end("finish", id, t + 3_400, "i2", 2));
        jobs.push({ id, status: "completed", attemptCount: 2 });
      } else {
        events.push(start(id, t, on), end("finish", id, t + 400, on));
        jobs.push({ id, status: "completed", attemptCount: 1 });
      }
    });
  }
  const crashed = opts.crashInWave !== undefined;
  return {
    range: { start: "2013-10-11T00:00:00.000Z", end: "2013-10-11T21:15:00.000Z" },
    armed: crashed ? ["crash"] : [],
    notArmed: [],
    jobsPerWave: perWave,
    waves: Array.from({ length: waves }, (_, w): Wave => ({ accepted: ids(w), refused: [] })),
    ended: jobs.length,
    history: { jobs, events },
    restart: crashed ? { instanceId: "i1", crashedBoot: "i1-b", seenBoot: "i1-b2" } : null,
  };
};
