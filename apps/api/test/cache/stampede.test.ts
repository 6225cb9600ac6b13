import { countBarsRequestEvents } from "@scaleproof/db/queries/countBarsRequestEvents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRunCounters } from "../../src/runs/counters.ts";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { barsPath, barsRange, get, tally } from "../support/http.ts";
import { runEvidence, TOKEN_ENV } from "../support/ops.ts";
import { replayClient } from "../support/replay.ts";

/**
 * The stampede protocol against the real Redis, real Postgres, the replay upstream and
 * three real instance processes. Every figure is counted by the system itself: the
 * upstream's own request count, the run's Redis counters and the persisted events.
 */
let c: TestCluster;
let replay: ReturnType<typeof replayClient>;

beforeAll(async () => {
  c = await startTestCluster("stampede", {
    instances: 3,
    env: {
      ...TOKEN_ENV,
      CACHE_LEASE_MS: "1000",
      CACHE_ERROR_TTL_MS: "60000",
      CACHE_SAFETY_POLL_MS: "500",
    },
  });
  replay = replayClient(c.replay);
});
afterAll(async () => {
  await c?.close();
});

/** Waits until the batched event writer has persisted `n` events for the run. */
const persisted = async (runId: string, n: number) => {
  for (let i = 0; i < 100; i++) {
    const counts = await countBarsRequestEvents(c.db.sql, runId);
    if (counts.requests >= n) return counts;
    await new Promise((r) => setTimeout(r, 50));
  }
  return countBarsRequestEvents(c.db.sql, runId);
};

const upstreamSymbol = "ES.c.0";

