import { z } from "zod";
import { metrics, notes, readings, series } from "./metrics/schema.ts";
import { dbGatesInput } from "./profiles/db/gates.ts";
import { ingestParams } from "./profiles/ingest/params.ts";
import { loadParams } from "./profiles/load/params.ts";
import { uploadsParams } from "./profiles/uploads/params.ts";
import { restartsParam } from "./restarts.ts";
import { thresholdsInput } from "./thresholds/schema.ts";
import { runEvidence } from "./verdict/schema.ts";

/** The scale-test wire shapes: API validation, CLI and UI types, the versioned JSON export. */
/** Profiles a run can ask for. Later profiles add their name here and to the registry. */
export const PROFILE_NAMES = [
  "cache",
  "jobs",
  "memory",
  "full",
  "load",
  "db",
  "streams",
  "ingest",
  "uploads",
] as const;
export const profileName = z.enum(PROFILE_NAMES);
export type ProfileName = z.infer<typeof profileName>;

const isoInstant = z.iso.datetime({ offset: true });

export const runRange = z
  .strictObject({ start: isoInstant, end: isoInstant })
  .refine((r) => Date.parse(r.start) < Date.parse(r.end), {
    message: "start must be before end",
    path: ["end"],
  });

/**
 * What a caller may set when starting a run. Omitted fields take the documented
 * defaults below; unknown fields are refused (a typo must not run a different test).
 */
export const runInput = z.strictObject({
  profile: profileName,
  /** CI-sized: every step runs, with the shortest durations and counts that still prove it. */
  quick: z.boolean().default(false),
  /** Wall-clock budget; defaults to the profile's seed duration (cache: 10, jobs: 15, memory: 30, full: 60). */
  durationMin: z.number().positive().max(240).optional(),
  /** Futures root (ES, NQ), continuous (ES.c.0) or contract (ESZ3). */
  symbol: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{1,3}([.][cnvCNV][.]\d{1,2}|[FGHJKMNQUVXZ]\d{1,2})?$/, "not a futures symbol")
    .default("ES"),
  tf: z.enum(["1m", "5m"]).default("1m"),
  /** Ranges to request; default: the last 7 trading days the provider has. */
  ranges: z.array(runRange).min(1).max(4).optional(),
  /** Concurrent requests in the stampede step (the seed's 10). */
  concurrency: z.number().int().min(2).max(200).default(10),
  /** Jobs profile: backtests enqueued at once (per wave in a full run). */
  jobs: z.number().int().min(1).max(500).default(20),
  /** Jobs profile: kill the instance running one job mid-job (needs fault injection enabled). */
  crash: z.boolean().default(true),
  /** Jobs profile: make one worker a zombie (no heartbeats, late completion). */
  stall: z.boolean().default(false),
  restarts: restartsParam.optional(),
  /** Load profile: ladder, durations, gates, capacity search, mix and zones (seed defaults when left out). */
  load: loadParams.optional(),
  /** Database gates (db profile; the connection margin applies to every preflight): seed defaults when left out. */
  db: dbGatesInput.optional(),
  /** Ingest profile: ladder, level length, gates, flush-lag and buffer bounds, the crash (seed 001 defaults when left out). */
  ingest: ingestParams.optional(),
  /** Uploads profile: sizes, failure and rss lines, the soak and its gates (seed 004 defaults when left out). */
  uploads: uploadsParams.optional(),
  /** k6 thresholds, metric -> expressions (`{"cache.hit_rate": ["rate>=0.95"]}`): they override the gates above. */
  thresholds: thresholdsInput.optional(),
});
export type RunInput = z.input<typeof runInput>;
export type RunParams = z.output<typeof runInput>;

export const RUN_STATUSES = ["queued", "running", "passed", "failed", "aborted"] as const;
export const runStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatus>;

/** A run in one of these states has ended and will not change again. */
export const isTerminal = (status: string): boolean =>
  status === "passed" || status === "failed" || status === "aborted";

/** `{runId}`, the input of every per-run procedure. */
export const runIdInput = z.strictObject({
  runId: z.string().regex(/^run_[0-9a-z_]{1,60}$/, "not a run id"),
});

