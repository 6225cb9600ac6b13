import { z } from "zod";
import type { LoadEvidence } from "./evidence.ts";
import { SIGNALS } from "./zones.ts";

const n = z.number();
const counts = z.record(z.string(), n);

const plannedLevel = z.object({
  name: z.string(),
  kind: z.enum(["baseline", "ladder", "sustained", "recovery", "capacity"]),
  rate: n,
  durationMs: n,
  cooldownMs: n,
  gate: z.object({ achievedPct: n, p95Ms: n, errorPassPct: n, errorFailPct: n }),
});

const levelMeasure = z.object({
  startedAt: n,
  endedAt: n,
  offeredRate: n,
  durationMs: n,
  elapsedMs: n,
  aborted: z.boolean(),
  timeoutMs: n,
  counts: z.object({
    scheduled: n,
    dropped: n,
    sent: n,
    answered: n,
    failed: n,
    shed: n,
    timedOut: n,
    inFlight: n,
  }),
  achievedRate: n,
  latencyMs: z.object({ count: n, p50: n, p90: n, p95: n, p99: n, max: n, mean: n }),
  scheduleLagMs: z.object({ p50: n, p95: n, p99: n, max: n }),
  histogram: z.string(),
  statuses: counts,
  shedCodes: counts,
  errors: counts,
  byInstance: z.record(
    z.string(),
    z.object({ bootIds: z.array(z.string()), answered: n, failed: n, shed: n }),
  ),
});

const resourcePoint = z.object({
  instanceId: z.string(),
  bootId: z.string(),
  at: n,
  cpuPct: n.nullable(),
  rss: n,
  memoryLimit: n.nullable(),
  heapUsed: n,
  heapLimit: n,
  postGcHeap: n.nullable(),
  eventLoopP99Ms: n.nullable(),
  shedding: z.boolean(),
});

const queueProbe = z.object({
  instanceId: z.string(),
  bootId: z.string().nullable(),
  at: n,
  requestsInFlight: n.nullable(),
  dbWaiting: n.nullable(),
  jobsActive: n.nullable(),
});

const bounds = z.object({ risk: n, fail: n });

/** The load profile's evidence as JSON (see `LoadEvidence`): every level as measured. */
export const loadEvidence: z.ZodType<LoadEvidence> = z.object({
  warm: z.object({
    asked: n,
    answered: n,
    instances: z.array(z.string()),
    problems: z.array(z.string()),
  }),
  levels: z.array(
    z.object({
      level: plannedLevel,
      measure: levelMeasure,
      resources: z.array(resourcePoint),
      probes: z.array(queueProbe),
    }),
  ),
  zones: z.object(
    Object.fromEntries(SIGNALS.map((s) => [s, bounds])) as Record<
      (typeof SIGNALS)[number],
      typeof bounds
    >,
  ),
  runnerLagMs: n,
  capacity: z.object({ searched: z.boolean(), maxRate: n, note: z.string().nullable() }).nullable(),
  scaleOutIn: z
    .object({
      added: z.string().nullable(),
      addedAt: n.nullable(),
      stopped: z.string().nullable(),
      stoppedAt: n.nullable(),
      error: z.string().nullable(),
      stoppedAttempts: z.array(z.object({ jobId: z.string(), attempt: n, outcome: z.string() })),
      duplicates: n,
      overlaps: n,
      hold: z
        .object({
          jobs: z.array(z.string()),
          slowed: z.boolean(),
          activeAtStop: n.nullable(),
          waitedMs: n,
        })
        .optional(),
      settle: z
        .object({
          jobs: n,
          lost: z.array(z.string()),
          waitedMs: n,
          acked: n.nullable().optional(),
        })
        .optional(),
      fetches: z
        .object({
          keys: n,
          persisted: n,
          upstream: n.nullable(),
          redis: n.nullable().optional(),
          waitedMs: n.optional(),
          off: z.array(z.object({ key: z.string(), persisted: n, upstream: n.nullable() })),
        })
        .optional(),
    })
    .nullable()
    .optional(),
});
