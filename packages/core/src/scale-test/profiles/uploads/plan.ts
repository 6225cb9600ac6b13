import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";
import { setLineOf, type ThresholdsSet } from "../../thresholds/resolve.ts";
import type { RssPolicy } from "./evidence.ts";

export type { RssPolicy };

const MB = 1024 * 1024;
const S = 1_000;

/** Seed 004: 12 uploads of 100 MB at once; rss below 2 GB (FAIL above 3 GB); 50 uploads over 2 h. */
export const SEED_UPLOADS = {
  concurrent: 12,
  sizeMb: 100,
  quickSizeMb: 10,
  chunkMb: 4,
  failuresMax: 3,
  rssPassMb: 2_048,
  rssFailMb: 3_072,
  soakUploads: 50,
  quickSoakUploads: 12,
  soakMs: 2 * 3_600 * S,
  quickSoakMs: 60 * S,
  soakFailurePct: 5,
  soakTimeDriftPct: 20,
} as const;

/**
 * rss growth over the soak, in the memory profile's terms: seed 004's lines,
 * FAIL when a 10-minute window's 95% lower bound is above 50 MB/h, PASS when every
 * window's upper bound is below 10 MB/h, RISK between.
 */
export const SOAK_RSS_POLICY: RssPolicy = {
  by: "windows",
  failAbovePerHour: 50 * MB,
  passBelowPerHour: 10 * MB,
  windowMs: 10 * 60 * S,
  stepMs: 5 * 60 * S,
};

/**
 * The quick soak's line: 60 s cannot resolve 10 MB/h, and rss after a full GC steps by
 * 10-25 MB as the allocator keeps or returns the pages of 4 MB chunk buffers (measured on
 * the local cluster), so a 60 s interval straddles any line. The Theil-Sen slope over
 * the whole soak against one line at 2,400 MB/h (40 MB a minute): it catches an upload
 * path that keeps 3.5 MB or more of each 10 MB upload (12 a minute); the full soak's
 * windows catch slower leaks. The line sits above one healthy step: a 26 MB step in a
 * 54 s soak read 1,725 MB/h on a healthy instance in CI (and 1,367 MB/h once in 60 s),
 * so the earlier 1,200 MB/h line FAILed healthy runs.
 */
export const QUICK_SOAK_RSS_POLICY: RssPolicy = {
  by: "slope",
  failAbovePerHour: 2_400 * MB,
  passBelowPerHour: 2_400 * MB,
  windowMs: 60 * S,
  stepMs: 60 * S,
};

export interface UploadsSettings {
  readonly concurrent: number;
  /** Bytes per upload. */
  readonly size: number;
  readonly chunkBytes: number;
  readonly failuresMax: number;
  readonly rssPassMb: number;
  readonly rssFailMb: number;
  readonly soakUploads: number;
  readonly soakMs: number;
  readonly soakFailurePct: number;
  readonly soakTimeDriftPct: number;
  readonly rssPolicy: RssPolicy;
  /** Processing jobs must all have ended within this after the last finalize. */
  readonly processWaitMs: number;
}

/** `uploads.soak_failure_rate` `rate<=0.05` is `soakFailurePct: 5`; it wins over the field. */
const soakFailurePctOf = (t: ThresholdsSet | undefined) => {
  const rate = setLineOf(t, "uploads.soak_failure_rate");
  return rate === null ? null : Number((rate * 100).toPrecision(12));
};

/**
 * The seed's windows where two fit in the soak (20 minutes or more); a shorter full soak
 * (`durationMin` under 20, as CI's compressed run) is judged as the quick one is: its
 * windows could not resolve the seed's lines under rss steps of 10-25 MB.
 */
export const rssPolicyOf = (quick: boolean, soakMs: number): RssPolicy =>
  quick || soakMs < 2 * SOAK_RSS_POLICY.windowMs ? QUICK_SOAK_RSS_POLICY : SOAK_RSS_POLICY;

export const uploadsSettings = (params: RunParams): UploadsSettings => {
  const p = params.uploads ?? {};
  const q = params.quick;
  const soakMs =
    p.soakDurationS !== undefined
      ? p.soakDurationS * S
      : q
        ? SEED_UPLOADS.quickSoakMs
        : params.durationMin !== undefined
          ? params.durationMin * 60 * S
          : SEED_UPLOADS.soakMs;
  return {
    concurrent: p.concurrent ?? SEED_UPLOADS.concurrent,
    size: Math.round((p.sizeMb ?? (q ? SEED_UPLOADS.quickSizeMb : SEED_UPLOADS.sizeMb)) * MB),
    chunkBytes: Math.round((p.chunkMb ?? SEED_UPLOADS.chunkMb) * MB),
    failuresMax: p.failuresMax ?? SEED_UPLOADS.failuresMax,
    rssPassMb: p.rssPassMb ?? SEED_UPLOADS.rssPassMb,
    rssFailMb: p.rssFailMb ?? SEED_UPLOADS.rssFailMb,
    soakUploads: p.soakUploads ?? (q ? SEED_UPLOADS.quickSoakUploads : SEED_UPLOADS.soakUploads),
    soakMs,
    soakFailurePct:
      soakFailurePctOf(params.thresholds) ?? p.soakFailurePct ?? SEED_UPLOADS.soakFailurePct,
    soakTimeDriftPct: p.soakTimeDriftPct ?? SEED_UPLOADS.soakTimeDriftPct,
    rssPolicy: rssPolicyOf(q, soakMs),
    processWaitMs: q ? 60 * S : 10 * 60 * S,
  };
};

/** The seed's 2-hour soak and the concurrent burst before it. */
export const UPLOADS_DEFAULT_MIN = 125;

export const uploadsPlan = (params: RunParams): Plan => {
  const s = uploadsSettings(params);
  // ~50 MB/s through the balancer into Postgres, and the jobs re-reading every byte.
  const burstMs = Math.max(2 * S, (s.concurrent * s.size) / ((50 * MB) / S));
  return [
    { name: "setup", ms: 500 },
    { name: "concurrent", ms: burstMs },
    { name: "process", ms: burstMs },
    ...(s.soakUploads > 0 ? [{ name: "soak", ms: s.soakMs }] : []),
    { name: "verify", ms: 3 * S },
    { name: "verdict", ms: 0 },
  ];
};
