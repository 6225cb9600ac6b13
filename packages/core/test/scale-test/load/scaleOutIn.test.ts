import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { ExecutionEvent } from "../../../src/jobs/events.ts";
import type { LevelEvidence } from "../../../src/scale-test/profiles/load/evidence.ts";
import type { ScaleOutInEvidence } from "../../../src/scale-test/profiles/load/scaleOutIn.ts";
import {
  EVENTS_WAIT_MS,
  SETTLE_WAIT_MS,
} from "../../../src/scale-test/profiles/load/scaleOutInAfter.ts";
import { HOLD_JOBS, HOLD_WAIT_MS } from "../../../src/scale-test/profiles/load/scaleOutInHold.ts";
import { judgeScaleOutIn } from "../../../src/scale-test/profiles/load/scaleOutInJudge.ts";
import { cleanHistory } from "../../../src/scale-test/testing/jobs.ts";
import { healthyLevel } from "../../../src/scale-test/testing/load.ts";
import type { WorldOptions } from "../../../src/scale-test/testing/world.ts";
import { checkNamed } from "../simulate.ts";
import { simulateLoad } from "./simulateLoad.ts";

/** Each held job ran once; job "1"'s first attempt was on i3, handed back at the stop, and i1 ran it again. */
const releasedOnI3 = (ids: readonly string[]) => {
  const h = cleanHistory(ids);
  const at = 10_000;
  return {
    jobs: h.jobs.map((j) => (j.id === "1" ? { ...j, attemptCount: 2 } : j)),
    events: [
      ...h.events.filter((e) => e.jobId !== "1"),
      { jobId: "1", attempt: 1, kind: "start", at, instanceId: "i3", bootId: "b3" },
      { jobId: "1", attempt: 1, kind: "released", at: at + 100, instanceId: "i3", bootId: "b3" },
      {
        jobId: "1",
        attempt: 2,
        kind: "start",
        at: at + 200,
        instanceId: "i1",
        bootId: "b1",
        previousLeaseExpiresAt: at + 100,
      },
      { jobId: "1", attempt: 2, kind: "finish", at: at + 250, instanceId: "i1", bootId: "b1" },
    ] satisfies ExecutionEvent[],
  };
};
const scalable: WorldOptions = { scalable: true, jobHistory: releasedOnI3 };

