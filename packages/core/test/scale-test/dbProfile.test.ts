import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { RunInput } from "../../src/scale-test/schema.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const run = (options: WorldOptions = {}, over: Partial<RunInput> = {}) =>
  simulate({ profile: "db", quick: true, ...over }, options, "10 minutes");

describe("db profile (in memory, on the test clock)", () => {
  it.effect(
    "PASSes a healthy database: plans on their indexes, both bursts complete, pools watched",
    () =>
      Effect.gen(function* () {
        const r = yield* run();
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(stepsOf(r.world)).toEqual([
          "preflight",
          "setup",
          "explain",
          "creations",
          "cold-reads",
          "settle",
          "verify",
          "verdict",
        ]);
        expect(checkNamed(r, "plans.statements_explained").detail).toBe(
          "claimJobs, heartbeatJob, currentScaleTestRun",
        );
        // the seed's numbers: 50 creations over both instances, 100 cold reads on their own keys
        expect(r.world.enqueued).toHaveLength(50);
        expect(checkNamed(r, "creations.instances").actual).toBe(2);
        expect(checkNamed(r, "cold_reads.cold")).toMatchObject({ actual: 100, pass: true });
        expect(new Set(r.world.barsEvents.map((e) => e.key)).size).toBe(100);
        expect(r.metrics["creations.jobs_ended_count"]).toBe(50);
        expect(r.metrics["cold_reads.pool_readings_count"]).toBeGreaterThanOrEqual(2);
        expect(r.metrics["cold_reads.pool_waiting_max_count"]).toBe(0);
        expect(r.notes?.index_scans).toMatch(/^jobs_pkey \+\d+, jobs_claimable \+\d+$/);
        expect(r.notes?.index_scans).not.toMatch(/scale_test_runs_created/);
        expect(r.notes?.["plans.skipped"]).toBe("enqueueCappedJobs");
      }),
  );

  it.effect(
    "FAILs when the claim query reads the whole jobs table, naming the query and the table",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ db: { claimSeqScan: true } });
        expect(r.verdict).toBe("FAIL");
        const scans = checkNamed(r, "plans.full_scans");
        expect(scans).toMatchObject({ actual: 1, pass: false });
        expect(scans.detail).toBe("claimJobs: Seq Scan on jobs (100000 rows)");
        expect(r.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual(["plans.full_scans"]);
      }),
  );

  it.effect("a higher row threshold asked for by the run lets the same scan pass", () =>
    Effect.gen(function* () {
      const r = yield* run({ db: { claimSeqScan: true } }, { db: { seqScanRows: 200_000 } });
      expect(checkNamed(r, "plans.full_scans").pass).toBe(true);
    }),
  );

  it.effect("FAILs on deadlocks Postgres counted during the creation burst", () =>
    Effect.gen(function* () {
      const r = yield* run({ db: { deadlocksPerRead: 1 } });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "creations.deadlocks")).toMatchObject({ actual: 1, pass: false });
    }),
  );

  it.effect("refused creations are failures, each counted, none retried", () =>
    Effect.gen(function* () {
      const r = yield* run({
        failRequest: (method, _path, n) => (method === "POST" && n % 10 === 0 ? 503 : undefined),
      });
      expect(r.verdict).toBe("FAIL");
      const failed = checkNamed(r, "creations.failures");
      expect(failed.actual).toBe(5);
      expect(failed.detail).toMatch(/^503 HTTP_503/);
      expect(r.world.requests.get("POST /api/backtests")).toBe(50);
    }),
  );

  it.effect("records the waiting count the pools showed during the cold reads", () =>
    Effect.gen(function* () {
      const r = yield* run({ db: { waiting: 4 } });
      expect(r.metrics["cold_reads.pool_waiting_max_count"]).toBe(4);
      expect(r.metrics["cold_reads.i1.pool_waiting_max_count"]).toBe(4);
      expect(r.metrics["cold_reads.i2.pool_waiting_max_count"]).toBe(4);
    }),
  );

  it.effect("a full run repeats both bursts once a minute and judges the worst round", () =>
    Effect.gen(function* () {
      const r = yield* simulate(
        { profile: "db", durationMin: 3, db: { creations: 5, coldReads: 10 } },
        {},
        "10 minutes",
      );
      expect(r.verdict).toBe("PASS");
      expect(r.metrics.rounds_count).toBe(3);
      expect(r.world.enqueued).toHaveLength(15);
      expect(checkNamed(r, "creations.p95_ms").detail).toBe("5 at once, worst of 3 rounds");
      expect(stepsOf(r.world)).toContain("rounds");
    }),
  );
});
