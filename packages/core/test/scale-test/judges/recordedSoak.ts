import type { Answer, MemoryPoint, TargetResponse } from "../../../src/scale-test/data.ts";
import type {
  LeakLines,
  PressureEvidence,
  SoakEvidence,
} from "../../../src/scale-test/profiles/memory/evidence.ts";
import { leakLinesOf } from "../../../src/scale-test/profiles/memory/plan.ts";
import { healthyPoint } from "../../../src/scale-test/testing/memory.ts";

/**
 * Memory evidence shaped like a recorded run on a healthy 2-instance cluster (what
 * survives a full GC: flat, with jitter), built programmatically so each test can plant
 * one defect: a leak on one instance, on or off the heap, from a given minute on.
 */

const MB = 1024 * 1024;
export const T0 = 1_000_000;

export interface PlantedLeak {
  readonly instance: string;
  readonly fromMin: number;
  readonly mbPerMin: number;
  /** heap: post-GC heap; off_heap: external (and rss outside the heap); native: rss outside the heap alone. */
  readonly where?: "heap" | "off_heap" | "native";
}

/** Deterministic noise: a sum of three uniforms in [-1, 1] (roughly normal, sd ~1), per seed and k. */
const jitter = (seed: number, k: number) => {
  let x = (seed * 2_654_435_761 + k * 40_503 + 12_345) >>> 0;
  let sum = 0;
  for (let i = 0; i < 3; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    sum += (x / 2 ** 32) * 2 - 1;
  }
  return sum;
};

export interface SoakShape {
  readonly leak?: PlantedLeak;
  readonly minutes?: number;
  readonly everyS?: number;
  /** Jitter on what survives a GC, MB (sd): in-flight requests' objects at the GC. */
  readonly noiseMb?: number;
  /** Extra seconds sampled after the soak (the pressure step). */
  readonly tailS?: number;
  /**
   * rss outside the heap settling on both instances: `mb` in all, approached as
   * 1 - e^(-t/tauMin) from `startMin` before the judged soak (its warm-up), with its own
   * jitter (`noiseMb`, sd). As measured in the 60-minute soak of 2026-11-27.
   */
  readonly rssWarmup?: {
    readonly mb: number;
    readonly tauMin: number;
    readonly startMin: number;
    readonly noiseMb: number;
  };
  /** Varies the jitter between otherwise equal runs. */
  readonly seed?: number;
  /** rss outside the heap steps by `mb` (negative: down, e.g. malloc trimming) at `atMin`, on i2. */
  readonly rssStep?: { readonly atMin: number; readonly mb: number };
}

/** Two instances sampled every `everyS` from T0 for `minutes` (+ `tailS`). */
export const soakSamples = (shape: SoakShape = {}): MemoryPoint[] => {
  const { leak, minutes = 30, everyS = 10, noiseMb = 0.05, tailS = 0, rssWarmup } = shape;
  const n = Math.floor((minutes * 60 + tailS) / everyS) + 1;
  return ["i1", "i2"].flatMap((instanceId, i) =>
    Array.from({ length: n }, (_, k) => {
      const seed = i + 2 * (shape.seed ?? 0);
      const at = T0 + k * everyS * 1000;
      const p = healthyPoint(instanceId, k, at);
      const noise = (s: number) => jitter(seed * 3 + s, k) * noiseMb * MB;
      const settling = rssWarmup
        ? rssWarmup.mb *
            MB *
            (1 - Math.exp(-((at - T0) / 60_000 + rssWarmup.startMin) / rssWarmup.tauMin)) +
          jitter(seed * 3 + 101, k) * rssWarmup.noiseMb * MB
        : 0;
      const leaked =
        leak && leak.instance === instanceId
          ? Math.max(0, (at - T0) / 60_000 - leak.fromMin) * leak.mbPerMin * MB
          : 0;
      const where = leak?.where ?? "heap";
      return {
        ...p,
        heapUsed: p.heapUsed + (where === "heap" ? leaked : 0),
        oldGenUsed: p.oldGenUsed + (where === "heap" ? leaked : 0),
        postGcHeap: 24 * MB + noise(0) + (where === "heap" ? leaked : 0),
        postGcExternal: 8 * MB + noise(1) + (where === "off_heap" ? leaked : 0),
        postGcArrayBuffers: 3 * MB + noise(1) + (where === "off_heap" ? leaked : 0),
        // a heap leak grows V8's committed heap too: rss outside the heap stays flat
        postGcHeapTotal: 40 * MB + (where === "heap" ? leaked : 0),
        postGcRss:
          120 * MB +
          noise(2) +
          leaked +
          settling +
          (shape.rssStep && instanceId === "i2" && (at - T0) / 60_000 >= shape.rssStep.atMin
            ? shape.rssStep.mb * MB
            : 0),
      };
    }),
  );
};

const response = (over: Partial<TargetResponse>): TargetResponse => ({
  status: 200,
  cache: "HIT",
  cacheKey: "bars:A",
  instanceId: "i2",
  bootId: "i2-boot",
  version: "1",
  bytes: 1200,
  durationMs: 4,
  errorCode: null,
  ...over,
});
const answered = (over: Partial<TargetResponse>): Answer => ({
  _tag: "Answered",
  response: response(over),
});
export const shedAnswer = answered({ status: 503, cache: null, errorCode: "MEMORY_PRESSURE" });
export const servedAnswer = answered({});

/**
 * The pressure step on i2 (the runner is i1), 5-15 s after the soak: 4 heavy requests
 * shed, health answered, then one more shed before it serves again (and 3 more).
 */
export const healthyPressure = (soakEnd: number): PressureEvidence => ({
  notApplied: null,
  instanceId: "i2",
  aboveShedBy: 0.08,
  armedAt: soakEnd + 5_000,
  releasedAt: soakEnd + 15_000,
  during: [shedAnswer, shedAnswer, shedAnswer, shedAnswer],
  light: [answered({ cache: null })],
  after: [shedAnswer, servedAnswer, servedAnswer, servedAnswer, servedAnswer],
});

/** i2's samples show the ballast: shedding at 0.88 while it was held. */
const withBallast = (samples: MemoryPoint[], p: PressureEvidence): MemoryPoint[] =>
  samples.map((s) =>
    s.instanceId === p.instanceId &&
    p.armedAt !== null &&
    p.releasedAt !== null &&
    s.at >= p.armedAt + 1_000 &&
    s.at <= p.releasedAt
      ? { ...s, pressure: 0.88, shedding: true }
      : s,
  );

/** A whole run's memory evidence: the soak, its workload (2 requests a second, fast), the pressure step. */
export const recordedSoak = (
  shape: SoakShape & {
    readonly quick?: boolean;
    readonly lines?: LeakLines;
    readonly pressure?: (soakEnd: number) => PressureEvidence;
  } = {},
): SoakEvidence => {
  const minutes = shape.minutes ?? 30;
  const to = T0 + minutes * 60_000;
  const pressure = (shape.pressure ?? healthyPressure)(to);
  const requests = minutes * 60 * 2;
  return {
    quick: shape.quick ?? false,
    leak: shape.lines ?? leakLinesOf(shape.quick ?? false),
    soak: { from: T0, to },
    samples: withBallast(soakSamples({ tailS: 30, ...shape }), pressure),
    workload: {
      requests,
      servedMs: Array.from({ length: requests }, (_, i) => 3 + (i % 11)),
      shed: 0,
      failed: [],
    },
    shedCounted: 0,
    pressure,
  };
};
