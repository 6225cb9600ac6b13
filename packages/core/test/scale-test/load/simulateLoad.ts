import { Clock, type Duration, Effect, Fiber, Layer } from "effect";
import * as TestClock from "effect/testing/TestClock";
import { levelRowsOf } from "../../../src/scale-test/profiles/load/rows.ts";
import { EnqueueAcks } from "../../../src/scale-test/profiles/load/scaleOutInAcks.ts";
import { runProfile } from "../../../src/scale-test/registry.ts";
import { type RunInput, runInput } from "../../../src/scale-test/schema.ts";
import { Evidence } from "../../../src/scale-test/services/evidence.ts";
import { Load } from "../../../src/scale-test/services/load.ts";
import { Scaler } from "../../../src/scale-test/services/scaler.ts";
import { layerTestSystem } from "../../../src/scale-test/testing/layer.ts";
import type { LoadModel } from "../../../src/scale-test/testing/load.ts";
import { World, type WorldOptions } from "../../../src/scale-test/testing/world.ts";

/** How the scale-out/in evidence around the in-memory cluster behaves (issue 14 #5's gaps). */
export interface ScaleModel {
  /** Enqueues the queue acknowledged during each level (default: 4 in the sustained level, all in the queue). */
  readonly acked?: (level: string) => readonly string[];
  /** Acknowledged ids the queue never recorded (a lost enqueue). */
  readonly ackedNotQueued?: (level: string) => readonly string[];
  /** The runner records no acknowledged ids (no EnqueueAcks service). */
  readonly noAcks?: boolean;
  /**
   * The run's Redis provider_fetch counter: the fetches the upstream saw, plus this many
   * more in every read after the first (fetches during the scaled level no event shows);
   * "unreadable": the read fails.
   */
  readonly redis?: number | "unreadable";
  /** A key's events land this long after they are first looked for (an instance's sink flush); default 0. */
  readonly eventsLagMs?: number;
  /** How long the platform takes to bring the added instance in (default: at once). */
  readonly addTakesMs?: number;
}

const defaultAcked = (level: string) =>
  level === "sustained" ? Array.from({ length: 4 }, (_, i) => `${level}-job-${i + 1}`) : [];

/**
 * The in-memory services the scale-out/in steps read, as the real runner has them: the
 * load engine's acknowledged enqueues (each also a job of the queue), a Redis counter
 * bumped per provider fetch, events that land late, a slow join.
 */
const scaleLayer = (s: ScaleModel) =>
  Layer.mergeAll(
    Layer.effect(
      Load,
      Effect.gen(function* () {
        const base = yield* Load;
        const world = yield* World;
        return Load.of({
          ...base,
          level: (spec) =>
            base.level(spec).pipe(
              Effect.tap(() =>
                Effect.sync(() => {
                  world.enqueued.push(...(s.acked ?? defaultAcked)(spec.name));
                }),
              ),
            ),
        });
      }),
    ),
    s.noAcks
      ? Layer.empty
      : Layer.effect(
          EnqueueAcks,
          Effect.sync(() =>
            EnqueueAcks.of({
              jobIds: (level) =>
                Effect.succeed([
                  ...(s.acked ?? defaultAcked)(level),
                  ...(s.ackedNotQueued?.(level) ?? []),
                ]),
            }),
          ),
        ),
    Layer.effect(
      Evidence,
      Effect.gen(function* () {
        const base = yield* Evidence;
        const world = yield* World;
        const landsAt = new Map<string, number>();
        const lag = s.eventsLagMs ?? 0;
        let reads = 0;
        return Evidence.of({
          ...base,
          runCounters:
            s.redis === "unreadable"
              ? Effect.die(new Error("Redis was unavailable for over 10 s"))
              : base.runCounters.pipe(
                  Effect.map((c) => ({
                    ...c,
                    provider_fetch:
                      [...world.upstream.values()].reduce((a, n) => a + n, 0) +
                      (typeof s.redis === "number" && reads++ > 0 ? s.redis : 0),
                  })),
                ),
          barsEvents: (key, atLeast) =>
            Effect.gen(function* () {
              const now = yield* Clock.currentTimeMillis;
              const at = landsAt.get(key) ?? now + lag;
              landsAt.set(key, at);
              const real = yield* base.barsEvents(key, atLeast);
              return now >= at
                ? real
                : { ...real, requests: 0, misses: 0, providerFetches: 0, instances: [] };
            }),
        });
      }),
    ),
    Layer.effect(
      Scaler,
      Effect.gen(function* () {
        const base = yield* Scaler;
        return Scaler.of({
          ...base,
          add: Effect.sleep(s.addTakesMs ?? 0).pipe(Effect.andThen(base.add)),
        });
      }),
    ),
  );

/**
 * Runs the load profile against the in-memory cluster on the test clock, with `model`
 * breaking what the test wants broken; returns the outcome, the world and the level rows
 * the run published.
 */
export const simulateLoad = (
  input: Omit<RunInput, "profile">,
  model: LoadModel = {},
  advance: Duration.Input = "5 minutes",
  options: WorldOptions = {},
  scale: ScaleModel = {},
) =>
  Effect.gen(function* () {
    const world = yield* World;
    const fiber = yield* Effect.forkChild(
      runProfile(runInput.parse({ ...input, profile: "load" })),
    );
    yield* TestClock.adjust(advance);
    const outcome = yield* Fiber.join(fiber);
    return { ...outcome, world, rows: levelRowsOf(outcome.series ?? {}) };
  }).pipe(
    Effect.provide(scaleLayer(scale)),
    Effect.provide(Load.layerModel(model)),
    Effect.provide(layerTestSystem(options)),
  );
