import { Clock, Effect } from "effect";
import type { MemoryPoint } from "../data.ts";

const MB = 1024 * 1024;

/** A healthy instance: a young-generation saw-tooth over a flat old generation, GC every 10 samples. */
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
