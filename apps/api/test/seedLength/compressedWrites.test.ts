import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { checkOf, TOKEN_ENV } from "../support/ops.ts";
import { type PrivateServer, startPrivatePostgres } from "../support/privateServers.ts";
import { COMPRESSED_ENV, fullRun, testMs, withFault } from "./runs.ts";

/**
 * Issue 18, point 3: the write profiles (ingest, uploads) and the db profile in full
 * (non-quick) mode, compressed, on a real 2-instance cluster over a Postgres of this
 * file's own (the db profile counts pool exhaustion, and the uploads write hundreds of
 * MB: neither belongs on the Postgres the other test files share). The uploads' and the
 * db's defects start mid-run, in the step full mode stretches (the soak, the rounds).
 */
let pg: PrivateServer;
let c: TestCluster;

/** Ingest: the seed's ladder 5/10/25/50 per s at 15 s a level (quick: 5 s), i2 killed mid-25. */
const INGEST_MIN = 1;
/** Uploads: the concurrent burst, then a soak of 2 minutes (quick: 1). */
const UPLOADS_MIN = 2;
/**
 * Db: the first round, then a round a minute (after the last ended) while the clock is
 * 15 s short of the duration: 2 rounds or more (the second needs the first to end within
 * 105 s: at 2 minutes a slow first round, 60 s under load, left no room for it).
 */
const DB_MIN = 3;

/**
 * Timings loosened: the flush-lag bound (500 ms, as in ingestProfile.test.ts), and the
 * achieved gate, which counts a snapshot only if acknowledged within 10 s of its send
 * time (on this shared machine 15 s at 50/s saw 85 %, acks 8.6 s late at p95).
 */
const INGEST = { flushLagP95Ms: 10_000, achievedPct: [50] };
/**
 * 12 uploads of 10 MB at once and 12 in the soak: the seed's 100 MB x 62 would write
 * 6 GB into Postgres, beyond a CI run. The soak's +/-20 % upload-time gate is a timing:
 * loosened, as in uploadsProfile.test.ts.
 */
const UPLOADS = { sizeMb: 10, soakUploads: 12, soakTimeDriftPct: 200 };
/**
 * The latency gates loosened (as in dbProfile.test.ts, further: this machine's p95 went
 * past 20 s with other clusters running); every other gate is the seed's.
 */
const DB = { creationP95Ms: 120_000, coldReadP95Ms: 120_000 };

beforeAll(async () => {
  pg = await startPrivatePostgres();
  c = await startTestCluster("compressed-writes", {
    instances: 2,
    // 50 creations at once must not meet the queue cap (its own profile's business)
    // the jobs' default lease: a 10-MB upload's processing job lost its 1.5-s lease under
    // load until its attempts ran out (the calibrated short lease is the jobs profile's)
    env: {
      ...TOKEN_ENV,
      MEMORY_SAMPLE_MS: COMPRESSED_ENV.MEMORY_SAMPLE_MS,
      DATABASE_URL: `${pg.url}/sp_compressed_writes`,
      QUEUE_MAX_PENDING: "1000",
      DB_POOL_MAX: "10",
    },
  });
}, 240_000);
afterAll(async () => {
  await c?.close();
  await pg?.close();
});

