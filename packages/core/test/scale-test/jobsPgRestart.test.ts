import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { judgeJobs } from "../../src/scale-test/profiles/jobs/judge.ts";
import { cleanHistory } from "../../src/scale-test/testing/jobs.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate } from "./simulate.ts";

const run = (options: WorldOptions) =>
  simulate(
    { profile: "jobs", quick: true, jobs: 6, crash: false, restarts: ["postgres"] },
    options,
    "10 minutes",
  );

/** Every job of a clean history finishes after the restart began (an hour in). */
const late = (ids: readonly string[]) => {
  const h = cleanHistory(ids);
  return { jobs: h.jobs, events: h.events.map((e) => ({ ...e, at: e.at + 3_600_000 })) };
};

describe("jobs profile with a Postgres restart (in memory, on the test clock)", () => {
  it.effect("PASSes: the restart hit jobs in flight, none lost or run twice", () =>
    Effect.gen(function* () {
      const r = yield* run({ restartable: ["postgres"], jobHistory: late });
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(r.world.restarts).toEqual(["postgres"]);
      expect(checkNamed(r, "pg_restart.jobs_in_flight").actual).toBe(6);
      expect(r.metrics["pg_restart.down_ms"]).toBe(2_000);
      // the export's evidence re-judges to the same checks
      const ev = r.evidence?.profile === "jobs" ? r.evidence.jobs : null;
      expect(ev && judgeJobs(ev).checks.map((c) => c.name)).toContain("pg_restart.jobs_in_flight");
    }),
  );

  it.effect("FAILs naming the check when a job ran twice across the restart", () =>
    Effect.gen(function* () {
      const r = yield* run({
        restartable: ["postgres"],
        jobHistory: (ids) => {
          const h = late(ids);
          h.events.push(
            {
              jobId: "2",
              attempt: 2,
              kind: "start",
              at: 3_600_012,
              instanceId: "i1",
              bootId: "b1",
            },
            {
              jobId: "2",
              attempt: 2,
              kind: "finish",
              at: 3_600_014,
              instanceId: "i1",
              bootId: "b1",
            },
          );
          return h;
        },
      });
      expect(r.verdict).toBe("FAIL");
      const dup = checkNamed(r, "jobs.duplicates");
      expect(dup.pass).toBe(false);
      expect(dup.actual).toBe(1);
      expect(checkNamed(r, "pg_restart.jobs_in_flight").pass).toBe(true);
    }),
  );

  it.effect("FAILs when every job had finished before Postgres went down: it proved nothing", () =>
    Effect.gen(function* () {
      const early = (ids: readonly string[]) => {
        const h = cleanHistory(ids);
        return { jobs: h.jobs, events: h.events.map((e) => ({ ...e, at: e.at - 3_600_000 })) };
      };
      const r = yield* run({ restartable: ["postgres"], jobHistory: early });
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r, "pg_restart.jobs_in_flight");
      expect(c.pass).toBe(false);
      expect(c.actual).toBe(0);
    }),
  );

  it.effect("says not measured, with no check, where the platform may not restart Postgres", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      expect(r.verdict).toBe("PASS");
      expect(r.world.restarts).toEqual([]);
      expect(r.notes?.pg_restart).toBe("not measured: the platform may not restart Postgres");
      expect(r.checks.some((c) => c.name.startsWith("pg_restart."))).toBe(false);
    }),
  );
});
