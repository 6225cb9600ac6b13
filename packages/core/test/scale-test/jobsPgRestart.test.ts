import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { JobsEvidence } from "../../src/scale-test/profiles/jobs/evidence.ts";
import { judgeJobs } from "../../src/scale-test/profiles/jobs/judge.ts";
import { cleanHistory } from "../../src/scale-test/testing/jobs.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import type { RunEvidence } from "../../src/scale-test/verdict/evidence.ts";
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

/** The wave's 6 jobs finished an hour before the restart, every later (streamed) one after it. */
const drainedWave = (ids: readonly string[]) => {
  const h = cleanHistory(ids);
  const shift = (id: string) => (Number(id) <= 6 ? -3_600_000 : 3_600_000);
  return { jobs: h.jobs, events: h.events.map((e) => ({ ...e, at: e.at + shift(e.jobId) })) };
};

/** Postgres down 50 ms after it is asked to, the wave drained; the n-th enqueue answered `status`. */
const runAnswering = (n: number, status: number) =>
  run({
    restartable: ["postgres"],
    stopMs: 50,
    jobHistory: drainedWave,
    failRequest: (method, path, k) =>
      method === "POST" && path === "/api/backtests" && k === n ? status : undefined,
  });

/** A one-wave jobs evidence with a Postgres restart and no stream, around `events`. */
const pgEvidence = (
  jobs: JobsEvidence["history"]["jobs"],
  events: JobsEvidence["history"]["events"],
  window: { downAt: number; upAt: number },
): JobsEvidence => ({
  range: { start: "2024-01-02T14:30:00.000Z", end: "2024-01-02T21:00:00.000Z" },
  armed: [],
  notArmed: [],
  jobsPerWave: jobs.length,
  waves: [{ accepted: jobs.map((j) => j.id), refused: [] }],
  ended: jobs.length,
  history: { jobs, events },
  restart: null,
  pgRestart: { notRun: null, window, stream: { accepted: [], refused: [], queueFull: 0 } },
});

const restartOf = (r: { readonly evidence?: RunEvidence | undefined }) => {
  const pg = r.evidence?.profile === "jobs" ? r.evidence.jobs.pgRestart : undefined;
  if (!pg?.window || !pg.stream) throw new Error("no Postgres restart with a stream");
  return { window: pg.window, stream: pg.stream };
};

