import { round } from "../../stats.ts";
import type { LevelKind } from "./data.ts";
import type { LevelVerdict } from "./gates.ts";
import type { Zone } from "./zones.ts";

/** What capacity is computed from: each level's rate, gate verdict, latency and zones. */
export interface CapacityPoint {
  readonly name: string;
  readonly kind: LevelKind;
  readonly rate: number;
  readonly verdict: LevelVerdict;
  readonly failed: readonly string[];
  readonly p95Ms: number | null;
  readonly achievedPct: number;
  /** Worst zone over the signals judged at this level; null when none was. */
  readonly zone: Zone | null;
  readonly instances: number;
}

export interface Capacity {
  /** Highest rate at which every level at or below it passed its gates; null: the lowest failed. */
  readonly clusterRps: number | null;
  /** What ended the climb: the service failing a gate, the runner, or nothing (no level failed). */
  readonly limitedBy: "service" | "runner" | "none";
  readonly firstFailure: {
    readonly level: string;
    readonly rate: number;
    readonly why: string;
  } | null;
  /** The last rate before latency or throughput bends (see `KNEE`). */
  readonly kneeRps: number | null;
  readonly kneeWhy: string | null;
  /** Highest rate at which every level at or below it was STABLE in every judged signal. */
  readonly stableRps: number | null;
  readonly instances: number;
  /** min(capacity, knee, stable) per instance: where to add the next instance. */
  readonly scaleOutAboveRps: number | null;
  readonly statement: string;
}

/**
 * The knee: the first level where latency starts to climb, p95 above twice the lowest
 * level's and at least 20 ms above it, or where throughput stops following the offered
 * rate, achieved below 95 % of offered. The knee rate is the last one before it: up to
 * there, more traffic costs almost nothing; past it every request waits longer.
 */
export const KNEE = { p95Factor: 2, p95MinRiseMs: 20, achievedPct: 95 } as const;

const fmt = (n: number) => String(round(n, 1));

/** Highest rate r such that `ok` holds for every point at or below r (ascending rates). */
const highestPrefix = (points: readonly CapacityPoint[], ok: (p: CapacityPoint) => boolean) => {
  let best: number | null = null;
  for (const p of points) {
    if (!ok(p)) return { rate: best, stop: p };
    if (points.filter((q) => q.rate === p.rate).every(ok)) best = p.rate;
  }
  return { rate: best, stop: null };
};

/** Capacity, knee and the scale-out threshold from the levels measured (recovery excluded). */
export const findCapacity = (levels: readonly CapacityPoint[], searched: boolean): Capacity => {
  const points = levels
    .filter((l) => l.kind !== "recovery")
    .map((l, i) => ({ l, i }))
    .sort((a, b) => a.l.rate - b.l.rate || a.i - b.i)
    .map((x) => x.l);
  const instances = Math.max(0, ...points.map((p) => p.instances));
  const passes = (p: CapacityPoint) => p.verdict === "PASS" || p.verdict === "RISK";
  const cap = highestPrefix(points, passes);
  const limitedBy =
    cap.stop === null ? "none" : cap.stop.verdict === "RUNNER" ? "runner" : "service";
  const base = points.find((p) => p.p95Ms !== null)?.p95Ms ?? null;
  const bends = (p: CapacityPoint) =>
    p.verdict !== "RUNNER" &&
    ((base !== null &&
      p.p95Ms !== null &&
      p.p95Ms > Math.max(KNEE.p95Factor * base, base + KNEE.p95MinRiseMs)) ||
      p.achievedPct < KNEE.achievedPct);
  const knee = highestPrefix(
    points.filter((p) => p.verdict !== "RUNNER"),
    (p) => !bends(p),
  );
  const stable = highestPrefix(
    points.filter((p) => p.verdict !== "RUNNER"),
    (p) => p.zone === null || p.zone === "STABLE",
  );
  const limits = [cap.rate, knee.rate, stable.rate];
  const lowest = limits.some((r) => r === null)
    ? null
    : Math.min(...limits.filter((r): r is number => r !== null));
  const perInstance = lowest === null || instances === 0 ? null : lowest / instances;
  const stop = cap.stop;
  const firstFailure =
    stop === null
      ? null
      : {
          level: stop.name,
          rate: stop.rate,
          why:
            stop.verdict === "RUNNER"
              ? "the runner could not offer the rate"
              : `failed ${stop.failed.join(", ")}`,
        };
  const kneeWhy =
    knee.stop === null
      ? null
      : `${knee.stop.name}: ${
          knee.stop.achievedPct < KNEE.achievedPct
            ? `achieved ${fmt(knee.stop.achievedPct)} % of offered`
            : `p95 ${fmt(knee.stop.p95Ms ?? 0)} ms vs ${fmt(base ?? 0)} ms at the lowest rate`
        }`;
  const capacityText =
    cap.rate === null
      ? `no sustainable rate: the lowest level (${stop?.name ?? "?"}) failed`
      : limitedBy === "service"
        ? `capacity ${fmt(cap.rate)} req/s (${stop?.name} ${firstFailure?.why})`
        : limitedBy === "runner"
          ? `capacity at least ${fmt(cap.rate)} req/s (the runner could not offer ${fmt(stop?.rate ?? 0)} req/s)`
          : `capacity at least ${fmt(cap.rate)} req/s (no level failed${searched ? "" : "; --find-capacity searches higher"})`;
  const statement =
    perInstance === null
      ? `no rate to scale out above: ${capacityText}`
      : `scale out above ${fmt(perInstance)} req/s per instance (${instances} instances; ${capacityText}; knee ${
          knee.rate === null ? "below the lowest level" : `at ${fmt(knee.rate)} req/s`
        }; zones STABLE up to ${stable.rate === null ? "none" : `${fmt(stable.rate)} req/s`})`;
  return {
    clusterRps: cap.rate,
    limitedBy,
    firstFailure,
    kneeRps: knee.rate,
    kneeWhy,
    stableRps: stable.rate,
    instances,
    scaleOutAboveRps: perInstance === null ? null : round(perInstance, 2),
    statement,
  };
};
