import type { RunView } from "@scaleproof/core/scale-test/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { ADMIN_TOKEN, adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";

/**
 * Memory sampling, shedding and the memory profile on two real instance processes
 * (each with a modest V8 heap, as the local cluster runs them). Every run is started on
 * i1, so i1 is the runner: planted leaks and the profile's own ballast go to i2.
 */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("memory", { instances: 2, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const MB = 1024 * 1024;
/** The smallest leak the quick soak claims to catch: 2 MB/min. */
const TWO_MB_PER_MIN = { kbPerSec: 2048 / 60 };
const BARS = "/api/bars?symbol=ES&tf=1m&start=2013-10-08T14:00:00Z&end=2013-10-08T15:00:00Z";

interface Health {
  bootId: string;
  memory: { heapUsed: number; heapLimit: number; pressure: number; shedding: boolean };
}
const health = async (url: string) => {
  const res = await fetch(`${url}/ops/health`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return { status: res.status, body: (await res.json()) as Health };
};
const until = async <T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> => {
  for (let i = 0; i < 300; i++) {
    const v = await f();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const quickMemoryRun = async (): Promise<RunView> => {
  const admin = adminClient(c.instanceUrl("i1"));
  const { id } = await admin.scaleTest.run.mutate({ profile: "memory", quick: true });
  const run = await waitForRun(admin, id, undefined, 300_000);
  expect(run.runner.instanceId).toBe("i1");
  return run;
};

const withFault = async <T>(
  name: "leak" | "leak-offheap",
  params: Record<string, number>,
  f: () => Promise<T>,
): Promise<T> => {
  const admin = adminClient(c.url);
  await admin.faults.set.mutate({ name, instanceId: "i2", params });
  try {
    return await f();
  } finally {
    await admin.faults.clear.mutate({ name });
  }
};

describe("memory profile, quick, on real processes", () => {
  it("a healthy cluster PASSes, with shedding and recovery proven on i2 (not the runner)", async () => {
    const run = await quickMemoryRun();
    expect(run.checks.filter((k) => !k.pass)).toEqual([]);
    expect(run.verdict).toBe("PASS");
    expect(checkOf(run, "memory.sheds_instead_of_crashing").actual).toMatch(
      /^i2: [1-9]\d* shed, 0 failed, health answered, same boot$/,
    );
    expect(checkOf(run, "memory.recovers_after_pressure").actual).toBe(
      "i2: shedding stopped, serving again, same boot",
    );
    // the ballast is gone and i2 serves again
    expect((await fetch(c.instanceUrl("i2") + BARS)).status).toBe(200);
  });

  it("a 2 MB/min heap leak on i2 FAILs the heap verdict, naming i2; its Buffers are not blamed", async () => {
    const run = await withFault("leak", TWO_MB_PER_MIN, quickMemoryRun);
    expect(run.verdict).toBe("FAIL");
    const heap = checkOf(run, "memory.leak.heap");
    expect(heap).toMatchObject({ zone: "fail", actual: "i2 FAIL" });
    expect(heap.detail).toMatch(/i2: FAIL, worst window \+\d+(\.\d)? MB\/h/);
    expect(checkOf(run, "memory.leak.off_heap").zone).toBe("pass");
  });

  it("a 2 MB/min off-heap leak (Buffers) on i2 FAILs the off-heap verdict, naming i2; the heap is clean", async () => {
    const run = await withFault("leak-offheap", TWO_MB_PER_MIN, quickMemoryRun);
    expect(run.verdict).toBe("FAIL");
    expect(checkOf(run, "memory.leak.off_heap")).toMatchObject({ zone: "fail", actual: "i2 FAIL" });
    expect(checkOf(run, "memory.leak.heap").zone).toBe("pass");
  });
});

describe("shedding", () => {
  it("ballast: heavy endpoints shed 503 MEMORY_PRESSURE with Retry-After, health stays 200, same process, then recovers", async () => {
    const admin = adminClient(c.url);
    const url = c.instanceUrl("i1");
    const before = await health(url);
    expect((await fetch(url + BARS)).status).toBe(200);
    // enough heap to sit at ~88% of this process's limit: above the 0.80 threshold,
    // below the point where V8 would give up
    const mb = Math.ceil((0.88 * before.body.memory.heapLimit - before.body.memory.heapUsed) / MB);
    await admin.faults.set.mutate({ name: "ballast", instanceId: "i1", params: { mb } });
    try {
      const shed = await until(
        () => fetch(url + BARS),
        (r) => r.status === 503,
        "shedding",
      );
      expect(shed.headers.get("retry-after")).toBe("2");
      expect(((await shed.json()) as { error: { code: string } }).error.code).toBe(
        "MEMORY_PRESSURE",
      );
      const enqueue = await fetch(`${url}/api/backtests`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ symbol: "ES", tf: "1m", start: "2013-10-08", end: "2013-10-09" }),
      });
      expect(enqueue.status).toBe(503);
      const during = await health(url);
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
      () => fetch(url + BARS),
      (r) => r.status === 200,
      "recovery",
    );
    expect(after.headers.get("x-boot-id")).toBe(before.body.bootId);
    expect((await health(url)).body.memory.shedding).toBe(false);
  });

  it("instances.list shows every live instance with its memory and pressure (both bounds)", async () => {
    const list = await adminClient(c.url).instances.list.query();
    expect(list.map((i) => i.instanceId)).toEqual(["i1", "i2"]);
    expect(list.every((i) => i.live)).toBe(true);
    expect(list[0]?.pressure).toMatchObject({ basis: "heapLimit", high: 0.8, low: 0.7 });
  });
});

describe("shedding against the container's limit (rss), not only the V8 heap", () => {
  let one: TestCluster;
  beforeAll(async () => {
    // a 600 MB budget: an instance's rss (~150-200 MB) is well under 0.80 of it
    one = await startTestCluster("memory-rss", {
      instances: 1,
      env: { ...TOKEN_ENV, SHED_MEMORY_LIMIT_MB: "600" },
    });
  });
  afterAll(async () => {
    await one?.close();
  });

  it("Buffers outside the V8 heap push rss over the line: it sheds while the heap is nearly empty, then recovers", async () => {
    const admin = adminClient(one.url);
    const url = one.instanceUrl("i1");
    // the registry is written on the sampler's first tick, which may come after startup
    const pressureOf = async () => {
      const [i] = await until(
        () => admin.instances.list.query(),
        (list) => list.length > 0,
        "i1 in the instances registry",
      );
      return i?.pressure as unknown as {
        bound: string;
        heapPressure: number;
        rssPressure: number | null;
        shedding: boolean;
      };
    };
    const before = await pressureOf();
    expect(before.shedding).toBe(false);
    expect(before.rssPressure).toBeLessThan(0.5);
    await admin.faults.set.mutate({
      name: "ballast",
      instanceId: "i1",
      params: { toPressure: 0.9, offHeap: true },
    });
    try {
      const shed = await until(
        () => fetch(url + BARS),
        (r) => r.status === 503,
        "shedding",
      );
      expect(((await shed.json()) as { error: { message: string } }).error.message).toMatch(
        /^rss pressure 0\.\d+ \(container limit\)/,
      );
      const p = await until(pressureOf, (s) => s.shedding, "the sampler's view of it");
      expect(p.bound).toBe("rss");
      expect(p.rssPressure).toBeGreaterThan(0.8);
      expect(p.heapPressure).toBeLessThan(0.5);
    } finally {
      await admin.faults.clear.mutate({ name: "ballast" });
    }
    await until(
      () => fetch(url + BARS),
      (r) => r.status === 200,
      "recovery",
    );
  });
});
