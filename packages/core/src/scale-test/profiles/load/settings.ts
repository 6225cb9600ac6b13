import type { RunParams } from "../../schema.ts";
import type { Gate, LoadMix, PlannedLevel } from "./data.ts";
import {
  CAPACITY_FACTOR,
  CAPACITY_MAX_RPS,
  CAPACITY_MAX_STEPS,
  DEFAULT_MIX,
  fullDurations,
  QUICK,
  RUNNER_LAG_MS,
  S,
  SEED_BASELINE,
  SEED_LEVELS,
  SEED_SUSTAINED,
  seedGateAt,
} from "./defaults.ts";
import type { LoadParams } from "./params.ts";
import { errorGatesOf, p95LineOf } from "./thresholds.ts";
import { SEED_ZONES, type ZoneBounds } from "./zones.ts";

export interface CapacitySearch {
  /** Rates to try in order (x1.5 each), until one fails; null start: decided after the ladder. */
  readonly rates: readonly number[];
  readonly explicitStart: boolean;
  readonly maxRate: number;
  readonly durationMs: number;
  readonly cooldownMs: number;
  readonly gate: Gate;
}

export interface LoadSettings {
  readonly quick: boolean;
  readonly mix: LoadMix;
  readonly baseline: PlannedLevel;
  readonly ladder: readonly PlannedLevel[];
  readonly sustained: PlannedLevel;
  readonly recovery: PlannedLevel;
  readonly capacity: CapacitySearch | null;
  readonly zones: ZoneBounds;
  readonly runnerLagMs: number;
  /** How often queue gauges are read and progress reported during a level. */
  readonly probeEveryMs: number;
}

/** `5rps`, `7.5rps` */
export const rateName = (rate: number) => `${Number(rate.toFixed(2))}rps`;

const at = <T>(values: readonly T[], i: number, fallback: T): T =>
  values.length === 1 ? (values[0] ?? fallback) : (values[i] ?? fallback);

/** x1.5 steps from `start` up to `max` (whole req/s above 10), at most 16. */
export const capacityRates = (start: number, max: number): number[] => {
  const out: number[] = [];
  for (let r = start; r <= max && out.length < CAPACITY_MAX_STEPS; ) {
    out.push(r);
    const next = r * CAPACITY_FACTOR;
    r = next >= 10 ? Math.round(next) : Number(next.toFixed(2));
  }
  return out;
};

/** The run's params with every default filled in (seed values; quick durations in quick mode). */
export const loadSettings = (params: RunParams): LoadSettings => {
  const p: LoadParams = params.load ?? {};
  const d = params.quick ? QUICK : fullDurations(params.durationMin);
  const ms = (s: number | undefined, fallback: number) => (s === undefined ? fallback : s * S);
  const levelMs = ms(p.levelDurationS, d.level);
  const cooldownMs = ms(p.cooldownS, d.cooldown);
  const errors = errorGatesOf(p, params.thresholds);
  const p95Line = p95LineOf(params.thresholds);
  const rates = p.levels ?? [...SEED_LEVELS];
  const ladder = rates.map(
    (rate, i): PlannedLevel => ({
      name: rateName(rate),
      kind: "ladder",
      rate,
      durationMs: levelMs,
      cooldownMs,
      gate: {
        achievedPct:
          p.achievedPct === undefined ? seedGateAt(rate).achievedPct : at(p.achievedPct, i, 90),
        p95Ms: p95Line ?? (p.p95Ms === undefined ? seedGateAt(rate).p95Ms : at(p.p95Ms, i, 300)),
        ...errors,
      },
    }),
  );
  const first = ladder[0]?.gate ?? { achievedPct: 96, p95Ms: 50, ...errors };
  const top = ladder[ladder.length - 1]?.gate ?? first;
  const baselineRps = p.baselineRps ?? SEED_BASELINE.rps;
  const baselineGate = { ...first, p95Ms: p.baselineP95Ms ?? SEED_BASELINE.p95Ms };
  const sustainedRps = p.sustainedRps ?? SEED_SUSTAINED.rps;
  // the achieved gate of the ladder level at (or just below) the sustained rate
  const near = [...ladder].reverse().find((l) => l.rate <= sustainedRps) ?? ladder[0];
  const sustainedMs = ms(p.sustainedDurationS, d.sustained);
  const baselineMs = ms(p.baselineDurationS, d.baseline);
  const capacityStart = p.capacityStartRps ?? (rates[rates.length - 1] ?? 50) * CAPACITY_FACTOR;
  const maxRate = p.capacityMaxRps ?? CAPACITY_MAX_RPS;
  return {
    quick: params.quick,
    mix: p.mix ?? DEFAULT_MIX,
    baseline: {
      name: "baseline",
      kind: "baseline",
      rate: baselineRps,
      durationMs: baselineMs,
      cooldownMs,
      gate: baselineGate,
    },
    ladder,
    sustained: {
      name: "sustained",
      kind: "sustained",
      rate: sustainedRps,
      durationMs: sustainedMs,
      cooldownMs,
      gate: {
        ...(near?.gate ?? first),
        p95Ms: p.sustainedP95Ms ?? SEED_SUSTAINED.p95Ms,
      },
    },
    recovery: {
      name: "recovery",
      kind: "recovery",
      rate: baselineRps,
      durationMs: baselineMs,
      // then two sampling intervals, so its last samples have landed before it is judged
      cooldownMs: params.quick ? 2_000 : 20_000,
      gate: baselineGate,
    },
    capacity: p.findCapacity
      ? {
          rates: capacityRates(capacityStart, maxRate),
          explicitStart: p.capacityStartRps !== undefined,
          maxRate,
          durationMs: levelMs,
          cooldownMs,
          gate: top,
        }
      : null,
    zones: {
      ...SEED_ZONES,
      ...zoneOverrides(p),
      errors: { risk: errors.errorPassPct, fail: errors.errorFailPct },
    },
    runnerLagMs: p.runnerLagMs ?? RUNNER_LAG_MS,
    probeEveryMs: params.quick ? 1_000 : 5_000,
  };
};

const zoneOverrides = (p: LoadParams): Partial<ZoneBounds> => {
  const z = p.zones ?? {};
  const pick = (b: readonly [number, number] | undefined) =>
    b === undefined ? undefined : { risk: b[0], fail: b[1] };
  const entries = {
    cpu: pick(z.cpuPct),
    memory: pick(z.memoryPct),
    p95: pick(z.p95Ms),
    eventLoop: pick(z.eventLoopP99Ms),
    requestsInFlight: pick(z.requestsInFlight),
    dbWaiting: pick(z.dbWaiting),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
};

/** The levels every run measures, in order (capacity levels come after, if searched). */
export const gatedLevels = (s: LoadSettings): readonly PlannedLevel[] => [
  s.baseline,
  ...s.ladder,
  s.sustained,
  s.recovery,
];

/** The pause after a level, as a step: `5rps.cooldown`; after the recovery level, `collect`. */
export const cooldownStep = (level: PlannedLevel) =>
  level.kind === "recovery" ? "collect" : `${level.name}.cooldown`;

/** A capacity level at `rate`, with the ladder's top gate. */
export const capacityLevel = (c: CapacitySearch, rate: number): PlannedLevel => ({
  name: `capacity-${rateName(rate)}`,
  kind: "capacity",
  rate,
  durationMs: c.durationMs,
  cooldownMs: c.cooldownMs,
  gate: c.gate,
});
