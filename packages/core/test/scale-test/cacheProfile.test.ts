import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { runProfile } from "../../src/scale-test/registry.ts";
import { runInput } from "../../src/scale-test/schema.ts";
import { type FakeOptions, fakeSystem } from "./fakeSystem.ts";

const quick = runInput.parse({ profile: "cache", quick: true });

const run = (options: FakeOptions) => {
  const system = fakeSystem(options);
  return runProfile(quick).pipe(
    Effect.provide(system.layer),
    Effect.map((outcome) => ({ ...outcome, system })),
  );
};

const checkNamed = (checks: readonly { name: string }[], name: string) => {
  const c = checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name}`);
  return c as (typeof checks)[number] & { pass: boolean; actual: unknown };
};

describe("cache profile", () => {
  it.live("PASSes on a healthy shared cache with two instances", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(r.metrics["stampede.provider_fetch"]).toBe(1);
      expect(r.metrics.instances_seen).toBe(2);
      expect(r.system.steps).toEqual([
        "setup",
        "warmup",
        "hit",
        "stampede",
        "cross-instance",
        "sustain",
        "verdict",
      ]);
    }),
  );

  it.live("FAILs on the stampede when the lock is off, reporting the real fetch count", () =>
    Effect.gen(function* () {
      const r = yield* run({ lock: false });
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r.checks, "stampede.provider_fetch");
      expect(c.pass).toBe(false);
      expect(c.actual).toBe(10);
    }),
  );

  it.live("FAILs the cross-instance proof with one instance", () =>
    Effect.gen(function* () {
      const r = yield* run({ instances: 1 });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r.checks, "cross.instances_seen").pass).toBe(false);
      expect(checkNamed(r.checks, "cross.instances_hitting_one_key").pass).toBe(false);
      expect(checkNamed(r.checks, "stampede.provider_fetch").pass).toBe(true);
    }),
  );

  it.live("FAILs when the evidence sources disagree, with the figures", () =>
    Effect.gen(function* () {
      const r = yield* run({ dropFetchEvents: true });
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r.checks, "stampede.evidence_agrees");
      expect(c.pass).toBe(false);
      expect(c.actual).toBe("redis 1, events 0, upstream 1");
    }),
  );

  it.live("FAILs warm-up and hit rate when nothing is stored", () =>
    Effect.gen(function* () {
      const r = yield* run({ noStore: true });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r.checks, "warmup.set").pass).toBe(false);
      expect(checkNamed(r.checks, "hit.same_key_all_hit").actual).toBe(0);
      expect(checkNamed(r.checks, "cache.hit_rate_after_warmup").pass).toBe(false);
    }),
  );

  it.live("without an upstream count it still compares Redis with the events", () =>
    Effect.gen(function* () {
      const r = yield* run({ upstreamBlind: true });
      expect(r.verdict).toBe("PASS");
      expect(checkNamed(r.checks, "stampede.evidence_agrees").actual).toBe(
        "redis 1, events 1, upstream not observable",
      );
    }),
  );

  it.live("refuses a range too short for two keys as a setup error, not a verdict", () =>
    Effect.gen(function* () {
      const system = fakeSystem({});
      const params = runInput.parse({
        profile: "cache",
        quick: true,
        ranges: [{ start: "2013-10-08T13:30:00Z", end: "2013-10-08T13:35:00Z" }],
      });
      const error = yield* Effect.flip(runProfile(params).pipe(Effect.provide(system.layer)));
      expect(error._tag).toBe("ProfileSetupFailed");
    }),
  );
});
