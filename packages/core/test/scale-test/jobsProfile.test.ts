import { describe, expect, it } from "@effect/vitest";
import { Effect, Fiber } from "effect";
import * as TestClock from "effect/testing/TestClock";
import type { ExecutionEvent } from "../../src/jobs/history.ts";
import { runProfile } from "../../src/scale-test/registry.ts";
import { runInput } from "../../src/scale-test/schema.ts";
import { cleanHistory, type FakeOptions, fakeSystem } from "./fakeSystem.ts";

const params = (over: Record<string, unknown> = {}) =>
  runInput.parse({ profile: "jobs", quick: true, jobs: 6, ...over });

const run = (options: FakeOptions, over: Record<string, unknown> = {}) => {
  const system = fakeSystem(options);
  return runProfile(params(over)).pipe(
    Effect.provide(system.layer),
    Effect.map((outcome) => ({ ...outcome, system })),
  );
};

const named = (
  r: { checks: readonly { name: string; pass: boolean; actual: unknown }[] },
  name: string,
) => {
  const c = r.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name}`);
  return c;
};

/** Job 1's first attempt died on i1 (boot b1); i2 retried after the lease expired. */
const crashed = (ids: readonly string[]) => {
  const h = cleanHistory(ids);
  const events: ExecutionEvent[] = h.events.filter((e) => e.jobId !== "1");
  events.push(
    { jobId: "1", attempt: 1, kind: "start", at: 0, instanceId: "i1", bootId: "b1" },
    {
      jobId: "1",
      attempt: 2,
      kind: "start",
      at: 3000,
      instanceId: "i2",
      bootId: "b2",
      previousLeaseExpiresAt: 2000,
    },
    { jobId: "1", attempt: 2, kind: "finish", at: 3100, instanceId: "i2", bootId: "b2" },
  );
  return { jobs: h.jobs.map((j) => (j.id === "1" ? { ...j, attemptCount: 2 } : j)), events };
};

describe("jobs profile", () => {
  it.live(
    "PASSes a clean history with a crash that was retried after its lease, and disarms the fault",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ jobHistory: crashed });
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(r.system.enqueued).toHaveLength(6);
        expect(named(r, "crash.instance_restarted").actual).toBe("i1 boot b-restar");
        expect(r.system.armed).toEqual([]);
      }),
  );

  it.live("FAILs when a job ran twice, naming the job", () =>
    Effect.gen(function* () {
      const r = yield* run(
        {
          jobHistory: (ids) => {
            const h = cleanHistory(ids);
            h.events.push(
              { jobId: "2", attempt: 2, kind: "start", at: 12, instanceId: "i1", bootId: "b1" },
              { jobId: "2", attempt: 2, kind: "finish", at: 14, instanceId: "i1", bootId: "b1" },
            );
            return h;
          },
        },
        { crash: false },
      );
      expect(r.verdict).toBe("FAIL");
      const dup = r.checks.find((c) => c.name === "jobs.duplicates");
      expect(dup?.actual).toBe(1);
      expect(dup?.detail).toMatch(/^job 2: /);
    }),
  );

  it.effect(
    "FAILs when the armed crash left no trace, and when jobs were lost (after its deadline)",
    () =>
      Effect.gen(function* () {
        const fiber = yield* Effect.forkChild(
          run({
            jobHistory: (ids) => {
              const h = cleanHistory(ids);
              return {
                jobs: h.jobs.map((j) => (j.id === "3" ? { ...j, status: "running" as const } : j)),
                events: h.events.filter((e) => !(e.jobId === "3" && e.kind === "finish")),
              };
            },
          }),
        );
        // job 3 never ends: the profile waits until its deadline, then judges
        yield* TestClock.adjust("10 minutes");
        const r = yield* Fiber.join(fiber);
        expect(r.verdict).toBe("FAIL");
        expect(named(r, "crash.job_retried_after_lease_expiry").pass).toBe(false);
        expect(named(r, "jobs.lost").actual).toBe(1);
      }),
  );

  it.live("without fault injection the kill simulation is reported as not armed, not failed", () =>
    Effect.gen(function* () {
      const r = yield* run({ faultsEnabled: false });
      expect(r.verdict).toBe("PASS");
      expect(r.metrics["crash.armed"]).toMatch(/disabled/);
      expect(r.checks.some((c) => c.name.startsWith("crash."))).toBe(false);
    }),
  );
});