/** Scale-out and scale-in during the sustained level (issue 14 #5). */
describe("load profile: scale-out and scale-in under load (in memory, on the test clock)", () => {
  it.effect(
    "where the platform can, an instance joins the sustained level, serves, holds a lease, hands it back and is stopped",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", scalable);
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(checkNamed(r, "load.scale_out_in.done").actual).toBe("i3 added, then stopped");
        // 20 s at 10 req/s over three instances for part of it
        expect(checkNamed(r, "load.scale_out.served").actual).toBeGreaterThan(0);
        expect(checkNamed(r, "load.scale_in.failed_requests").actual).toBe(0);
        expect(checkNamed(r, "load.scale_in.leases_handed_back").actual).toBe(1);
        // 200 arrivals, 1 in 20 a new key: 10 keys, 10 fetches by the events, Redis and the upstream
        expect(checkNamed(r, "load.scale_out_in.provider_fetches")).toMatchObject({
          actual: 10,
          expected:
            "= 10 (one provider fetch per distinct new key; events = Redis counter = upstream, where each can be read)",
          detail: "10 keys: redis 10, events 10, upstream 10 (events waited for 0 ms)",
        });
        // the 6 held jobs and the 4 enqueues acknowledged during the level, each found completed once
        expect(checkNamed(r, "load.scale_out_in.jobs_lost")).toMatchObject({
          actual: 0,
          detail:
            "10 jobs (4 acknowledged during the scaled level, 6 held), waited 0 ms for them to end",
        });
        expect(r.metrics).toMatchObject({
          "load.scale_in.leases_handed_back_count": 1,
          "load.scale_out_in.provider_fetches_count": 10,
          "load.scale_out_in.upstream_fetches_count": 10,
          "load.scale_out_in.redis_fetches_count": 10,
          "load.scale_out_in.distinct_keys_count": 10,
          "load.scale_out_in.jobs_lost_count": 0,
          "load.scale_in.failed_count": 0,
        });
        expect(r.metrics["load.scale_out.served_count"]).toBeGreaterThan(0);
        for (const [k, v] of Object.entries(r.metrics).filter(([k]) => k.includes("scale_")))
          expect([k, typeof v]).toEqual([k, "number"]);
        // the held jobs were enqueued through the front door and the upstream slowed for them
        expect(r.world.enqueued).toHaveLength(HOLD_JOBS + 4);
        expect(r.world.latency.size).toBe(0);
        expect(r.world.instances).toEqual(["i1", "i2"]);
        // the level i3 joined and left is no capacity reading: the cluster's size is still 2
        // (a sentence: a note once metrics are numbers only)
        expect({ ...r.metrics, ...r.notes }["load.recommendation"]).toMatch(
          /per instance \(2 instances;/,
        );
      }),
  );

  it.effect("one new key fetched twice during the scaled level FAILs provider_fetches alone", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true },
        { newKeyFetches: (level, i) => (level === "sustained" && i === 3 ? 2 : 1) },
        "5 minutes",
        scalable,
      );
      expect(r.verdict).toBe("FAIL");
      expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([
        "load.scale_out_in.provider_fetches",
      ]);
      const c = checkNamed(r, "load.scale_out_in.provider_fetches");
      expect(c.actual).toBe(11);
      expect(c.detail).toMatch(
        /^10 keys: redis 11, events 11, upstream 11 \(events waited for 0 ms\); bars:ES:1m:.*: events 2, upstream 2$/,
      );
    }),
  );

  it.effect("a job still unfinished after the bounded wait is lost: FAIL, not ignored", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", {
        ...scalable,
        jobHistory: (ids) => {
          const h = releasedOnI3(ids);
          return {
            jobs: h.jobs.map((j) => (j.id === "4" ? { ...j, status: "queued" as const } : j)),
            events: h.events.filter((e) => !(e.jobId === "4" && e.kind === "finish")),
          };
        },
      });
      expect(r.verdict).toBe("FAIL");
      expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([
        "load.scale_out_in.jobs_lost",
      ]);
      const c = checkNamed(r, "load.scale_out_in.jobs_lost");
      expect(c.actual).toBe(1);
      // it waited the whole bound (on the test clock) before calling it lost
      const waited = Number(/waited (\d+) ms/.exec(c.detail ?? "")?.[1]);
      expect(waited).toBeGreaterThanOrEqual(SETTLE_WAIT_MS);
      expect(c.detail).toMatch(/lost \(not found, or not completed exactly once\): 4$/);
    }),
  );

  it.effect(
    "a job still running when the level ends is waited for, and PASSes once it finishes",
    () =>
      Effect.gen(function* () {
        let reads = 0;
        const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", {
          ...scalable,
          jobHistory: (ids) => {
            const h = releasedOnI3(ids);
            // the first 8 reads (2 s at 250 ms) see job 5 still running
            if (++reads > 8) return h;
            return {
              jobs: h.jobs.map((j) => (j.id === "5" ? { ...j, status: "running" as const } : j)),
              events: h.events.filter((e) => !(e.jobId === "5" && e.kind === "finish")),
            };
          },
        });
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(checkNamed(r, "load.scale_out_in.jobs_lost").detail).toMatch(/waited 2000 ms/);
      }),
  );

  it.effect("the added instance never held a lease before the stop: not exercised, FAIL", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true },
        { probe: (p) => ({ ...p, jobsActive: 0 }) },
        "5 minutes",
        { scalable: true },
      );
      expect(r.verdict).toBe("FAIL");
      expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([
        "load.scale_in.leases_handed_back",
      ]);
      const c = checkNamed(r, "load.scale_in.leases_handed_back");
      expect(c.actual).toBe(0);
      expect(c.detail).toMatch(
        /^not exercised: i3 held no job lease when the stop was sent \(waited \d+ ms; 6 held jobs enqueued\)/,
      );
      const waited = Number(/waited (\d+) ms/.exec(c.detail ?? "")?.[1]);
      expect(waited).toBeGreaterThanOrEqual(HOLD_WAIT_MS);
    }),
  );

  it.effect("requests failing while the instance leaves FAIL it, naming the level's counts", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true },
        {
          level: (m, spec) =>
            spec.name === "sustained"
              ? { ...m, counts: { ...m.counts, answered: m.counts.answered - 2, failed: 2 } }
              : m,
        },
        "5 minutes",
        scalable,
      );
      expect(r.verdict).toBe("FAIL");
      const c = checkNamed(r, "load.scale_in.failed_requests");
      expect(c).toMatchObject({ actual: 2, pass: false });
      expect(c.detail).toBe("of 200 sent in the sustained level");
      expect(r.metrics["load.scale_in.failed_count"]).toBe(2);
    }),
  );

  it.effect(
    "where the runner cannot change the instance count: a note says not measured, no check",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true });
        expect(r.notes?.["load.scale_out_in"]).toBe(
          "not measured: this runner cannot change the instance count",
        );
        expect(
          Object.keys(r.metrics).filter((k) => /^load\.scale_(in|out|out_in)\./.test(k)),
        ).toEqual([]);
        expect(r.checks.some((c) => c.name.startsWith("load.scale_"))).toBe(false);
      }),
  );

  it.effect("turned off in the run's params: neither run nor reported", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true, load: { scaleOutIn: false } },
        {},
        "5 minutes",
        scalable,
      );
      expect(r.notes?.["load.scale_out_in"]).toBeUndefined();
      expect(r.checks.some((c) => c.name.startsWith("load.scale_"))).toBe(false);
      // no held job: only the load's own enqueues
      expect(r.world.enqueued.filter((id) => !id.startsWith("sustained-job-"))).toEqual([]);
      expect(r.verdict).toBe("PASS");
    }),
  );
});

