import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate } from "./simulate.ts";

/**
 * The stampede and takeover proofs against the in-memory system, each protocol layer
 * broken on its own (the calibration's partial defects): a defect FAILs the run, and a
 * run that cannot show the overlap FAILs "not proven" rather than PASSing.
 */
const run = (options: WorldOptions, input: { crash?: boolean } = {}) =>
  simulate({ profile: "cache", quick: true, ...input }, options);

const failing = (r: { checks: readonly { name: string; pass: boolean }[] }) =>
  r.checks.filter((c) => !c.pass).map((c) => c.name);

describe("cache profile: overlap proven, not assumed (in memory)", () => {
  it.effect(
    "healthy: 10 requests overlap the one fetch on both instances; the takeover holds",
    () =>
      Effect.gen(function* () {
        const r = yield* run({});
        expect(r.verdict).toBe("PASS");
        expect(checkNamed(r, "stampede.overlap").actual).toBe(2);
        expect(checkNamed(r, "stampede.single_flight").actual).toBe(0);
        expect(r.metrics["stampede.slowed_ms"]).toBe(1500);
        expect(checkNamed(r, "takeover.holder_died").actual).toBe("i2 boot boot-i2 -> b-restar");
        expect(checkNamed(r, "takeover.one_takeover_fetch").actual).toBe(1);
        expect(checkNamed(r, "takeover.waiters_answered").actual).toBe(10);
        expect(checkNamed(r, "run.one_fetch_per_key").actual).toBe("redis 4, upstream 4");
        // the runner (i1) was spared; the fault was consumed and cleared
        expect(r.world.armed).toEqual([]);
      }),
  );

  it.effect(
    "the lease broken, single-flight kept, requests spread past a fast fill: FAIL, not proven",
    () =>
      Effect.gen(function* () {
        // The case: one fetch, so provider_fetch = 1 passes, but nothing overlapped.
        const r = yield* run({ lock: false, serialArrivals: true }, { crash: false });
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "stampede.provider_fetch").pass).toBe(true);
        expect(checkNamed(r, "stampede.overlap").actual).toBe(
          "not proven: only i2 had requests in flight at the fill",
        );
      }),
  );

  it.effect("the lease broken, single-flight kept, requests overlapping: two fetches, FAIL", () =>
    Effect.gen(function* () {
      const r = yield* run({ lock: false });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "stampede.provider_fetch").actual).toBe(2);
      expect(checkNamed(r, "stampede.overlap").actual).toBe("not proven: 2 fetches filled the key");
      expect(checkNamed(r, "stampede.single_flight").pass).toBe(true);
      expect(failing(r)).toContain("run.one_fetch_per_key");
    }),
  );

  it.effect("single-flight broken, the lease kept: one fetch, yet FAIL on single-flight", () =>
    Effect.gen(function* () {
      const r = yield* run({ singleFlight: false });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "stampede.provider_fetch").actual).toBe(1);
      expect(checkNamed(r, "stampede.overlap").pass).toBe(true);
      expect(checkNamed(r, "stampede.single_flight").actual).toBe(2);
      expect(failing(r)).toEqual(["stampede.single_flight"]);
    }),
  );

  it.effect(
    "a healthy cache whose fill beats the next request cannot prove the stampede: FAIL",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ serialArrivals: true }, { crash: false });
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "stampede.provider_fetch").pass).toBe(true);
        expect(checkNamed(r, "stampede.overlap").pass).toBe(false);
        expect(checkNamed(r, "stampede.single_flight").actual).toBe(
          "not proven: no instance had two requests in flight at once",
        );
      }),
  );

  it.effect("against a real provider (not slowed) the overlap is measured, and here shown", () =>
    Effect.gen(function* () {
      const r = yield* run({ upstreamBlind: true });
      expect(r.verdict).toBe("PASS");
      expect(r.notes?.["stampede.upstream"]).toBe("provider");
      // not slowed: absent, not null
      expect(r.metrics["stampede.slowed_ms"]).toBeUndefined();
      expect(checkNamed(r, "stampede.overlap").actual).toBe(2);
    }),
  );

  it.effect("fault injection refused: the takeover is not proven and the run FAILs", () =>
    Effect.gen(function* () {
      const r = yield* run({ faultsEnabled: false });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "takeover.holder_died").actual).toBe(
        "not proven: fault injection is disabled on this deployment",
      );
      expect(failing(r).every((n) => n.startsWith("takeover."))).toBe(true);
    }),
  );

  it.effect("crash: false skips the takeover (no takeover checks) and can PASS", () =>
    Effect.gen(function* () {
      const r = yield* run({}, { crash: false });
      expect(r.verdict).toBe("PASS");
      expect(r.checks.filter((c) => c.name.startsWith("takeover."))).toEqual([]);
      expect(r.notes?.takeover).toBe("not run: the run asked for no crash");
    }),
  );
});
