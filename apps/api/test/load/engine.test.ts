import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runClosedLoop } from "../../src/load/closedLoop.ts";
import { decodeLatency } from "../../src/load/latency.ts";
import { runLevel } from "../../src/load/level.ts";
import { expectBalanced, fixed, ok, startServer, type TrivialServer } from "./server.ts";

let server: TrivialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const poisson = { kind: "poisson", seed: 42 } as const;
const constant = { kind: "constant" } as const;

describe("runLevel against a local node:http server", () => {
  it("schedules exactly rate x duration (seeded Poisson) and every one is answered", async () => {
    server = await startServer((_, __, res) => ok(res));
    const r = await runLevel({
      target: server.url,
      rate: 200,
      durationMs: 1_000,
      arrival: poisson,
      workload: fixed(),
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ scheduled: 200, sent: 200, answered: 200, dropped: 0 });
    expect(server.count()).toBe(200);
    expect(r.achievedRate).toBe(200);
    expect(r.errorRate).toBe(0);
    expect(decodeLatency(r.histogram).totalCount).toBe(200);
  });

  it("a server stalling every 10th request: the schedule keeps going and the stall shows in the max", async () => {
    server = await startServer((n, _, res) =>
      n % 10 === 9 ? setTimeout(() => ok(res), 300) : ok(res),
    );
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 1_000,
      arrival: constant,
      workload: fixed(),
      connections: 16,
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ scheduled: 100, sent: 100, answered: 100 });
    expect(r.latencyMs.max).toBeGreaterThanOrEqual(300);
    expect(decodeLatency(r.histogram).getValueAtPercentile(100)).toBeGreaterThanOrEqual(300_000);
  });

  it("latency counts from the intended send time: requests queued behind a stall carry the wait", async () => {
    // One connection; the first answer takes 500 ms. Arrivals every 10 ms queue behind it,
    // so the 25 intended before 250 ms wait at least 250 ms each (from their intended time):
    // at most 75 of the 100 can be faster, so the 76th percentile is at least 250 ms.
    server = await startServer((n, _, res) => (n === 0 ? setTimeout(() => ok(res), 500) : ok(res)));
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 1_000,
      arrival: constant,
      workload: fixed(),
      connections: 1,
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ scheduled: 100, sent: 100, answered: 100 });
    expect(decodeLatency(r.histogram).getValueAtPercentile(76)).toBeGreaterThanOrEqual(250_000);
  });

  it("503s are shed (by code), 500s failed, 2xx answered", async () => {
    const pressure = JSON.stringify({ error: { code: "MEMORY_PRESSURE", message: "shed" } });
    server = await startServer((n, _, res) => {
      const answers = [
        () => ok(res, 503, pressure),
        () => ok(res, 500),
        () => ok(res),
        () => ok(res, 503, "busy"),
      ];
      answers[n % 4]?.();
    });
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 400,
      arrival: constant,
      workload: fixed(),
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ sent: 40, answered: 10, failed: 10, shed: 20, timedOut: 0 });
    expect(r.shedCodes).toEqual({ MEMORY_PRESSURE: 10, none: 10 });
    expect(r.statuses).toEqual({ "200": 10, "500": 10, "503": 20 });
    expect(r.errorRate).toBe(0.75);
    expect(r.latencyMs.count).toBe(10);
  });

  it("a refused connection is failed, with its error code", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const r = await runLevel({
      target: `http://127.0.0.1:${port}`,
      rate: 50,
      durationMs: 200,
      arrival: constant,
      workload: fixed(),
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ sent: 10, failed: 10, answered: 0 });
    expect(r.errors).toEqual({ ECONNREFUSED: 10 });
  });

  it("requests not answered within the timeout (from their intended time) are timed out", async () => {
    server = await startServer((n, _, res) => (n % 2 === 0 ? ok(res) : undefined));
    const r = await runLevel({
      target: server.url,
      rate: 50,
      durationMs: 400,
      arrival: constant,
      workload: fixed(),
      timeoutMs: 200,
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({ sent: 20, answered: 10, timedOut: 10, inFlight: 0 });
    expect(r.latencyMs.max).toBeGreaterThanOrEqual(200);
  });

  it("abort stops the level at once, with the accounting so far", async () => {
    server = await startServer((n, _, res) => (n % 2 === 0 ? ok(res) : undefined));
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 60_000,
      arrival: poisson,
      workload: fixed(),
      signal: AbortSignal.timeout(300),
    });
    expectBalanced(r);
    expect(r.aborted).toBe(true);
    expect(r.elapsedMs).toBeLessThan(60_000);
    expect(r.counts.scheduled).toBeGreaterThan(0);
    expect(r.counts.scheduled).toBeLessThan(6_000);
    expect(r.counts.inFlight).toBeGreaterThan(0);
    expect(r.counts.timedOut).toBe(0);
  });

  it("at the in-flight cap further arrivals are dropped at the client, not queued", async () => {
    server = await startServer(() => undefined); // never answers
    const r = await runLevel({
      target: server.url,
      rate: 100,
      durationMs: 300,
      arrival: constant,
      workload: fixed(),
      maxInFlight: 5,
      timeoutMs: 30_000,
      drainMs: 0,
    });
    expectBalanced(r);
    expect(r.counts).toMatchObject({
      scheduled: 30,
      sent: 5,
      dropped: 25,
      inFlight: 5,
      answered: 0,
    });
    expect(r.errorRate).toBe(1);
  });
});

describe("runClosedLoop", () => {
  it("loops answered requests back to back and counts each", async () => {
    server = await startServer((_, __, res) => ok(res));
    const r = await runClosedLoop({
      target: server.url,
      loops: 2,
      durationMs: 200,
      workload: fixed(),
    });
    expectBalanced(r);
    expect(r.counts.answered).toBeGreaterThan(0);
    expect(r.counts.answered).toBe(server.count());
    expect(r.counts.failed).toBe(0);
  });

  it("ends by itself against a server that never answers: the hung requests are failed", async () => {
    server = await startServer(() => undefined); // never answers
    const r = await runClosedLoop({
      target: server.url,
      loops: 3,
      durationMs: 100,
      timeoutMs: 200,
      workload: fixed(),
    });
    expect(r.counts).toMatchObject({ sent: 3, answered: 0, failed: 3 });
    expect(Object.keys(r.errors)).not.toHaveLength(0);
  });
});
