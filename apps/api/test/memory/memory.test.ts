import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { ADMIN_TOKEN, adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";

/**
 * Memory sampling, shedding and the memory profile on two real instance processes
 * (each with a modest V8 heap, as the local cluster runs them).
 */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("memory", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const MB = 1024 * 1024;
const BARS = "/api/bars?symbol=ES&tf=1m&start=2013-10-08T14:00:00Z&end=2013-10-08T15:00:00Z";

interface Health {
  bootId: string;
  memory: { heapUsed: number; heapLimit: number; pressure: number; shedding: boolean };
}
const health = async (id: string) => {
  const res = await fetch(`${c.instanceUrl(id)}/ops/health`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return { status: res.status, body: (await res.json()) as Health };
};
const until = async <T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> => {
  for (let i = 0; i < 200; i++) {
    const v = await f();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const quickMemoryRun = async () => {
  const admin = adminClient(c.url);
  const { id } = await admin.scaleTest.run.mutate({ profile: "memory", quick: true });
  return await waitForRun(admin, id, undefined, 110_000);
};

describe("memory", () => {
  it("a healthy cluster PASSes the quick memory profile twice in a row (no false alarm)", async () => {
    for (const _ of [1, 2]) {
      const run = await quickMemoryRun();
      expect(run.checks.filter((k) => !k.pass)).toEqual([]);
      expect(run.status).toBe("passed");
    }
  });

  it("the leak fault on one instance FAILs the heap trend, naming that instance", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({ name: "leak", instanceId: "i2", params: { kbPerSec: 1024 } });
    try {
      const run = await quickMemoryRun();
      expect(run.status).toBe("failed");
      const trend = checkOf(run, "memory.heap_trend");
      expect(trend.pass).toBe(false);
      expect(trend.actual).toBe("i2");
      expect(trend.detail).toMatch(/i2: .*\(LEAK\)/);
      expect(trend.detail).not.toMatch(/i1: [^;]*\(LEAK\)/);
    } finally {
      await admin.faults.clear.mutate({ name: "leak" });
    }
  });

  it("ballast: heavy endpoints shed 503 MEMORY_PRESSURE with Retry-After, health stays 200, same process, then recovers", async () => {
    const admin = adminClient(c.url);
    const before = await health("i1");
    expect((await fetch(c.instanceUrl("i1") + BARS)).status).toBe(200);
    // enough heap to sit at ~88% of this process's limit: above the 0.80 threshold,
    // below the point where V8 would give up
    const mb = Math.ceil((0.88 * before.body.memory.heapLimit - before.body.memory.heapUsed) / MB);
    await admin.faults.set.mutate({ name: "ballast", instanceId: "i1", params: { mb } });
    try {
      const shed = await until(
        () => fetch(c.instanceUrl("i1") + BARS),
        (r) => r.status === 503,
        "shedding",
      );
      expect(shed.headers.get("retry-after")).toBe("2");
      expect(((await shed.json()) as { error: { code: string } }).error.code).toBe(
        "MEMORY_PRESSURE",
      );
      const enqueue = await fetch(`${c.instanceUrl("i1")}/api/backtests`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ symbol: "ES", tf: "1m", start: "2013-10-08", end: "2013-10-09" }),
      });
      expect(enqueue.status).toBe(503);
      const during = await health("i1");
      expect(during.status).toBe(200);
      expect(during.body.memory.shedding).toBe(true);
      expect(during.body.memory.pressure).toBeGreaterThan(0.8);
      expect(during.body.bootId).toBe(before.body.bootId);
      // the other instance is unaffected
      expect((await fetch(c.instanceUrl("i2") + BARS)).status).toBe(200);
    } finally {
      await admin.faults.clear.mutate({ name: "ballast" });
    }
    const after = await until(
      () => fetch(c.instanceUrl("i1") + BARS),
      (r) => r.status === 200,
      "recovery",
    );
    expect(after.headers.get("x-boot-id")).toBe(before.body.bootId);
    expect((await health("i1")).body.memory.shedding).toBe(false);
  });

  it("instances.list shows every live instance with its memory and pressure", async () => {
    const list = await adminClient(c.url).instances.list.query();
    expect(list.map((i) => i.instanceId)).toEqual(["i1", "i2"]);
    expect(list.every((i) => i.live)).toBe(true);
  });
});