describe("jobs profile with a Postgres restart (in memory, on the test clock)", () => {
  it.effect("PASSes: the restart hit jobs in flight, none lost or run twice", () =>
    Effect.gen(function* () {
      const r = yield* run({ restartable: ["postgres"], jobHistory: late });
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(r.world.restarts).toEqual(["postgres"]);
      // the wave's 6, and what streamed in before Postgres went down
      const { window, stream } = restartOf(r);
      const streamedBefore = stream.accepted.filter((j) => j.at <= window.downAt).length;
      expect(checkNamed(r, "pg_restart.jobs_in_flight").actual).toBe(6 + streamedBefore);
      expect(r.metrics["pg_restart.down_ms"]).toBe(2_000);
      // the streamed jobs are judged as the wave's: every one completed once
      expect(stream.accepted.length).toBeGreaterThan(0);
      expect(r.metrics["jobs.completed_count"]).toBe(6 + stream.accepted.length);
      expect(checkNamed(r, "jobs.enqueued").actual).toBe(6 + stream.accepted.length);
      // the export's evidence re-judges to the same checks
      const ev = r.evidence?.profile === "jobs" ? r.evidence.jobs : null;
      expect(ev && judgeJobs(ev).checks.map((c) => c.name)).toContain("pg_restart.jobs_in_flight");
    }),
  );

  it.effect(
    "PASSes when the wave drained before the stop came: the jobs streamed in were in flight",
    () =>
      Effect.gen(function* () {
        // Postgres goes down 50 ms after it is asked to; the wave's 6 finished an hour
        // before, the streamed jobs (ids after 6) only after it
        const r = yield* run({ restartable: ["postgres"], stopMs: 50, jobHistory: drainedWave });
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        const { window, stream } = restartOf(r);
        expect(window.downAt).toBeGreaterThanOrEqual(50);
        const streamedBefore = stream.accepted.filter((j) => j.at <= window.downAt);
        expect(streamedBefore.length).toBeGreaterThan(1);
        expect(checkNamed(r, "pg_restart.jobs_in_flight").actual).toBe(streamedBefore.length);
        // the stream stopped at the outage: one key per job, no job made twice by a retry
        expect(stream.accepted.length).toBeLessThanOrEqual(streamedBefore.length + 2);
        expect(r.world.enqueued.length).toBe(6 + stream.accepted.length);
        expect(stream.refused).toEqual([]);
      }),
  );

  it.effect(
    "goes on streaming past an enqueue a crashed instance dropped (502): only the outage stops it",
    () =>
      Effect.gen(function* () {
        // the wave is enqueues 1-6; the stream's second is answered 502
        const r = yield* runAnswering(8, 502);
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        const { window, stream } = restartOf(r);
        // the 502'd one was retried (same key, accepted), and more came after it
        expect(stream.accepted.filter((j) => j.at <= window.downAt).length).toBeGreaterThan(10);
        expect(r.world.enqueued.length).toBe(6 + stream.accepted.length);
      }),
  );

  it.effect(
    "FAILs jobs.enqueued when a streamed enqueue is refused (a 429 that is not QUEUE_FULL)",
    () =>
      Effect.gen(function* () {
        const r = yield* runAnswering(9, 429);
        expect(restartOf(r).stream.refused).toEqual(["429 HTTP_429"]);
        const enqueued = checkNamed(r, "jobs.enqueued");
        expect(enqueued.pass).toBe(false);
        expect(enqueued.detail).toContain("429 HTTP_429");
      }),
  );

  it.effect(
    "an enqueue first dropped (502), whose retries run into a long outage, waits it out",
    () =>
      Effect.gen(function* () {
        // down at once, for 20 s: longer than an enqueue's own retries (~6 s); the
        // stream's first enqueues and their immediate retries are dropped (502)
        const r = yield* run({
          restartable: ["postgres"],
          downMs: 20_000,
          failRequest: (method, path, k) =>
            method === "POST" && path === "/api/backtests" && k >= 7 && k <= 10 ? 502 : undefined,
        });
        const { stream } = restartOf(r);
        expect(stream.refused).toEqual([]);
        expect(stream.accepted.length).toBeGreaterThanOrEqual(1);
        expect(checkNamed(r, "jobs.enqueued").pass).toBe(true);
        expect(r.metrics["pg_restart.down_ms"]).toBe(20_000);
      }),
  );

  it.effect("FAILs naming the check when a streamed job is lost across the restart", () =>
    Effect.gen(function* () {
      const r = yield* run({
        restartable: ["postgres"],
        stopMs: 50,
        jobHistory: (ids) => {
          const h = drainedWave(ids);
          // job 8 (streamed in) never ran: queued still at the end
          return {
            jobs: h.jobs.map((j) => (j.id === "8" ? { ...j, status: "queued" as const } : j)),
            events: h.events.filter((e) => e.jobId !== "8"),
          };
        },
      });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "pg_restart.jobs_in_flight").pass).toBe(true);
      expect(checkNamed(r, "jobs.lost").actual).toBe(1);
      expect(checkNamed(r, "jobs.lost").pass).toBe(false);
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

  it("a job streamed in after Postgres came back was not in flight when it went down", () => {
    const h = cleanHistory(["1", "2"]);
    // job 1 (the wave) finished before the stop; job 2's 202 came after the restart
    const events = h.events.map((e) => (e.jobId === "2" ? { ...e, at: e.at + 5_000 } : e));
    const ev: JobsEvidence = {
      range: { start: "2024-01-02T14:30:00.000Z", end: "2024-01-02T21:00:00.000Z" },
      armed: [],
      notArmed: [],
      jobsPerWave: 1,
      waves: [{ accepted: ["1"], refused: [] }],
      ended: 2,
      history: { jobs: h.jobs, events },
      restart: null,
      pgRestart: {
        notRun: null,
        window: { downAt: 1_000, upAt: 3_000 },
        stream: { accepted: [{ id: "2", at: 3_100 }], refused: [], queueFull: 0 },
      },
    };
    const c = judgeJobs(ev).checks.find((x) => x.name === "pg_restart.jobs_in_flight");
    expect(c).toMatchObject({ actual: 0, pass: false });
    // accepted by the stop (at <= downAt), it was
    const window = { downAt: 1_000, upAt: 3_000 };
    const before: JobsEvidence = {
      ...ev,
      pgRestart: {
        notRun: null,
        window,
        stream: { accepted: [{ id: "2", at: 1_000 }], refused: [], queueFull: 0 },
      },
    };
    expect(
      judgeJobs(before).checks.find((x) => x.name === "pg_restart.jobs_in_flight"),
    ).toMatchObject({ actual: 1, pass: true });
  });

  it("a job whose attempt failed for good before Postgres went down was not in flight", () => {
    const h = cleanHistory(["1"]);
    const at = (e: (typeof h.events)[number]) =>
      e.kind === "finish" ? { ...e, kind: "failed" as const } : e;
    const start = {
      jobId: "1",
      attempt: 2,
      kind: "start",
      instanceId: "i2",
      bootId: "b2",
    } as const;
    const ev = pgEvidence(h.jobs, h.events.map(at), { downAt: 1_000, upAt: 3_000 });
    expect(judgeJobs(ev).checks.find((x) => x.name === "pg_restart.jobs_in_flight")).toMatchObject({
      actual: 0,
      pass: false,
    });
    // its retry had started before the restart and was still running then: in flight
    const running = [
      ...h.events.map(at),
      { ...start, at: 900 },
      { ...start, kind: "finish" as const, at: 3_500 },
    ];
    expect(
      judgeJobs(pgEvidence(h.jobs, running, { downAt: 1_000, upAt: 3_000 })).checks.find(
        (x) => x.name === "pg_restart.jobs_in_flight",
      ),
    ).toMatchObject({ actual: 1, pass: true });
    // retried after the restart, it was still pending then: in flight
    const retried = [...h.events.map(at), { ...start, at: 3_500 }];
    expect(
      judgeJobs(pgEvidence(h.jobs, retried, { downAt: 1_000, upAt: 3_000 })).checks.find(
        (x) => x.name === "pg_restart.jobs_in_flight",
      ),
    ).toMatchObject({ actual: 1, pass: true });
  });

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
