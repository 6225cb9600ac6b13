import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { checkOf, TOKEN_ENV } from "../support/ops.ts";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";
import { fullRun, testMs, withFault } from "./runs.ts";

/**
 * Issue 18, point 3: the db profile in full (non-quick) mode, compressed, on a real
 * 2-instance cluster over a Postgres of this file's own (the profile counts pool
 * exhaustion: not on the Postgres the other test files share). Full mode repeats both
 * bursts a minute after the last round ended; PASS healthy, FAIL when i2 answers 10 % of
 * its requests 500 from the second round on (the defect starts in the step full mode
 * adds, so the FAIL shows the rounds after the first are judged).
 */
let pg: PrivateServer;
let c: TestCluster;

/**
 * Db: the first round, then one a minute after the last ended while that minute ends
 * 15 s short of the duration (120 s at 2.25 minutes): exactly 2 rounds whenever the first
 * (with setup and the plans) ends within 60 s (5-21 s seen here), never a third (it would
 * need the second to end within 60 s). At 2.5 minutes a quiet machine made 3 rounds: a
 * minute more of CI for nothing the second does not show.
 */
const DB_MIN = 2.25;

/**
 * The latency gates (creations p95 500 ms, cold reads p95 800 ms) are timings: loosened
 * through the run's parameters (dbProfile.test.ts: 20 s; this machine's p95 went past
 * 20 s with other clusters running). Every other gate is the seed's.
 */
const DB = { creationP95Ms: 120_000, coldReadP95Ms: 120_000 };

beforeAll(async () => {
  pg = await startPrivatePostgres();
  c = await startTestCluster("compressed-db", {
    instances: 2,
    env: {
      ...TOKEN_ENV,
      DATABASE_URL: `${pg.url}/sp_compressed_db`,
      // 50 creations at once must not meet the queue cap (its own profile's business)
      QUEUE_MAX_PENDING: "1000",
      DB_POOL_MAX: "10",
      // the run's lease 60 s instead of 15 s: on this shared 2-core machine the runner was
      // starved past 15 s (load average 60) and a run aborted LEASE_LAPSED. A liveness
      // bound, not a check: nothing here kills the runner.
      SCALE_TEST_LEASE_MS: "60000",
    },
  });
}, 240_000);
afterAll(async () => {
  await c?.close();
  await pg?.close();
});

/** The burst rounds the run made, from its evidence. */
const roundsOf = (doc: Awaited<ReturnType<typeof fullRun>>["doc"]) => {
  if (doc.evidence?.profile !== "db") throw new Error("no db evidence");
  return doc.evidence.db.rounds;
};

describe("compressed full-mode runs of db on a real 2-instance cluster", () => {
  it(
    "db, 2.25 min: PASSes, both bursts repeated (2 rounds), every backtest created",
    async () => {
      const { run, doc, failing } = await fullRun(c, "db", DB_MIN, "db-pass", { db: DB });
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      expect(doc.parameters).toMatchObject({ quick: false, durationMin: DB_MIN });
      const rounds = roundsOf(doc);
      expect(rounds).toHaveLength(2);
      expect(checkOf(run, "creations.p95_ms").detail).toMatch(/worst of 2 rounds/);
      // 50 creations and 100 cold reads a round, each read a MISS on its own key
      expect(rounds.map((r) => r.creations.jobIds.length)).toEqual([50, 50]);
      expect(checkOf(run, "cold_reads.cold").actual).toBe(200);
      expect(checkOf(run, "plans.full_scans").actual).toBe(0);
      expect(checkOf(run, "creations.instances").actual).toBe(2);
    },
    testMs(DB_MIN),
  );

  it(
    "db, 2.25 min, 10 % of i2's answers 500 from the second round on (error-requests): FAILs the bursts",
    async () => {
      const { run, doc, failingNames } = await withFault(c, [], () =>
        fullRun(
          c,
          "db",
          DB_MIN,
          "db-errors-in-rounds",
          { db: DB },
          {
            step: "rounds",
            fault: { name: "error-requests", instanceId: "i2", params: { rate: 0.1 } },
          },
        ),
      );
      expect(run.verdict).toBe("FAIL");
      expect(roundsOf(doc)).toHaveLength(2);
      expect(checkOf(run, "creations.p95_ms").detail).toMatch(/worst of 2 rounds/);
      expect(failingNames).toEqual(
        expect.arrayContaining(["creations.failures", "cold_reads.failures"]),
      );
      expect(checkOf(run, "creations.failures").detail).toMatch(/500/);
      // the plans are not what broke
      expect(checkOf(run, "plans.full_scans").pass).toBe(true);
    },
    testMs(DB_MIN),
  );
});