export const checkValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/**
 * Three-tier checks (DESIGN section 9): `risk` sits between a check's PASS and FAIL lines
 * (a 10-50 MB/h leak in a 30-minute soak), or its evidence cannot tell which side it is on.
 */
export const checkZone = z.enum(["pass", "risk", "fail"]);
export type CheckZone = z.infer<typeof checkZone>;

/** One criterion, with what was expected next to what was measured. */
export const check = z.object({
  name: z.string(),
  step: z.string(),
  expected: z.string(),
  actual: checkValue,
  /** True only in the pass zone: a reader that knows nothing of zones never takes a RISK for a PASS. */
  pass: z.boolean(),
  /** Absent on two-tier checks (and in older exports): then `pass` ? pass : fail. */
  zone: checkZone.optional(),
  detail: z.string().optional(),
});
export type Check = z.infer<typeof check>;

export type { Metrics, Notes, Reading, Readings, Series } from "./metrics/schema.ts";

/** FAIL if any check fails, else RISK if any check is at risk, else PASS. */
export const verdict = z.enum(["PASS", "RISK", "FAIL"]);
export type Verdict = z.infer<typeof verdict>;

/** Where a run stands in time, from its plan (steps weighted by planned time); `stepProgress`
 * is null for a step planned at 0 ms; `progress` in the run view is the same as a fraction. */
export const runTiming = z.object({
  plannedMs: z.number().nonnegative(),
  elapsedMs: z.number().nonnegative().nullable(),
  remainingMs: z.number().nonnegative(),
  stepProgress: z.number().min(0).max(1).nullable(),
});
export type RunTiming = z.infer<typeof runTiming>;
/** A run as status/results/list answer it (any instance, from Postgres). */
export const runView = z.object({
  id: z.string(),
  profile: profileName,
  params: z.record(z.string(), z.unknown()),
  status: runStatus,
  verdict: verdict.nullable(),
  progress: z.number().min(0).max(1),
  currentStep: z.string().nullable(),
  /** Added in the time-weighted progress: absent from older answers. */
  timing: runTiming.optional(),
  checks: z.array(check),
  /** The live record: metrics, notes and series as published (`splitReadings` tells them apart). */
  metrics: readings,
  reason: z.string().nullable(),
  targetUrl: z.string(),
  runner: z.object({ instanceId: z.string(), bootId: z.string() }),
  leaseExpiresAt: z.string().nullable(),
  cancelRequested: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type RunView = z.infer<typeof runView>;
/** v2: `metrics` are numbers with units in their keys; sentences are `notes`, charts `series`. */
export const EXPORT_SCHEMA_VERSION = "scaleproof.run/v2" as const;

/** The exported JSON document: everything needed to judge a run without the database. */
export const runExport = z.object({
  schemaVersion: z.literal(EXPORT_SCHEMA_VERSION),
  exportedAt: z.string(),
  run: z.object({
    id: z.string(),
    profile: profileName,
    status: runStatus,
    verdict: verdict.nullable(),
    reason: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
  parameters: z.record(z.string(), z.unknown()),
  environment: z.object({
    targetUrl: z.string(),
    provider: z.string(),
    runner: z.object({ instanceId: z.string(), bootId: z.string(), version: z.string() }),
    instancesSeen: z.array(
      z.object({
        instanceId: z.string(),
        bootIds: z.array(z.string()),
        versions: z.array(z.string()),
        requests: z.number().int(),
      }),
    ),
  }),
  checks: z.array(check),
  metrics,
  notes,
  series,
  events: z.object({
    total: z.number().int(),
    byKind: z.record(z.string(), z.number().int()),
    byStep: z.record(z.string(), z.number().int()),
  }),
  /**
   * The evidence the profile's pure judges computed `checks` from (for the full profile,
   * each part's): `scaleproof judge` re-computes the verdict from it alone. Null for a run
   * that ended without a verdict (aborted); absent from exports made before it existed.
   */
  evidence: runEvidence.nullable().optional(),
});
export type RunExport = z.infer<typeof runExport>;
