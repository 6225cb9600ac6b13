import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { ExecutionEvent } from "../../src/jobs/events.ts";
import { zombieCompleted } from "../../src/scale-test/profiles/jobs/verify.ts";
import type { RunInput } from "../../src/scale-test/schema.ts";
import { cleanHistory, withCrash } from "../../src/scale-test/testing/jobs.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const run = (options: WorldOptions, over: Partial<RunInput> = {}) =>
  simulate({ profile: "jobs", quick: true, jobs: 6, ...over }, options, "10 minutes");

describe("jobs profile (quick, in memory, on the test clock)", () => {
  it.effect(
    "PASSes a clean history with a crash that was retried after its lease, and disarms the fault",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ jobHistory: (ids) => withCrash(cleanHistory(ids), "1") });
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(r.world.enqueued).toHaveLength(6);
        expect(checkNamed(r, "crash.instance_restarted").actual).toBe("i1 boot b-restar");
        expect(r.world.armed).toEqual([]);
        expect(stepsOf(r.world)).toEqual([
          "preflight",
          "setup",
          "arm",
          "enqueue",
          "execute",
          "verify",
          "verdict",
        ]);
      }),
  );

  it.effect("FAILs when a job ran twice, naming the job", () =>
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
      const dup = checkNamed(r, "jobs.duplicates");
      expect(dup.actual).toBe(1);
      expect(dup.detail).toMatch(/^job 2: /);
    }),
  );

  it.effect(
    "FAILs when the armed crash left no trace, and when jobs were lost (after its deadline)",
    () =>
      Effect.gen(function* () {
        // job 3 never ends: the profile waits until its deadline, then judges
        const r = yield* run({
          jobHistory: (ids) => {
            const h = cleanHistory(ids);
            return {
              jobs: h.jobs.map((j) => (j.id === "3" ? { ...j, status: "running" as const } : j)),
              events: h.events.filter((e) => !(e.jobId === "3" && e.kind === "finish")),
            };
          },
        });
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "crash.job_retried_after_lease_expiry").pass).toBe(false);
        expect(checkNamed(r, "jobs.lost").actual).toBe(1);
      }),
  );

  it.effect(
    "without fault injection the kill simulation is reported as not armed, not failed",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ faultsEnabled: false });
        expect(r.verdict).toBe("PASS");
        expect(r.notes?.["crash.armed"]).toMatch(/disabled/);
        expect(r.checks.some((c) => c.name.startsWith("crash."))).toBe(false);
      }),
  );

  it.effect(
    "a 502 on enqueue is retried with the same idempotency key: one job, none refused",
    () =>
      Effect.gen(function* () {
        const r = yield* run(
          { failRequest: (method, _path, n) => (method === "POST" && n <= 2 ? 502 : undefined) },
          { crash: false },
        );
        expect(r.verdict).toBe("PASS");
        expect(r.world.enqueued).toHaveLength(6);
        expect(r.metrics["jobs.refused_count"]).toBe(0);
      }),
  );

  it.effect("an enqueue that stays 503 is refused and counted, after its retries", () =>
    Effect.gen(function* () {
      const r = yield* run(
        { failRequest: (method, _path, n) => (method === "POST" && n <= 6 ? 503 : undefined) },
        { crash: false, jobs: 1 },
      );
      expect(r.verdict).toBe("FAIL");
      const enqueued = checkNamed(r, "jobs.enqueued");
      expect(enqueued.actual).toBe(0);
      expect(enqueued.detail).toBe("refused: 503 HTTP_503");
      expect(r.metrics["jobs.refused_count"]).toBe(1);
    }),
  );

  it.effect(
    "a zombie whose late completion was accepted (fencing off) FAILs the fencing check as a duplicate",
    () =>
      Effect.gen(function* () {
        const r = yield* run(
          { jobHistory: (ids) => withZombie(cleanHistory(ids), "2", "finish") },
          { crash: false, stall: true },
        );
        expect(r.verdict).toBe("FAIL");
        const fencing = checkNamed(r, "stall.zombie_completion_rejected");
        expect(fencing.actual).toBe(0);
        expect(fencing.detail).toMatch(/^job 2: attempt 1 finished after attempt 2 took over/);
        expect(checkNamed(r, "jobs.duplicates").actual).toBe(1);
      }),
  );

  it.effect(
    "a zombie that never completed, with a crash armed too, FAILs the fencing check as not proven",
    () =>
      Effect.gen(function* () {
        const r = yield* run(
          { jobHistory: (ids) => withCrash(cleanHistory(ids), "1") },
          { crash: true, stall: true },
        );
        expect(r.verdict).toBe("FAIL");
        const fencing = checkNamed(r, "stall.zombie_completion_rejected");
        expect(fencing.actual).toBe(0);
        expect(fencing.detail).toBe(
          "no late completion arrived: fencing not exercised, not proven",
        );
      }),
  );
});

/** Job `jobId`'s attempt 1 stalls on i2, attempt 2 on i1 takes over and finishes, then the zombie's completion arrives. */
const withZombie = (
  h: ReturnType<typeof cleanHistory>,
  jobId: string,
  late: "finish" | "completion_rejected",
) => ({
  jobs: h.jobs.map((j) => (j.id === jobId ? { ...j, attemptCount: 2 } : j)),
  events: [
    ...h.events.filter((e) => e.jobId !== jobId),
    { jobId, attempt: 1, kind: "start", at: 0, instanceId: "i2", bootId: "b2" },
    {
      jobId,
      attempt: 2,
      kind: "start",
      at: 3000,
      instanceId: "i1",
      bootId: "b1",
      previousLeaseExpiresAt: 2000,
    },
    { jobId, attempt: 2, kind: "finish", at: 3100, instanceId: "i1", bootId: "b1" },
    { jobId, attempt: 1, kind: late, at: 6000, instanceId: "i2", bootId: "b2" },
  ] satisfies ExecutionEvent[],
});

describe("zombieCompleted (when the verify step stops waiting for a stalled worker)", () => {
  const ids = ["1", "2", "3"];
  it("not on a clean history, nor on a crashed attempt that never ended", () => {
    expect(zombieCompleted(cleanHistory(ids).events)).toBe(false);
    expect(zombieCompleted(withCrash(cleanHistory(ids), "2").events)).toBe(false);
  });
  it("when the zombie's completion was fenced off, and when it was accepted (fencing off)", () => {
    expect(zombieCompleted(withZombie(cleanHistory(ids), "2", "completion_rejected").events)).toBe(
      true,
    );
    expect(zombieCompleted(withZombie(cleanHistory(ids), "2", "finish").events)).toBe(true);
  });
});
