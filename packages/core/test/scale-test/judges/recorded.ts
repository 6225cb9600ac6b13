import type { ExecutionEvent, JobRecord } from "../../../src/jobs/events.ts";
import type {
  Answer,
  MemoryPoint,
  RunCounters,
  TargetResponse,
} from "../../../src/scale-test/data.ts";
import type {
  CacheEvidence,
  CacheRequest,
} from "../../../src/scale-test/profiles/cache/evidence.ts";
import type { JobsEvidence, Wave } from "../../../src/scale-test/profiles/jobs/evidence.ts";
import { healthyPoint } from "../../../src/scale-test/testing/memory.ts";

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

/** A 10-minute cache run: warm-up, 5 hits, a 10-way stampede, cross-instance, ~590 s of sustain. */
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
    },
    expectedInstances: 2,
    requests,
    countersAfterWarmup: counters(0, 1, 1),
    countersAtEnd: counters(hits, 2, 2, 9),
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

const MB = 1024 * 1024;

/**
 * A 30-minute soak on two instances sampled every 10 s; `leak` adds old-generation
 * growth (MB/min) to one instance from a given minute on.
 */
export const soakSamples = (
  leak?: { instance: string; fromMin: number; mbPerMin: number },
  minutes = 30,
): MemoryPoint[] =>
  ["i1", "i2"].flatMap((instanceId) =>
    Array.from({ length: (minutes * 60) / 10 + 1 }, (_, k) => {
      const at = 1_000_000 + k * 10_000;
      const p = healthyPoint(instanceId, k, at);
      const leakingMin = leak && leak.instance === instanceId ? k / 6 - leak.fromMin : 0;
      return leakingMin > 0 && leak
        ? { ...p, oldGenUsed: p.oldGenUsed + leakingMin * leak.mbPerMin * MB }
        : p;
    }),
  );

/** The soak's workload: bars every second from two readers, answered fast. */
export const soakAnswers = (minutes = 30): Answer[] =>
  Array.from({ length: minutes * 60 * 2 }, (_, i) => ok({ durationMs: 3 + (i % 11) }));
