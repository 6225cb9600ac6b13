import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { runProfile } from "../../src/scale-test/registry.ts";
import { runInput } from "../../src/scale-test/schema.ts";
import { layerTestSystem } from "../../src/scale-test/testing/layer.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const run = (options: WorldOptions) => simulate({ profile: "cache", quick: true }, options);

describe("cache profile (quick, in memory, on the test clock)", () => {
  it.effect("PASSes on a healthy shared cache with two instances", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(r.metrics["stampede.provider_fetch_count"]).toBe(1);
      expect(r.metrics.instances_seen_count).toBe(2);
      expect(stepsOf(r.world)).toEqual([
        "preflight",
        "setup",
        "warmup",
        "hit",
        "stampede",
        "takeover",
        "cross-instance",
        "sustain",
        "verdict",
      ]);
      // every check and metric was published as it was decided, the same as the result
      expect(r.world.checks).toEqual(r.checks);
    }),
  );

  it.effect("FAILs on the stampede when the lock is off, reporting the real fetch count", () =>
    Effect.gen(function* () {
      const r = yield* run({ lock: false, singleFlight: false });
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r, "stampede.provider_fetch");
      expect(c.pass).toBe(false);
      expect(c.actual).toBe(10);
    }),
  );

  it.effect("FAILs the cross-instance proof with one instance", () =>
    Effect.gen(function* () {
      const r = yield* run({ instances: 1 });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "cross.instances_seen").pass).toBe(false);
      expect(checkNamed(r, "cross.instances_hitting_one_key").pass).toBe(false);
      expect(checkNamed(r, "stampede.provider_fetch").pass).toBe(true);
    }),
  );

  it.effect("FAILs when the evidence sources disagree, with the figures", () =>
    Effect.gen(function* () {
      const r = yield* run({ dropFetchEvents: true });
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r, "stampede.evidence_agrees");
      expect(c.pass).toBe(false);
      expect(c.actual).toBe("redis 1, events 0, upstream 1");
    }),
  );

  it.effect("FAILs warm-up and hit rate when nothing is stored", () =>
    Effect.gen(function* () {
      const r = yield* run({ noStore: true });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "warmup.set").pass).toBe(false);
      expect(checkNamed(r, "hit.same_key_all_hit").actual).toBe(0);
      expect(checkNamed(r, "cache.hit_rate_after_warmup").pass).toBe(false);
    }),
  );

  it.effect("without an upstream count it still compares Redis with the events", () =>
    Effect.gen(function* () {
      const r = yield* run({ upstreamBlind: true });
      expect(r.verdict).toBe("PASS");
      expect(checkNamed(r, "stampede.evidence_agrees").actual).toBe(
        "redis 1, events 1, upstream not observable",
      );
    }),
  );

  it.effect("an unanswered request after the warm-up is a counted failure, not an abort", () =>
    Effect.gen(function* () {
      const r = yield* run({
        failRequest: (_method, path, n) =>
          path === "/api/bars" && n === 3 ? "unreachable" : undefined,
      });
      expect(r.verdict).toBe("FAIL");
      const failed = checkNamed(r, "requests.all_ok");
      expect(failed.actual).toBe(1);
      expect(failed.detail).toBe("unreachable: connection reset");
      expect(r.metrics["requests.failed_count"]).toBe(1);
    }),
  );

  it.effect("refuses a range too short for two keys as a setup error, not a verdict", () =>
    Effect.gen(function* () {
      const params = runInput.parse({
        profile: "cache",
        quick: true,
        ranges: [{ start: "2013-10-08T13:30:00Z", end: "2013-10-08T13:35:00Z" }],
      });
      const error = yield* Effect.flip(runProfile(params).pipe(Effect.provide(layerTestSystem())));
      expect(error._tag).toBe("ProfileSetupFailed");
    }),
  );
});