/** The review's gaps (issue 14 #5), each on the test clock through the whole profile. */
describe("load profile: scale-out/in evidence gaps (in memory, on the test clock)", () => {
  const failingNames = (r: { checks: readonly { pass: boolean; name: string }[] }) =>
    r.checks.filter((c) => !c.pass).map((c) => c.name);

  it.effect(
    "an enqueue acknowledged during the scaled level that the queue never recorded is lost",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", scalable, {
          ackedNotQueued: (level) => (level === "sustained" ? ["sustained-ghost"] : []),
        });
        expect(r.verdict).toBe("FAIL");
        expect(failingNames(r)).toEqual(["load.scale_out_in.jobs_lost"]);
        const c = checkNamed(r, "load.scale_out_in.jobs_lost");
        expect(c.actual).toBe(1);
        expect(c.detail).toMatch(
          /^10 jobs \(5 acknowledged during the scaled level, 6 held\), .*: sustained-ghost$/,
        );
        // it was looked for the whole bound before being called lost
        expect(Number(/waited (\d+) ms/.exec(c.detail ?? "")?.[1])).toBeGreaterThanOrEqual(
          SETTLE_WAIT_MS,
        );
      }),
  );

  it.effect("a runner that records no acknowledged enqueues: jobs_lost not proven, FAIL", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", scalable, { noAcks: true });
      expect(failingNames(r)).toEqual(["load.scale_out_in.jobs_lost"]);
      expect(checkNamed(r, "load.scale_out_in.jobs_lost").actual).toBe("not proven");
    }),
  );

  it.effect(
    "a real provider (upstream blind): the Redis counter agreeing with the events PASSes",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", {
          ...scalable,
          upstreamBlind: true,
        });
        expect(failingNames(r)).toEqual([]);
        expect(checkNamed(r, "load.scale_out_in.provider_fetches")).toMatchObject({
          actual: 10,
          detail: "10 keys: redis 10, events 10, upstream not observable (events waited for 0 ms)",
        });
      }),
  );

  it.effect("a real provider and a Redis counter that cannot be read: not proven, FAIL", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true },
        {},
        "5 minutes",
        { ...scalable, upstreamBlind: true },
        { redis: "unreadable" },
      );
      expect(failingNames(r)).toEqual(["load.scale_out_in.provider_fetches"]);
      expect(checkNamed(r, "load.scale_out_in.provider_fetches").actual).toBe("not proven");
    }),
  );

  it.effect("a real provider and a fetch the events do not show (Redis one more): FAIL", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad(
        { quick: true },
        {},
        "5 minutes",
        { ...scalable, upstreamBlind: true },
        { redis: 1 },
      );
      expect(failingNames(r)).toEqual(["load.scale_out_in.provider_fetches"]);
      expect(checkNamed(r, "load.scale_out_in.provider_fetches").detail).toMatch(
        /^10 keys: redis 11, events 10, upstream not observable/,
      );
    }),
  );

  it.effect(
    "events still in the instances' buffers when first read: the read waits for them to land",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", scalable, {
          eventsLagMs: 3_000,
        });
        expect(failingNames(r)).toEqual([]);
        const c = checkNamed(r, "load.scale_out_in.provider_fetches");
        expect(c.actual).toBe(10);
        const waited = Number(/events waited for (\d+) ms/.exec(c.detail ?? "")?.[1]);
        expect(waited).toBeGreaterThanOrEqual(3_000);
        expect(waited).toBeLessThan(EVENTS_WAIT_MS);
      }),
  );

  it.effect("events that never land within the bound: the counts disagree, FAIL", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", scalable, {
        eventsLagMs: 60_000,
      });
      expect(failingNames(r)).toEqual(["load.scale_out_in.provider_fetches"]);
      const c = checkNamed(r, "load.scale_out_in.provider_fetches");
      expect(c.actual).toBe(0);
      expect(c.detail).toMatch(/^10 keys: redis 10, events 0, upstream 10/);
    }),
  );

  it.effect(
    "the added instance takes 28 s to join a 20 s level: served is not proven, FAIL (not a PASS, not a plain 0)",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", scalable, {
          addTakesMs: 28_000,
        });
        expect(r.verdict).toBe("FAIL");
        expect(failingNames(r)).toEqual(["load.scale_out.served"]);
        const c = checkNamed(r, "load.scale_out.served");
        expect(c.actual).toBe("not proven");
        // asked at 4 s (20 % of the level), in rotation at 32 s: after the level's 20 s
        expect(c.detail).toMatch(
          /^not proven: i3 was in rotation 0 ms before the level's arrivals ended \(it joined 32000 ms into a 20000 ms level\)/,
        );
        expect(r.metrics["load.scale_out.served_count"]).toBe(0);
      }),
  );

  it.effect("a join that leaves the instance enough of the level: it serves, PASS", () =>
    Effect.gen(function* () {
      const r = yield* simulateLoad({ quick: true }, {}, "5 minutes", scalable, {
        addTakesMs: 6_000,
      });
      expect(failingNames(r)).toEqual([]);
      expect(checkNamed(r, "load.scale_out.served").actual).toBeGreaterThan(0);
    }),
  );
});