describe("stampede protection", () => {
  it("10 concurrent requests for a new key on one instance: exactly 1 upstream fetch", async () => {
    const range = barsRange(7, 14);
    await replay.knobs({ latencyMs: 300, match: { start: range.start, end: range.end } });
    const runId = `one-instance-${Date.now()}`;
    const url = c.instanceUrl("i1") + barsPath(range);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => get(url, runEvidence(runId, url))),
    );
    expect(tally(answers, (a) => String(a.status))).toEqual({ "200": 10 });
    expect(tally(answers, (a) => a.cache)).toMatchObject({ MISS: 1 });
    expect(answers.filter((a) => a.cache === "WAIT" || a.cache === "HIT")).toHaveLength(9);
    expect(await replay.count({ symbol: upstreamSymbol, ...range })).toBe(1);

    const counters = await readRunCounters(c.redis, runId);
    expect(counters).toMatchObject({ provider_fetch: 1, cache_miss: 1, cache_hit: 9 });
    const events = await persisted(runId, 10);
    expect(events).toMatchObject({ requests: 10, misses: 1, providerFetches: 1 });
    expect(events.hits + events.waits).toBe(9);
    expect(counters.lock_waits).toBe(events.waits);
  });

  it("a HIT answers the MISS's exact bytes and headers", async () => {
    const url = c.instanceUrl("i2") + barsPath(barsRange(11, 14));
    const read = async () => {
      const res = await fetch(url);
      const h = (name: string) => res.headers.get(name);
      const head = [res.status, h("content-type"), h("content-length"), h("x-cache-key")];
      return { cache: h("x-cache"), head, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const miss = await read();
    const hit = await read();
    expect([miss.cache, hit.cache]).toEqual(["MISS", "HIT"]);
    expect(hit.head).toEqual(miss.head);
    expect(hit.head.slice(0, 2)).toEqual([200, "application/json"]);
    expect(hit.bytes.equals(miss.bytes)).toBe(true);
    expect(JSON.parse(hit.bytes.toString())).toMatchObject({ symbol: "ES.c.0", tf: "1m" });
  });

  it("200 concurrent requests over the front door: 1 upstream fetch, every instance answered", async () => {
    const range = barsRange(8, 15);
    await replay.knobs({ latencyMs: 300, match: { start: range.start, end: range.end } });
    const runId = `front-door-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        get(c.url + barsPath(range), runEvidence(runId, barsPath(range))),
      ),
    );
    expect(tally(answers, (a) => String(a.status))).toEqual({ "200": 200 });
    expect(new Set(answers.map((a) => a.instanceId)).size).toBe(3);
    expect(answers.filter((a) => a.cache === "MISS")).toHaveLength(1);
    expect(await replay.count({ symbol: upstreamSymbol, ...range })).toBe(1);
    const counters = await readRunCounters(c.redis, runId);
    const events = await persisted(runId, 200);
    // Three sources, one figure: the upstream, Redis and Postgres agree.
    expect(counters.provider_fetch).toBe(1);
    expect(events.providerFetches).toBe(1);
    expect(counters.cache_hit).toBe(199);
    expect(events.hits + events.waits).toBe(199);
  });

  it("the holder killed mid-fetch: exactly one takeover fetch, every waiter answered", async () => {
    const range = barsRange(9, 16);
    await replay.knobs({ latencyMs: 2000, match: { start: range.start, end: range.end } });
    const path = barsPath(range);
    const holder = get(c.instanceUrl("i1") + path).catch((e: unknown) => e);
    // The holder is fetching once the upstream has received its request.
    for (
      let i = 0;
      i < 100 && (await replay.count({ symbol: upstreamSymbol, ...range })) === 0;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await replay.count({ symbol: upstreamSymbol, ...range })).toBe(1);
    const waiters = Promise.all(
      ["i2", "i3", "i2", "i3", "i2", "i3"].map((id) => get(c.instanceUrl(id) + path)),
    );
    const pid = c.supervisor.pid("i1");
    expect(pid).toBeTypeOf("number");
    process.kill(pid as number, "SIGKILL");
    const answers = await waiters;
    await holder;
    expect(tally(answers, (a) => String(a.status))).toEqual({ "200": 6 });
    expect(answers.filter((a) => a.cache === "MISS")).toHaveLength(1);
    expect(await replay.count({ symbol: upstreamSymbol, ...range })).toBe(2);
    await c.allLive();
    const restarted = c.supervisor.view().find((s) => s.instanceId === "i1");
    expect(restarted?.restarts).toBe(1);
    expect(new Set(restarted?.bootIds).size).toBe(2);
  });

  it("an upstream 500 reaches every waiter, and nothing is fetched again within the error TTL", async () => {
    const range = barsRange(10, 13);
    await replay.knobs({
      latencyMs: 300,
      match: { start: range.start, end: range.end },
      fail: { status: 500, count: 5 },
    });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => get(c.url + barsPath(range))),
    );
    expect(tally(answers, (a) => String(a.status))).toEqual({ "502": 12 });
    expect(
      answers.every(
        (a) => (a.body as { error: { code: string } }).error.code === "PROVIDER_UNAVAILABLE",
      ),
    ).toBe(true);
    const again = await Promise.all(
      ["i1", "i2", "i3"].map((id) => get(c.instanceUrl(id) + barsPath(range))),
    );
    expect(again.map((a) => a.status)).toEqual([502, 502, 502]);
    expect(await replay.count({ symbol: upstreamSymbol, ...range })).toBe(1);
  });

  it("a 429 is honoured for exactly its Retry-After", async () => {
    const range = barsRange(10, 15);
    await replay.knobs({
      latencyMs: 0,
      match: { start: range.start, end: range.end },
      fail: { status: 429, count: 1, retryAfterSec: 2 },
    });
    const first = await get(c.url + barsPath(range));
    const limitedAt = Date.now();
    expect(first.status).toBe(503);
    expect(first.retryAfter).toBe("2");
    expect((first.body as { error: { code: string } }).error.code).toBe("PROVIDER_RATE_LIMITED");
    const during = await get(c.url + barsPath(range));
    expect(during.status).toBe(503);
    expect(await replay.count({ symbol: upstreamSymbol, ...range })).toBe(1);
    let after = during;
    while (after.status !== 200 && Date.now() - limitedAt < 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      after = await get(c.url + barsPath(range));
    }
    expect(after.status).toBe(200);
    // The cached 429 expires with its Retry-After, not before.
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(1900);
    expect(await replay.count({ symbol: upstreamSymbol, ...range })).toBe(2);
  });
});
