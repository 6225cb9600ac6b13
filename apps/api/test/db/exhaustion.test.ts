import { createServer, type Server, type Socket } from "node:net";
import { connect } from "@scaleproof/db/client";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exhaustionTracker, watchPoolExhaustion } from "../../src/db-health/exhaustion.ts";
import { poolStatusOf } from "../../src/db-health/status.ts";

/**
 * Connect timeouts counted as pool exhaustion, against a real server that accepts TCP
 * connections and never speaks Postgres (a database too busy to answer); one failed
 * failed connection attempt is one event. And the status rules.
 */
let blackHole: Server;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  blackHole = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
  port = (blackHole.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => blackHole.close(r));
});

describe("pool exhaustion", () => {
  it("a connect timeout is counted once per failed connection attempt, by kind, in the registry", async () => {
    const registry = new Registry();
    const sql = watchPoolExhaustion(
      connect(`postgres://postgres@127.0.0.1:${port}/none`, { max: 1, connectTimeoutSec: 1 }),
      registry,
    );
    const results = await Promise.allSettled([sql`select 1`, sql`select 2`, sql`select 3`]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    const codes = results.map((r) =>
      r.status === "rejected" ? (r.reason as { code?: string }).code : "",
    );
    expect(codes).toEqual(["CONNECT_TIMEOUT", "CONNECT_TIMEOUT", "CONNECT_TIMEOUT"]);
    const events = exhaustionTracker(sql);
    expect(events?.counts.too_many_connections).toBe(0);
    const counted = events?.counts.connect_timeout ?? 0;
    // a pool of one connects once per queued query after a failure: three attempts, three events
    expect(counted).toBe(3);
    const metric = await registry.getSingleMetric("scaleproof_pg_pool_exhaustion_total")?.get();
    expect(metric?.values.find((v) => v.labels.kind === "connect_timeout")?.value).toBe(counted);
    await sql.end({ timeout: 1 });
  });
});

describe("pool status", () => {
  const ok = { max: 10, total: 3, idle: 2, waiting: 0, reachable: true, sinceExhaustionMs: null };
  it("healthy, degraded when queries wait or every connection is busy, critical past that", () => {
    expect(poolStatusOf(ok)).toBe("healthy");
    expect(poolStatusOf({ ...ok, waiting: 1 })).toBe("degraded");
    expect(poolStatusOf({ ...ok, total: 10, idle: 0 })).toBe("degraded");
    expect(poolStatusOf({ ...ok, total: 10, idle: 1 })).toBe("healthy");
    expect(poolStatusOf({ ...ok, waiting: 10 })).toBe("critical");
    expect(poolStatusOf({ ...ok, reachable: false })).toBe("critical");
    expect(poolStatusOf({ ...ok, sinceExhaustionMs: 5_000 })).toBe("critical");
    expect(poolStatusOf({ ...ok, sinceExhaustionMs: 61_000 })).toBe("healthy");
  });
});