describe("the scale-out/in judge (pure)", () => {
  const sustained = (byInstance: Record<string, number>, failed = 0): LevelEvidence => {
    const m = healthyLevel(
      { name: "sustained", rate: 10, durationMs: 20_000, seed: 6 },
      ["i1", "i2", "i3"],
      0,
    );
    return {
      level: {
        name: "sustained",
        kind: "sustained",
        rate: 10,
        durationMs: 20_000,
        cooldownMs: 3_000,
        gate: { achievedPct: 95, p95Ms: 100, errorPassPct: 0.1, errorFailPct: 1 },
      },
      measure: {
        ...m,
        counts: { ...m.counts, failed },
        byInstance: Object.fromEntries(
          Object.entries(byInstance).map(([id, answered]) => [
            id,
            { bootIds: [`${id}-b`], answered, failed: 0, shed: 0 },
          ]),
        ),
      },
      resources: [],
      probes: [],
    };
  };
  const healthy: ScaleOutInEvidence = {
    added: "i3",
    addedAt: 4_000,
    stopped: "i3",
    stoppedAt: 15_000,
    error: null,
    stoppedAttempts: [
      { jobId: "j1", attempt: 1, outcome: "finish" },
      { jobId: "j2", attempt: 1, outcome: "released" },
    ],
    duplicates: 0,
    overlaps: 0,
    hold: { jobs: ["j2", "j3"], slowed: true, activeAtStop: 1, waitedMs: 300 },
    settle: { jobs: 12, lost: [], waitedMs: 250, acked: 4 },
    fetches: { keys: 10, persisted: 10, upstream: 10, redis: 10, off: [] },
  };
  const level = sustained({ i1: 80, i2: 80, i3: 40 });
  const failing = (ev: ScaleOutInEvidence, l = level) =>
    judgeScaleOutIn(ev, l)
      .checks.filter((c) => !c.pass)
      .map((c) => c.name);
  const named = (ev: ScaleOutInEvidence, name: string) =>
    checkNamed(judgeScaleOutIn(ev, level), name);

  it("passes a join, a drain, a hand-back, every job once and one fetch per key", () => {
    expect(failing(healthy)).toEqual([]);
    expect(judgeScaleOutIn(healthy, level).metrics).toEqual({
      "load.scale_out.served_count": 40,
      "load.scale_in.failed_count": 0,
      "load.scale_in.leases_handed_back_count": 1,
      "load.scale_out_in.jobs_lost_count": 0,
      "load.scale_out_in.distinct_keys_count": 10,
      "load.scale_out_in.provider_fetches_count": 10,
      "load.scale_out_in.upstream_fetches_count": 10,
      "load.scale_out_in.redis_fetches_count": 10,
    });
    expect(judgeScaleOutIn(healthy, level).notes).toEqual({});
  });
  it("an added instance that never served fails (the balancer never took it in)", () => {
    expect(failing(healthy, sustained({ i1: 100, i2: 100 }))).toEqual(["load.scale_out.served"]);
  });
  it("one attempt on the stopped instance left to expire fails (its lease was not handed back)", () => {
    const ev = {
      ...healthy,
      stoppedAttempts: [
        ...healthy.stoppedAttempts,
        { jobId: "j3", attempt: 2, outcome: "died (lease expired)" },
      ],
    };
    expect(failing(ev)).toEqual(["load.scale_in.leases_handed_back"]);
  });
  it("a stop while the added instance held no lease is not exercised: FAIL, not a PASS on 0 of 0", () => {
    const ev: ScaleOutInEvidence = {
      ...healthy,
      stoppedAttempts: [],
      hold: { jobs: ["j2"], slowed: true, activeAtStop: 0, waitedMs: 5_000 },
    };
    expect(failing(ev)).toEqual(["load.scale_in.leases_handed_back"]);
    expect(named(ev, "load.scale_in.leases_handed_back").detail).toBe(
      "not exercised: i3 held no job lease when the stop was sent (waited 5000 ms; 1 held jobs enqueued); 0 attempts on i3: 0 released at the stop",
    );
    // an export without the hold (older runs) proves no hand-back either
    const { hold: _, ...older } = healthy;
    expect(failing(older)).toEqual(["load.scale_in.leases_handed_back"]);
  });
  it("a lease held at the stop but finished before it reached it: not exercised, FAIL", () => {
    const ev = { ...healthy, stoppedAttempts: [{ jobId: "j1", attempt: 1, outcome: "finish" }] };
    expect(failing(ev)).toEqual(["load.scale_in.leases_handed_back"]);
    expect(named(ev, "load.scale_in.leases_handed_back").detail).toMatch(
      /^not exercised: i3 held 1 job lease\(s\), but they ended before the stop reached them/,
    );
  });
  it("one job unfinished after the wait is lost: FAIL naming it", () => {
    const ev = { ...healthy, settle: { jobs: 12, lost: ["j7"], waitedMs: 30_000, acked: 4 } };
    expect(failing(ev)).toEqual(["load.scale_out_in.jobs_lost"]);
    expect(named(ev, "load.scale_out_in.jobs_lost")).toMatchObject({
      actual: 1,
      detail:
        "12 jobs (4 acknowledged during the scaled level, 2 held), waited 30000 ms for them to end; lost (not found, or not completed exactly once): j7",
    });
    expect(judgeScaleOutIn(ev, level).metrics["load.scale_out_in.jobs_lost_count"]).toBe(1);
  });
  it("no job evidence, or no jobs at all, is not a PASS", () => {
    const { settle: _, ...older } = healthy;
    expect(failing(older)).toEqual(["load.scale_out_in.jobs_lost"]);
    expect(failing({ ...healthy, settle: { jobs: 0, lost: [], waitedMs: 0, acked: 0 } })).toEqual([
      "load.scale_out_in.jobs_lost",
    ]);
    // the queue recorded none of the jobs it acknowledged: lost, named (not "no jobs")
    const none = { ...healthy, settle: { jobs: 0, lost: ["j9"], waitedMs: 30_000, acked: 1 } };
    expect(failing(none)).toEqual(["load.scale_out_in.jobs_lost"]);
    expect(named(none, "load.scale_out_in.jobs_lost").detail).toMatch(/: j9$/);
  });
  it("one extra provider fetch fails, by the events or by the upstream's own count", () => {
    const k = { key: "bars:v1:{x}", persisted: 2, upstream: 2 };
    expect(
      failing({
        ...healthy,
        fetches: { keys: 10, persisted: 11, upstream: 11, redis: 11, off: [k] },
      }),
    ).toEqual(["load.scale_out_in.provider_fetches"]);
    // the events say one each, the upstream counted one more (a fetch the events missed)
    const hidden = {
      keys: 10,
      persisted: 10,
      upstream: 11,
      redis: 10,
      off: [{ ...k, persisted: 1 }],
    };
    expect(failing({ ...healthy, fetches: hidden })).toEqual([
      "load.scale_out_in.provider_fetches",
    ]);
    // sums that agree cannot hide one key fetched twice and another never
    const swapped = {
      keys: 10,
      persisted: 10,
      upstream: 10,
      redis: 10,
      off: [k, { key: "bars:v1:{y}", persisted: 0, upstream: 0 }],
    };
    expect(failing({ ...healthy, fetches: swapped })).toEqual([
      "load.scale_out_in.provider_fetches",
    ]);
  });
  it("no new keys in the scaled level: provider fetches not exercised, FAIL", () => {
    const ev = { ...healthy, fetches: { keys: 0, persisted: 0, upstream: 0, off: [] } };
    expect(failing(ev)).toEqual(["load.scale_out_in.provider_fetches"]);
    expect(named(ev, "load.scale_out_in.provider_fetches").detail).toBe(
      "not exercised: the sustained level asked for no new key",
    );
  });
  it("a real provider that cannot count its own requests: the Redis counter must agree with the events", () => {
    const blind = { keys: 10, persisted: 10, upstream: null, off: [] };
    expect(failing({ ...healthy, fetches: { ...blind, redis: 10 } })).toEqual([]);
    expect(
      named({ ...healthy, fetches: { ...blind, redis: 10 } }, "load.scale_out_in.provider_fetches")
        .detail,
    ).toBe("10 keys: redis 10, events 10, upstream not observable");
    // Redis counted a fetch the events do not show
    expect(failing({ ...healthy, fetches: { ...blind, redis: 11 } })).toEqual([
      "load.scale_out_in.provider_fetches",
    ]);
    // with the upstream readable, a Redis count that disagrees fails too
    expect(
      failing({
        ...healthy,
        fetches: { keys: 10, persisted: 10, upstream: 10, off: [], redis: 9 },
      }),
    ).toEqual(["load.scale_out_in.provider_fetches"]);
  });
  it("neither the upstream nor the Redis counter readable: not proven, FAIL (events alone are no proof)", () => {
    for (const fetches of [{ keys: 10, persisted: 10, upstream: null, redis: null, off: [] }]) {
      const ev = { ...healthy, fetches };
      expect(failing(ev)).toEqual(["load.scale_out_in.provider_fetches"]);
      expect(named(ev, "load.scale_out_in.provider_fetches")).toMatchObject({
        actual: "not proven",
        detail:
          "not proven: neither the upstream nor the Redis counter could be read, and the events cannot vouch for themselves; 10 keys: redis not read, events 10, upstream not observable",
      });
    }
    expect(
      judgeScaleOutIn(
        { ...healthy, fetches: { keys: 10, persisted: 10, upstream: null, redis: null, off: [] } },
        level,
      ).metrics,
    ).not.toHaveProperty("load.scale_out_in.redis_fetches_count");
  });
  it("acknowledged enqueues not recorded (a runner without them): jobs_lost not proven, FAIL", () => {
    const settle = { ...(healthy.settle ?? { jobs: 0, lost: [], waitedMs: 0 }), acked: null };
    const ev = { ...healthy, settle };
    expect(failing(ev)).toEqual(["load.scale_out_in.jobs_lost"]);
    expect(named(ev, "load.scale_out_in.jobs_lost")).toMatchObject({
      actual: "not proven",
      detail:
        "not proven: the enqueues acknowledged during the scaled level were not recorded, so a job the queue acknowledged and dropped would go unseen (12 jobs of the run, 0 unfinished)",
    });
  });
  it("fewer job ids recorded than enqueues answered 202 in the level: jobs_lost not proven, FAIL (review: 0 ids counted as proof)", () => {
    const accepted5 = (l: LevelEvidence): LevelEvidence =>
      l.measure ? { ...l, measure: { ...l.measure, statuses: { "200": 195, "202": 5 } } } : l;
    for (const acked of [0, 4]) {
      const ev = { ...healthy, settle: { jobs: 12, lost: [], waitedMs: 250, acked } };
      expect(failing(ev, accepted5(level))).toEqual(["load.scale_out_in.jobs_lost"]);
      expect(
        checkNamed(judgeScaleOutIn(ev, accepted5(level)), "load.scale_out_in.jobs_lost"),
      ).toMatchObject({
        actual: "not proven",
        detail: `not proven: ${acked} job ids recorded for 5 enqueues answered 202 during the scaled level, so a job the queue acknowledged and dropped would go unseen (12 jobs of the run, 0 unfinished)`,
      });
    }
    // as many ids as 202s (or more: a repeated idempotency key answers 200 with its id)
    const ev = { ...healthy, settle: { jobs: 12, lost: [], waitedMs: 250, acked: 5 } };
    expect(failing(ev, accepted5(level))).toEqual([]);
  });
  it("an export from before the ids and the Redis count were kept is judged as it was (re-judge agrees)", () => {
    const { acked: _, ...settle } = healthy.settle ?? { jobs: 0, lost: [], waitedMs: 0 };
    const fetches = { keys: 10, persisted: 10, upstream: null, off: [] };
    expect(failing({ ...healthy, settle, fetches })).toEqual([]);
  });
  it("an added instance that joined too late to be sent anything: served is not proven, FAIL; one that served late PASSes", () => {
    // the level ran 0..20 s; i3 was in rotation from 19 s: 1 s, under the 2 s needed at 10 req/s
    const late: ScaleOutInEvidence = { ...healthy, addedAt: 19_000, stoppedAt: 25_000 };
    const idle = sustained({ i1: 100, i2: 100 });
    expect(failing(late, idle)).toEqual(["load.scale_out.served"]);
    expect(checkNamed(judgeScaleOutIn(late, idle), "load.scale_out.served")).toMatchObject({
      actual: "not proven",
      detail:
        "not proven: i3 was in rotation 1000 ms before the level's arrivals ended (it joined 19000 ms into a 20000 ms level); 2000 ms at 10 req/s needed before 0 answers mean anything: ask for a longer sustained level",
    });
    // joined after the level had ended (the ~28 s join seen under load)
    const after: ScaleOutInEvidence = { ...healthy, addedAt: 32_000, stoppedAt: 33_000 };
    expect(checkNamed(judgeScaleOutIn(after, idle), "load.scale_out.served").detail).toMatch(
      /^not proven: i3 was in rotation 0 ms before the level's arrivals ended \(it joined 32000 ms into a 20000 ms level\)/,
    );
    // late, but it answered: proven
    expect(failing(late, sustained({ i1: 90, i2: 90, i3: 3 }))).toEqual([]);
    // in rotation long enough and still 0: the balancer never took it in (a plain FAIL, 0)
    expect(checkNamed(judgeScaleOutIn(healthy, idle), "load.scale_out.served")).toMatchObject({
      actual: 0,
      pass: false,
    });
  });
  it("a job finished twice fails", () => {
    expect(failing({ ...healthy, duplicates: 1 })).toEqual(["load.scale_out_in.jobs_once"]);
  });
  it("a platform that refused the stop fails, and a note says why", () => {
    const ev = {
      ...healthy,
      stopped: null,
      stoppedAt: null,
      error: "scale-in: the platform refused DELETE /instances/i3: 409",
    };
    const r = judgeScaleOutIn(ev, level);
    expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual([
      "load.scale_out_in.done",
      "load.scale_in.leases_handed_back",
    ]);
    expect(r.notes["load.scale_out_in"]).toBe(ev.error);
  });
});
