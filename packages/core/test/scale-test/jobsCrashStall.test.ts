import { describe, expect, it } from "@effect/vitest";
import { Effect, Fiber, Layer } from "effect";
import { TestClock } from "effect/testing";
import { judgeJobs } from "../../src/scale-test/profiles/jobs/judge.ts";
import { aimOf } from "../../src/scale-test/profiles/jobs/profile.ts";
import { runProfile } from "../../src/scale-test/registry.ts";
import { type RunInput, runInput } from "../../src/scale-test/schema.ts";
import { runnerSpare } from "../../src/scale-test/services/faults.ts";
import {
  layerQueue,
  type QueueOptions,
  queueHistory,
} from "../../src/scale-test/testing/jobQueue.ts";
import { layerTestSystem } from "../../src/scale-test/testing/layer.ts";
import { makeWorld, World, type WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed } from "./simulate.ts";

/**
 * The default crash and `--stall` in one jobs run: the crash (SIGKILL mid-job) must spare
 * the runner, and the stall (a zombie whose late completion must be fenced off) must not
 * land where the crash kills it. The queue plays the armed faults out where they fire.
 */
const run = (options: WorldOptions, q: QueueOptions = {}, over: Partial<RunInput> = {}) =>
  Effect.gen(function* () {
    const world = yield* World;
    const input = { profile: "jobs", quick: true, jobs: 6, crash: true, stall: true, ...over };
    const fiber = yield* Effect.forkChild(runProfile(runInput.parse(input)));
    yield* TestClock.adjust("10 minutes");
    return { ...(yield* Fiber.join(fiber)), world };
  }).pipe(Effect.provide(layerQueue(q).pipe(Layer.provideMerge(layerTestSystem(options)))));

describe("jobs profile: crash and stall together (in memory, on the test clock)", () => {
  it.effect(
    "on 2 instances both are exercised and a healthy queue PASSes: crash on i2, zombie fenced on the runner's i1",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ instances: 2 });
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(r.world.aims.get("stall-heartbeat")).toBe("i1");
        expect(r.world.aims.get("crash")).toBeNull();
        expect(checkNamed(r, "crash.job_retried_after_lease_expiry").detail).toMatch(/ on i2 /);
        const fenced = checkNamed(r, "stall.zombie_completion_rejected");
        expect(fenced.actual).toBe(1);
        expect(fenced.detail).toMatch(/fenced off \(job \d+, attempt 1 on i1\)/);
        expect(checkNamed(r, "jobs.duplicates").actual).toBe(0);
        expect(checkNamed(r, "jobs.lost").actual).toBe(0);
      }),
  );

  it.effect(
    "fencing off on the stalled instance only FAILs the fencing checks (the crash still passes)",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ instances: 2 }, { unfencedOn: ["i1"] });
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "jobs.duplicates").actual).toBe(1);
        const fenced = checkNamed(r, "stall.zombie_completion_rejected");
        expect(fenced.pass).toBe(false);
        expect(fenced.detail).toMatch(/completion is not fenced/);
        expect(checkNamed(r, "crash.job_retried_after_lease_expiry").pass).toBe(true);
        expect(checkNamed(r, "crash.instance_restarted").pass).toBe(true);
      }),
  );

  it.effect("on 3 instances: the stall on the runner's worker, the crash on another", () =>
    Effect.gen(function* () {
      const r = yield* run({ instances: 3 });
      expect(r.verdict).toBe("PASS");
      expect(checkNamed(r, "stall.zombie_completion_rejected").detail).toMatch(/on i1\)/);
      expect(checkNamed(r, "crash.job_retried_after_lease_expiry").detail).toMatch(/ on i2 /);
    }),
  );

  it.effect(
    "on 1 instance the crash cannot be exercised (it spares the runner): FAIL, not a silent PASS",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ instances: 1 });
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "crash.job_retried_after_lease_expiry").pass).toBe(false);
        expect(checkNamed(r, "crash.job_retried_after_lease_expiry").detail).toBe(
          "no attempt died mid-job",
        );
      }),
  );

  it.effect("without a crash the stall is left unaimed (any instance but the runner's)", () =>
    Effect.gen(function* () {
      const r = yield* run({ instances: 2 }, {}, { crash: false });
      expect(r.verdict).toBe("PASS");
      expect(r.world.aims.get("stall-heartbeat")).toBeNull();
      expect(checkNamed(r, "stall.zombie_completion_rejected").detail).toMatch(/on i2\)/);
    }),
  );
});

describe("where the faults are aimed", () => {
  it("the stall goes to the runner only with a crash armed and the runner known", () => {
    expect(aimOf("stall-heartbeat", ["crash", "stall-heartbeat"], "i1")).toBe("i1");
    expect(aimOf("stall-heartbeat", ["stall-heartbeat"], "i1")).toBeUndefined();
    expect(aimOf("stall-heartbeat", ["crash", "stall-heartbeat"], null)).toBeUndefined();
    expect(aimOf("crash", ["crash", "stall-heartbeat"], "i1")).toBeUndefined();
  });

  it("only a runner-safe fault aimed at the runner is armed without sparing it", () => {
    expect(runnerSpare("stall-heartbeat", "i1", "i1")).toEqual({});
    expect(runnerSpare("crash", "i1", "i1")).toEqual({ spareInstance: "i1" });
    expect(runnerSpare("stall-heartbeat", undefined, "i1")).toEqual({ spareInstance: "i1" });
    expect(runnerSpare("stall-heartbeat", "i2", "i1")).toEqual({ spareInstance: "i1" });
  });

  it("the old aim (both sparing the runner) puts both on i2 on 2 instances: the crash kills the zombie, fencing not proven", () => {
    const world = makeWorld({ instances: 2 });
    world.enqueued.push("1", "2", "3", "4", "5", "6");
    world.aims.set("crash", null);
    world.aims.set("stall-heartbeat", null);
    const r = judgeJobs({
      range: { start: "2024-01-02T00:00:00Z", end: "2024-01-03T00:00:00Z" },
      armed: ["crash", "stall-heartbeat"],
      notArmed: [],
      jobsPerWave: 6,
      waves: [{ accepted: world.enqueued, refused: [] }],
      ended: 6,
      history: queueHistory(world),
      restart: null,
    });
    const fenced = checkNamed(r, "stall.zombie_completion_rejected");
    expect(fenced.pass).toBe(false);
    expect(fenced.detail).toMatch(/not proven \(2 attempts died mid-job: .*died with the crash\)/);
  });
});
