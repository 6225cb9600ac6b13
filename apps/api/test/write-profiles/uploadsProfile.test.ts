import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";

/**
 * The uploads profile on two real instance processes behind HAProxy, one real Postgres:
 * 12 uploads at once, a soak, every stored byte and processing job checked from the
 * database; and a chunk corrupted at rest after it was acknowledged, which it must catch.
 */
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("uploads-profile", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const MB = 1024 * 1024;

describe("uploads profile on a real 2-instance cluster", () => {
  it("PASSes: 12 x 10 MB at once and a 60 s soak, stored as sent, one processing job each", async () => {
    const admin = adminClient(c.url);
    // The soak's ±20 % upload-time gate is a timing: with 3 uploads a window on a machine
    // shared with other clusters it swings by more, so this test widens it.
    const { id } = await admin.scaleTest.run.mutate({
      profile: "uploads",
      quick: true,
      uploads: { soakTimeDriftPct: 200 },
    });
    const run = await waitForRun(admin, id, undefined, 170_000);
    expect(run.checks.filter((x) => !x.pass)).toEqual([]);
    expect(run.status).toBe("passed");
    expect(run.metrics["uploads.finalized_count"]).toBe(24);
    expect(run.metrics["uploads.mb_s"]).toBeGreaterThan(0);
    expect(Number(run.metrics["uploads.rss_peak_total_mb"])).toBeLessThan(2_048);
    // Independently of the profile: 24 uploads of the run, 10 MB each, every chunk's bytes
    // hashing to what was recorded on arrival, one completed job per upload.
    const [u] = await c.db.sql<{ n: number; bytes: bigint; intact: number; done: number }[]>`
      select count(distinct u.id)::int as n, sum(ch.size)::bigint as bytes,
             count(*) filter (where encode(sha256(ch.bytes), 'hex') = ch.sha256)::int as intact,
             count(distinct u.id) filter (where j.status = 'completed')::int as done
        from uploads u join upload_chunks ch on ch.upload_id = u.id
        left join jobs j on j.id = u.job_id
       where u.run_id = ${id}`;
    expect(u?.n).toBe(24);
    expect(Number(u?.bytes)).toBe(24 * 10 * MB);
    expect(u?.intact).toBe(24 * 3);
    expect(u?.done).toBe(24);
  }, 200_000);

  it("FAILs under upload-corrupt-chunk: an acknowledged chunk stored with a byte flipped", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({ name: "upload-corrupt-chunk" });
    try {
      const { id } = await admin.scaleTest.run.mutate({
        profile: "uploads",
        quick: true,
        uploads: { soakUploads: 4, soakDurationS: 8 },
      });
      const run = await waitForRun(admin, id, undefined, 110_000);
      expect(run.status).toBe("failed");
      const stored = checkOf(run, "uploads.stored_as_sent");
      expect(stored).toMatchObject({ actual: 1, pass: false });
      expect(stored.detail).toMatch(/chunk \d: stored bytes hash to/);
      // The instance refused to finalize it (its own verify caught it too): one failure, RISK alone.
      expect(checkOf(run, "uploads.failures")).toMatchObject({ actual: 1, zone: "risk" });
      // The database agrees: exactly one chunk of the run no longer hashes to its record.
      const [bad] = await c.db.sql<{ n: number }[]>`
        select count(*)::int as n from upload_chunks ch join uploads u on u.id = ch.upload_id
         where u.run_id = ${id} and encode(sha256(ch.bytes), 'hex') <> ch.sha256`;
      expect(bad?.n).toBe(1);
    } finally {
      await admin.faults.clear.mutate({ name: "upload-corrupt-chunk" });
    }
  }, 150_000);
});
