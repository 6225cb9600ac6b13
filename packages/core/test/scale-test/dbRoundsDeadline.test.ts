import { describe, expect, it } from "@effect/vitest";
import { Effect, Fiber } from "effect";
import * as TestClock from "effect/testing/TestClock";
import { runProfile } from "../../src/scale-test/registry.ts";
import { runInput } from "../../src/scale-test/schema.ts";
import { layerTestSystem } from "../../src/scale-test/testing/layer.ts";

/**
 * A full db run repeats its bursts a minute after the last round ended while that minute
 * ends before its deadline (15 s short of durationMin). It used to wait out one more
 * minute after its last round only to find the deadline passed: every full run outlasted
 * the duration it was asked for by up to a minute, idle.
 */
describe("db profile, full mode: the rounds keep within the run's duration", () => {
  it.effect("3 minutes: rounds at 0, 60 and 120 s, the run over before the 3 minutes", () =>
    Effect.gen(function* () {
      const input = runInput.parse({
        profile: "db",
        quick: false,
        durationMin: 3,
        db: { creations: 5, coldReads: 10 },
      });
      const fiber = yield* Effect.forkChild(runProfile(input));
      // 170 s: past the deadline (165 s) but short of the minute after the third round
      yield* TestClock.adjust("170 seconds");
      const done = fiber.pollUnsafe();
      expect(done).toBeDefined();
      const r = yield* Fiber.join(fiber);
      expect(r.verdict).toBe("PASS");
      expect(r.metrics.rounds_count).toBe(3);
    }).pipe(Effect.provide(layerTestSystem({}))),
  );
});
