import type { LoadMix } from "./data.ts";

/** Seed 001's ladder and its per-level gates. */
export const SEED_LEVELS = [5, 10, 25, 50] as const;
export const SEED_ACHIEVED_PCT = [96, 95, 92, 90] as const;
export const SEED_P95_MS = [50, 75, 150, 300] as const;
export const SEED_ERROR_PASS_PCT = 0.1;
export const SEED_ERROR_FAIL_PCT = 1;
/** Seed 002's baseline, seed 001's sustained level. */
export const SEED_BASELINE = { rps: 1, p95Ms: 50 } as const;
export const SEED_SUSTAINED = { rps: 10, p95Ms: 100 } as const;

export const S = 1_000;
/** Full mode: 3 min levels, 30 s cooldowns, a 60 s baseline, 15 min sustained. */
export const FULL = { level: 180 * S, cooldown: 30 * S, baseline: 60 * S, sustained: 900 * S };
/** The seed's run, minutes: 1 min baseline, 4 x (3 min + 30 s), 15 min sustained, recovery. */
export const SEED_LOAD_MIN = 32;
/**
 * Full mode's durations for a run of `durationMin`: the seed's, each scaled by
 * durationMin / 32 (left out: the seed's), so a compressed run (3.2 min: 18 s levels,
 * 3 s cooldowns, a 90 s sustained level) keeps the seed's proportions.
 */
export const fullDurations = (durationMin: number | undefined): typeof FULL => {
  const k = (durationMin ?? SEED_LOAD_MIN) / SEED_LOAD_MIN;
  const scaled = (ms: number) => Math.round(ms * k);
  return {
    level: scaled(FULL.level),
    cooldown: scaled(FULL.cooldown),
    baseline: scaled(FULL.baseline),
    sustained: scaled(FULL.sustained),
  };
};
/** Quick mode: every level still runs, 10 s each, 3 s cooldowns, 20 s sustained. */
export const QUICK = { level: 10 * S, cooldown: 3 * S, baseline: 10 * S, sustained: 20 * S };

export const DEFAULT_MIX: LoadMix = { barsCached: 18, barsNew: 1, backtests: 1 };
export const CAPACITY_FACTOR = 1.5;
export const CAPACITY_MAX_RPS = 2_000;
export const CAPACITY_MAX_STEPS = 16;
/**
 * The runner offered the rate when it dropped nothing and handed 95 % of requests over
 * within this of their intended time. Latency counts from the intended time, so a late
 * runner would otherwise show up as a slow service.
 */
export const RUNNER_LAG_MS = 50;

/**
 * A level's seed gate when none is given: that of the highest seed level at or below its
 * rate (the first one's below 5 req/s), so a custom ladder is held to the seed's gates
 * by rate, not by position.
 */
export const seedGateAt = (rate: number) => {
  const i = Math.max(0, SEED_LEVELS.filter((r) => r <= rate).length - 1);
  return { achievedPct: SEED_ACHIEVED_PCT[i] ?? 90, p95Ms: SEED_P95_MS[i] ?? 300 };
};
