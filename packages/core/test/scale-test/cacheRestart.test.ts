import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { judgeCache } from "../../src/scale-test/profiles/cache/judge.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const run = (options: WorldOptions) =>
  simulate({ profile: "cache", quick: true, restarts: ["redis"] }, options);

describe("cache profile with a Redis restart (in memory, on the test clock)", () => {
  it.effect(
    "PASSes: the restart wipes the cache, the stampede after it fetches once per new key",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ restartable: ["redis"] });
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(r.world.restarts).toEqual(["redis"]);
        expect(stepsOf(r.world).slice(-3)).toEqual(["sustain", "redis-restart", "verdict"]);
        expect(checkNamed(r, "redis_restart.provider_fetch").actual).toBe("events 3, upstream 3");
        expect(checkNamed(r, "redis_restart.no_crash").actual).toBe(0);
        expect(checkNamed(r, "redis_restart.answered").actual).toBe(30);
        expect(r.metrics["redis_restart.down_ms"]).toBe(2_000);
        // the restart wiped the in-memory cache: the new keys are all it holds
        expect(r.world.cache.size).toBe(3);
        // the whole-run checks are taken from before the restart, unharmed by it
        expect(checkNamed(r, "run.one_fetch_per_key").pass).toBe(true);
      }),
  );

  it.effect("FAILs naming the check when the instances stampede after the restart", () =>
    Effect.gen(function* () {
      const r = yield* run({ restartable: ["redis"], stampedeAfterRestart: true });
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r, "redis_restart.provider_fetch");
      expect(c.pass).toBe(false);
      // one fetch per key per instance: each instance's single-flight, no shared lease
      expect(c.actual).toBe("events 6, upstream 6");
      expect(r.checks.filter((x) => !x.pass).map((x) => x.name)).toEqual([
        "redis_restart.provider_fetch",
      ]);
      // the export's evidence re-judges to the same restart checks
      const ev = r.evidence?.profile === "cache" ? r.evidence.cache : null;
      const again = ev ? judgeCache(ev).checks.filter((x) => x.step === "redis-restart") : [];
      expect(again).toEqual(r.checks.filter((x) => x.step === "redis-restart"));
      expect(again).toHaveLength(3);
    }),
  );

  it.effect("says not measured, with no check, where the platform may not restart Redis", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.verdict).toBe("PASS");
      expect(r.world.restarts).toEqual([]);
      expect(r.notes?.redis_restart).toBe("not measured: the platform may not restart Redis");
      expect(r.checks.some((c) => c.name.startsWith("redis_restart."))).toBe(false);
    }),
  );
});
