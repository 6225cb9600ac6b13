import { afterEach, describe, expect, it } from "vitest";
import { runLevel } from "../../src/load/level.ts";
import { workload } from "../../src/load/workload.ts";
import { expectBalanced, ok, startServer, type TrivialServer } from "../load/server.ts";

let server: TrivialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Issue 14 #5 (jobs lost while scaling): the load engine keeps the job id of every
 * enqueue it got acknowledged, so the scale-out/in check can look for each in the
 * queue's history; an enqueue that was refused, and a bars answer, add none.
 */
describe("the load engine's acknowledged enqueues (a local node:http server)", () => {
  it("records the id of every 2xx enqueue answer, and only those", async () => {
    const issued: string[] = [];
    server = await startServer((n, req, res) => {
      if (req.method !== "POST") return ok(res, 200, '{"id":"a-bars-answer"}');
      if (n % 3 === 0) return ok(res, 500, '{"error":{"code":"INTERNAL"}}');
      const id = `job-${n}`;
      issued.push(id);
      // an enqueue's 202, or 200 for a repeated idempotency key: the same shape
      ok(res, n % 2 === 0 ? 200 : 202, JSON.stringify({ id, status: "queued" }));
    });
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 1_000,
      arrival: { kind: "poisson", seed: 7 },
      workload: workload({
        mix: { barsCached: 1, barsNew: 0, backtests: 1 },
        seed: 3,
        idempotencyPrefix: "acks",
      }),
    });
    expectBalanced(r);
    expect(r.counts.timedOut + r.counts.inFlight).toBe(0);
    expect(issued.length).toBeGreaterThan(10);
    expect(r.counts.failed).toBeGreaterThan(0);
    expect([...(r.jobIds ?? [])].sort()).toEqual([...issued].sort());
  });
});
