import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVIDENCE_TABLES, pruneEvidence } from "../src/queries/pruneEvidence.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("sp_prune");
});
afterAll(async () => {
  await db?.drop();
});

const DAY = 86_400_000;
const run = async (id: string, status: string) => {
  await db.sql`
    insert into scale_test_runs (id, profile, params, status, target_url, runner_instance_id,
                                 runner_boot_id, runner_version)
    values (${id}, 'cache', '{}', ${status}, 'http://x', 'i1', 'b1', 'v')`;
};
const barsEvent = (runId: string, at: Date) => db.sql`
  insert into bars_request_events (at, run_id, instance_id, boot_id, cache_key, outcome, cache_hit,
                                   lock_acquired, provider_fetch, coalesced, bytes_in, bytes_out, duration_ms)
  values (${at}, ${runId}, 'i1', 'b1', 'k', 'HIT', true, false, false, false, 0, 10, 1)`;
const count = async (runId: string) =>
  (
    await db.sql<
      { n: number }[]
    >`select count(*)::int as n from bars_request_events where run_id = ${runId}`
  )[0]?.n;

describe("pruneEvidence", () => {
  it("deletes by age and by row cap, oldest first, never an active run's rows", async () => {
    await run("old", "passed");
    await run("live", "running");
    const now = Date.now();
    for (let i = 0; i < 30; i++) await barsEvent("old", new Date(now - 10 * DAY + i));
    for (let i = 0; i < 30; i++) await barsEvent("live", new Date(now - 10 * DAY + i));
    for (let i = 0; i < 30; i++) await barsEvent("recent", new Date(now - i));

    const byAge = await pruneEvidence(db.sql, {
      before: new Date(now - 7 * DAY),
      maxRows: 1_000,
      batch: 7,
    });
    expect(byAge.bars_request_events).toBe(30);
    expect(await count("old")).toBe(0);
    expect(await count("live")).toBe(30);
    expect(await count("recent")).toBe(30);

    const byCap = await pruneEvidence(db.sql, { before: new Date(0), maxRows: 20, batch: 7 });
    expect(byCap.bars_request_events).toBe(10); // cap 20 of ended evidence; the live run's 30 stay
    expect(await count("live")).toBe(30);
    expect(await count("recent")).toBe(20);
    expect(Object.keys(byCap)).toEqual([...EVIDENCE_TABLES]);
  });
});