describe("compressed full-mode runs of ingest, uploads and db on a real 2-instance cluster", () => {
  it(
    "ingest, 1 min: PASSes with i2 SIGKILLed mid-run, every acknowledged snapshot stored once",
    async () => {
      const { run, failing } = await fullRun(c, "ingest", INGEST_MIN, "ingest-pass", {
        ingest: INGEST,
      });
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      // every level 15 s long: 50 per s offered 750
      expect(checkOf(run, "ingest.level_50.achieved_pct").detail).toMatch(/^\d+\/750 acknowledged/);
      expect(checkOf(run, "ingest.lost").actual).toBe(0);
      expect(checkOf(run, "ingest.crash.instance_restarted").pass).toBe(true);
    },
    testMs(INGEST_MIN),
  );

  it(
    "ingest, 1 min, answers before the flush (ingest-ack-before-flush): FAILs, the killed instance's acknowledged rows lost",
    async () => {
      const { run, failingNames } = await withFault(
        c,
        [{ name: "ingest-ack-before-flush", params: { holdMs: 2_000 } }],
        () => fullRun(c, "ingest", INGEST_MIN, "ingest-ack-before-flush", { ingest: INGEST }),
      );
      expect(run.verdict).toBe("FAIL");
      const lost = checkOf(run, "ingest.lost");
      expect(lost.pass).toBe(false);
      expect(lost.actual).toBeGreaterThan(0);
      // the killed instance (never the runner, i1) had acknowledged them
      expect(lost.detail).toMatch(/\(acknowledged by i2\)/);
      expect(failingNames).toContain("ingest.lost");
    },
    testMs(INGEST_MIN),
  );

  it(
    "uploads, 2 min: PASSes, 12 at once and a 2-minute soak, every byte stored as sent",
    async () => {
      const { run, failing } = await fullRun(c, "uploads", UPLOADS_MIN, "uploads-pass", {
        uploads: UPLOADS,
      });
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      expect(checkOf(run, "uploads.soak.failures_pct")).toMatchObject({
        expected: "<= 5 % of 12 uploads",
        actual: 0,
      });
      // a soak shorter than two 10-minute windows: judged by its slope, as the quick soak
      expect(checkOf(run, "uploads.soak.rss_growth_mb_per_h").expected).toMatch(
        /^Theil-Sen slope over the soak below 1200 MB\/h/,
      );
    },
    testMs(UPLOADS_MIN),
  );

  it(
    "uploads, 2 min, a chunk corrupted at rest once the soak has started (upload-corrupt-chunk): FAILs",
    async () => {
      const { run, failingNames } = await withFault(c, [], () =>
        fullRun(
          c,
          "uploads",
          UPLOADS_MIN,
          "uploads-corrupt-chunk-in-soak",
          { uploads: UPLOADS },
          { step: "soak", fault: { name: "upload-corrupt-chunk" } },
        ),
      );
      expect(run.verdict).toBe("FAIL");
      const stored = checkOf(run, "uploads.stored_as_sent");
      expect(stored).toMatchObject({ actual: 1, pass: false });
      expect(stored.detail).toMatch(/chunk \d: stored bytes hash to/);
      // the instance refused to finalize it: one of the 12 soak uploads failed (8.3 % > 5 %)
      expect(failingNames).toEqual(
        expect.arrayContaining(["uploads.stored_as_sent", "uploads.soak.failures_pct"]),
      );
      // the concurrent burst before the soak was clean
      expect(checkOf(run, "uploads.failures")).toMatchObject({ actual: 0, pass: true });
    },
    testMs(UPLOADS_MIN),
  );

  it(
    "db, 3 min: PASSes, both bursts repeated (2 rounds or more), every backtest created",
    async () => {
      const { run, failing } = await fullRun(c, "db", DB_MIN, "db-pass", { db: DB });
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      expect(checkOf(run, "creations.p95_ms").detail).toMatch(/worst of [2-9] rounds/);
      expect(checkOf(run, "cold_reads.cold").actual).toBeGreaterThanOrEqual(200);
      expect(checkOf(run, "plans.full_scans").actual).toBe(0);
      expect(checkOf(run, "creations.instances").actual).toBe(2);
    },
    testMs(DB_MIN),
  );

  it(
    "db, 3 min, 10 % of i2's answers 500 from the second round on (error-requests): FAILs the bursts",
    async () => {
      const { run, failingNames } = await withFault(c, [], () =>
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
      expect(checkOf(run, "creations.p95_ms").detail).toMatch(/worst of [2-9] rounds/);
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
