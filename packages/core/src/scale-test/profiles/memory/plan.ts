import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";
import { describeInForce, inForce, lineOf, type ThresholdsSet } from "../../thresholds/resolve.ts";
import type { LeakLines } from "./evidence.ts";

export const MEMORY_DEFAULT_MIN = 30;
/** The quick soak: long enough to catch a 2 MB/min leak (on or off the heap) that starts halfway. */
export const QUICK_SOAK_MS = 60_000;
/**
 * The same workload before the judged soak, not judged: a freshly booted instance's
 * post-GC heap climbs for its first minute of traffic (compiled code, lazily built
 * schemas and pools) and levels off; that is warm-up, not a leak.
 */
export const QUICK_WARMUP_MS = 20_000;
export const FULL_WARMUP_MS = 2 * 60_000;
/** The seed's cadence (bars every 10 s, a backtest every 60 s), 10x faster in quick mode. */
export const cadenceScale = (quick: boolean) => (quick ? 0.1 : 1);

/** The warm-up: in a full run it comes out of the duration asked for (30 min: 2 warm-up, 28 judged). */
export const warmupMsOf = (params: RunParams) =>
  params.quick
    ? QUICK_WARMUP_MS
    : Math.min(FULL_WARMUP_MS, ((params.durationMin ?? MEMORY_DEFAULT_MIN) * 60_000) / 5);
export const soakMsOf = (params: RunParams) =>
  params.quick
    ? QUICK_SOAK_MS
    : (params.durationMin ?? MEMORY_DEFAULT_MIN) * 60_000 - warmupMsOf(params);

/**
 * Seed 004's soak lines: FAIL when any 10-minute window grows faster than 50 MB/h (its
 * 95% lower bound above), PASS only when every window's upper bound is below 10 MB/h,
 * RISK in between; on the heap, off it, and in rss outside the V8 heap.
 *
 * rss is certified over spans instead (`spanCertified`): on a healthy cluster it climbs
 * about 4 MB over a soak's first 10-15 minutes and then stays flat (measured in the
 * 60-minute `pnpm soak` of 2026-11-27: i1 221.7 -> 224.6 -> 225.7 -> 226.0 MB at 0 / 10 /
 * 20 / 35 min, while V8's code space grew 8.3 -> 9.2 MB), so its first window read
 * +9 MB/h [5.4, 11.6] and a healthy run could never PASS. It PASSes when the whole soak
 * and its second half are certified below 10 MB/h, so is every window past the soak's
 * first third, and no window of that third shows growth above it; the power this keeps
 * is stated by core `memoryWarmup.test.ts`.
 */
export const SOAK_LEAK_LINES: LeakLines = {
  failAboveMbPerHour: 50,
  passBelowMbPerHour: 10,
  windowMs: 10 * 60_000,
  stepMs: 5 * 60_000,
  judged: ["heap", "off_heap", "rss"],
  spanCertified: ["rss"],
};

/**
 * The quick soak's line: one, at 60 MB/h (1 MB/min), half the smallest leak it claims to
 * catch (2 MB/min, on or off the heap): FAIL when a 30 s window's lower bound is above
 * it, else PASS. 60 s cannot resolve 10 MB/h, so it cannot certify slow growth (no RISK
 * tier: that is the 30-minute soak's). 30 s windows every 15 s: a leak that starts
 * halfway fills the last. rss is reported, not judged: outside the V8 heap it moves in
 * steps of megabytes (malloc arenas as worker threads start, freed memory reused) that
 * 30 s windows cannot tell from a leak.
 */
export const QUICK_LEAK_LINES: LeakLines = {
  failAboveMbPerHour: 60,
  passBelowMbPerHour: null,
  windowMs: 30_000,
  stepMs: 15_000,
  judged: ["heap", "off_heap"],
};

/** The run's lines: the k6 thresholds `memory.leak_mb_per_h` (FAIL) and `memory.leak_pass_mb_per_h` (PASS). */
export const leakLinesOf = (quick: boolean, thresholds?: ThresholdsSet): LeakLines => {
  const base = quick ? QUICK_LEAK_LINES : SOAK_LEAK_LINES;
  const fail = lineOf(inForce(thresholds, "memory.leak_mb_per_h", quick));
  const pass = lineOf(inForce(thresholds, "memory.leak_pass_mb_per_h", quick));
  return { ...base, failAboveMbPerHour: fail ?? base.failAboveMbPerHour, passBelowMbPerHour: pass };
};

/** `memory.leak_mb_per_h: value<=50 (default); memory.leak_pass_mb_per_h: value<10 (default)`. */
export const leakInForce = (thresholds: ThresholdsSet | undefined, quick: boolean): string =>
  (["memory.leak_mb_per_h", "memory.leak_pass_mb_per_h"] as const)
    .map((n) => `${n}: ${describeInForce(inForce(thresholds, n, quick))}`)
    .join("; ");

/** Heavy requests sent once shedding (or serving again) was seen: it is not a one-off. */
export const MORE_REQUESTS = 3;

/** Pressure step bounds: shedding must start, and stop after the release, within these. */
export const pressureWaitMs = (quick: boolean) => (quick ? 15_000 : 45_000);

export const memoryPlan = (params: RunParams): Plan => [
  { name: "setup", ms: 1_000 },
  { name: "warmup", ms: warmupMsOf(params) },
  { name: "soak", ms: soakMsOf(params) },
  // two sampling intervals, so the last samples have landed (10 s default, 1 s quick)
  { name: "collect", ms: params.quick ? 2_000 : 20_000 },
  { name: "pressure", ms: params.quick ? 8_000 : 20_000 },
  { name: "verdict", ms: 0 },
];
