import { Clock, Effect } from "effect";
import type { MemoryPoint } from "../data.ts";

const MB = 1024 * 1024;

/**
 * A healthy instance: a young-generation saw-tooth over a flat old generation, GC every
 * 10 samples; what survives a full GC is flat with a little jitter (a few in-flight
 * requests' objects and Buffers); 5 requests per sample.
 */
export const healthyPoint = (instanceId: string, k: number, at: number): MemoryPoint => ({
  instanceId,
  bootId: `${instanceId}-boot`,
  at,
  heapUsed: 30 * MB + (k % 10) * MB,
  oldGenUsed: 20 * MB + (k % 3) * 0.1 * MB,
  heapLimit: 290 * MB,
  rss: 120 * MB,
  gcCount: k % 10 === 0 ? 1 : 0,
  pressure: (30 + (k % 10)) / 290,
  shedding: false,
  eventLoopP99Ms: 12,
  postGcHeap: 24 * MB + ((k * 7) % 5) * 0.02 * MB,
  postGcCode: 4 * MB,
  postGcHeapTotal: 40 * MB,
  postGcExternal: 8 * MB + ((k * 3) % 7) * 0.05 * MB,
  postGcArrayBuffers: 3 * MB + ((k * 3) % 7) * 0.05 * MB,
  postGcRss: 120 * MB + ((k * 5) % 3) * 0.1 * MB,
  gcForcedMs: 12,
  requests: 5,
});

/** Every instance's samples from time 0 to now, one every `everyMs` (what the samplers persisted). */
export const samplesUntilNow = (
  instances: readonly string[],
  point: (instanceId: string, k: number, at: number) => MemoryPoint,
  everyMs: number,
) =>
  Clock.currentTimeMillis.pipe(
    Effect.map((now) =>
      instances.flatMap((instanceId) =>
        Array.from({ length: Math.floor(now / everyMs) + 1 }, (_, k) =>
          point(instanceId, k, k * everyMs),
        ),
      ),
    ),
  );

/**
 * How an instance under the ballast fault behaves in the in-memory world: by default it
 * sheds (503 MEMORY_PRESSURE on heavy requests) while the ballast is held, keeps its
 * process, and serves again once it is released.
 */
export interface PressureBehaviour {
  /** Pressure never reaches the line (the ballast is too small, or shedding is broken): no 503. */
  readonly sheds?: boolean;
  /** The process dies under the ballast: a new boot id from then on. */
  readonly crashes?: boolean;
  /** It keeps shedding after the ballast is released. */
  readonly recovers?: boolean;
}

/** The part of the `World` the ballast reads (structural: world.ts imports this file). */
export interface BallastWorld {
  readonly armed: readonly string[];
  readonly aims: ReadonlyMap<string, string | null>;
  readonly options: { readonly pressure?: PressureBehaviour };
}

const everBallasted = new WeakMap<BallastWorld, Set<string>>();

/** Is the ballast fault armed on this instance right now? */
export const ballastOn = (world: BallastWorld, instanceId: string): boolean => {
  const on = world.armed.includes("ballast") && (world.aims.get("ballast") ?? null) === instanceId;
  if (on) {
    const seen = everBallasted.get(world) ?? new Set<string>();
    seen.add(instanceId);
    everBallasted.set(world, seen);
  }
  return on;
};

/** Does this instance shed heavy requests now (see `PressureBehaviour`)? */
export const shedsNow = (world: BallastWorld, instanceId: string): boolean => {
  const p = world.options.pressure ?? {};
  if (p.sheds === false) return false;
  if (ballastOn(world, instanceId)) return true;
  return p.recovers === false && (everBallasted.get(world)?.has(instanceId) ?? false);
};

/** When the ballast was held on an instance (ms, `to` null while it still is). */
export interface BallastSpan {
  readonly instanceId: string;
  readonly from: number;
  readonly to: number | null;
}

/** A sample as the instance's sampler would have seen it with the ballast (pressure, shedding, boot). */
export const underPressure = (
  world: BallastWorld,
  p: MemoryPoint,
  span: BallastSpan | null,
): MemoryPoint => {
  if (span === null || p.instanceId !== span.instanceId || p.at < span.from) return p;
  const behaviour = world.options.pressure ?? {};
  const crashed = behaviour.crashes === true ? { bootId: `${p.instanceId}-boot-2` } : {};
  const held = span.to === null || p.at < span.to;
  const shedding = behaviour.sheds !== false && (held || behaviour.recovers === false);
  return { ...p, ...crashed, pressure: shedding ? 0.88 : p.pressure, shedding };
};
