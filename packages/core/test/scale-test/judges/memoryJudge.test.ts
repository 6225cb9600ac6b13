import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import type {
  PressureEvidence,
  SoakEvidence,
} from "../../../src/scale-test/profiles/memory/evidence.ts";
import { soakEvidence } from "../../../src/scale-test/profiles/memory/evidenceSchema.ts";
import { judgeMemory } from "../../../src/scale-test/profiles/memory/judge.ts";
import { QUICK_LEAK_LINES } from "../../../src/scale-test/profiles/memory/plan.ts";
import { checkNamed } from "../simulate.ts";
import {
  healthyPressure,
  type PlantedLeak,
  recordedSoak,
  servedAnswer,
  shedAnswer,
  T0,
} from "./recordedSoak.ts";

const leak = (mbPerHour: number, over: Partial<PlantedLeak> = {}): PlantedLeak => ({
  instance: "i2",
  fromMin: 0,
  mbPerMin: mbPerHour / 60,
  ...over,
});
const zones = (r: ReturnType<typeof judgeMemory>) =>
  Object.fromEntries(
    r.checks
      .filter((c) => c.name.startsWith("memory.leak."))
      .map((c) => [c.name.slice(12), c.zone]),
  );

describe("memory judge on a recorded 30-minute soak (10 s samples, 10-minute windows)", () => {
  it("PASSes two healthy instances: every window of every series below 10 MB/h", () => {
    const r = judgeMemory(recordedSoak());
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(verdictOf(r.checks)).toBe("PASS");
    expect(zones(r)).toEqual({ heap: "pass", off_heap: "pass", rss: "pass" });
    expect(checkNamed(r, "memory.leak.heap").detail).toMatch(
      /^post-GC heap objects: i1: PASS, worst window .* 0\/5 windows above the FAIL line; i2: PASS/,
    );
  });

  it("FAILs a heap leak above 50 MB/h on one instance, naming it, with its rate per 1,000 requests", () => {
    const r = judgeMemory(recordedSoak({ leak: leak(90) }));
    expect(verdictOf(r.checks)).toBe("FAIL");
    expect(zones(r)).toEqual({ heap: "fail", off_heap: "pass", rss: "pass" });
    expect(checkNamed(r, "memory.leak.heap").actual).toBe("i2 FAIL");
    expect(r.metrics["leak.i2.heap_mb_per_h"]).toBeCloseTo(90, -1);
    // 90 MB/h while the instance began 5 requests per 10 s sample (1,800 an hour): 50 MB per 1,000
    expect(r.metrics["leak.i2.heap_kb_per_1k_requests"]).toBeCloseTo((90 * 1024) / 1.8, -2);
  });

  it("FAILs an off-heap leak (Buffers: external and rss), the heap staying clean", () => {
    const r = judgeMemory(recordedSoak({ leak: leak(90, { where: "off_heap" }) }));
    expect(zones(r)).toEqual({ heap: "pass", off_heap: "fail", rss: "fail" });
    expect(checkNamed(r, "memory.leak.off_heap").actual).toBe("i2 FAIL");
  });

  it("FAILs a native leak seen in rss alone", () => {
    const r = judgeMemory(recordedSoak({ leak: leak(90, { where: "native" }) }));
    expect(zones(r)).toEqual({ heap: "pass", off_heap: "pass", rss: "fail" });
  });

  it("FAILs a leak that starts halfway (minute 15)", () => {
    const r = judgeMemory(recordedSoak({ leak: leak(90, { fromMin: 15 }) }));
    expect(checkNamed(r, "memory.leak.heap")).toMatchObject({ zone: "fail", actual: "i2 FAIL" });
  });

  it("the lines' edges: 70 MB/h FAILs, 30 MB/h is RISK (not a FAIL, not a PASS), 5 MB/h PASSes", () => {
    expect(checkNamed(judgeMemory(recordedSoak({ leak: leak(70) })), "memory.leak.heap").zone).toBe(
      "fail",
    );
    const risk = judgeMemory(recordedSoak({ leak: leak(30) }));
    expect(checkNamed(risk, "memory.leak.heap")).toMatchObject({
      zone: "risk",
      pass: false,
      actual: "i2 RISK",
    });
    expect(verdictOf(risk.checks)).toBe("RISK");
    expect(checkNamed(judgeMemory(recordedSoak({ leak: leak(5) })), "memory.leak.heap").zone).toBe(
      "pass",
    );
  });

  it("healthy noise never FAILs, whatever its size up to 1 MB of jitter (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (noiseMb) => {
        const r = judgeMemory(recordedSoak({ noiseMb }));
        expect(Object.values(zones(r))).not.toContain("fail");
      }),
      { numRuns: 25 },
    );
  });

  it("FAILs a restart in the middle of the soak, and slow or failed requests", () => {
    const base = recordedSoak();
    const samples = base.samples.map((p) =>
      p.instanceId === "i1" && p.at > T0 + 20 * 60_000 ? { ...p, bootId: "i1-second" } : p,
    );
    const workload = {
      ...base.workload,
      servedMs: base.workload.servedMs.map((ms, i) => (i % 10 === 0 ? 900 : ms)),
      failed: [{ _tag: "Unreachable" as const, message: "ECONNREFUSED" }],
    };
    const r = judgeMemory({ ...base, samples, workload });
    expect(checkNamed(r, "memory.no_restarts").detail).toBe("restarted: i1");
    expect(checkNamed(r, "latency.p95_within_target").pass).toBe(false);
    expect(checkNamed(r, "requests.no_errors")).toMatchObject({
      actual: 1,
      detail: "unreachable: ECONNREFUSED",
    });
  });
});

describe("memory judge: the quick soak's single line (1 MB/min), 60 s of 2 s readings", () => {
  const quick = (l?: PlantedLeak, noiseMb = 0.05) =>
    judgeMemory(
      recordedSoak({
        quick: true,
        minutes: 1,
        everyS: 2,
        noiseMb,
        lines: QUICK_LEAK_LINES,
        ...(l ? { leak: l } : {}),
      }),
    );
  it("catches 2 MB/min on the heap, off the heap, and from halfway; passes healthy; judges no rss", () => {
    expect(zones(quick())).toEqual({ heap: "pass", off_heap: "pass" });
    expect(zones(quick(leak(120)))).toEqual({ heap: "fail", off_heap: "pass" });
    expect(zones(quick(leak(120, { where: "off_heap" })))).toEqual({
      heap: "pass",
      off_heap: "fail",
    });
    expect(zones(quick(leak(120, { fromMin: 0.5 })))).toMatchObject({ heap: "fail" });
    expect(zones(quick(leak(120, { fromMin: 0.5, where: "off_heap" })))).toMatchObject({
      off_heap: "fail",
    });
  });

  it("is two-tier: growth under the line, however noisy, PASSes (it is not certified, and says so)", () => {
    const r = quick(leak(30), 0.3);
    expect(zones(r)).toEqual({ heap: "pass", off_heap: "pass" });
    expect(checkNamed(r, "memory.leak.heap").expected).toMatch(/slower growth is not certified/);
  });
});

describe("memory judge: the pressure step", () => {
  const withPressure = (p: (end: number) => PressureEvidence) =>
    judgeMemory(recordedSoak({ pressure: p }));

  it("PASSes shedding and recovery on the ballasted instance", () => {
    const r = withPressure(healthyPressure);
    expect(checkNamed(r, "memory.sheds_instead_of_crashing").actual).toBe(
      "i2: 4 shed, 0 failed, health answered, same boot",
    );
    expect(checkNamed(r, "memory.recovers_after_pressure").pass).toBe(true);
    expect(r.metrics["pressure.peak_ratio"]).toBe(0.88);
  });

  it("FAILs as not proven when no pressure was applied, or it never reached the line", () => {
    const off = withPressure((end) => ({
      ...healthyPressure(end),
      notApplied: "fault injection is disabled on this deployment (FAULTS_ENABLED)",
      armedAt: null,
      releasedAt: null,
      during: [],
      light: [],
      after: [],
    }));
    expect(checkNamed(off, "memory.sheds_instead_of_crashing")).toMatchObject({
      pass: false,
      actual: "not proven: fault injection is disabled on this deployment (FAULTS_ENABLED)",
    });
    const never = judgeMemory({
      ...recordedSoak(),
      pressure: { ...healthyPressure(T0 + 30 * 60_000), during: [servedAnswer, servedAnswer] },
      samples: recordedSoak().samples.map((s) => ({ ...s, shedding: false, pressure: 0.4 })),
    });
    expect(checkNamed(never, "memory.sheds_instead_of_crashing").actual).toBe(
      "not proven: pressure never reached the shedding line on i2 (peak 0.4)",
    );
    expect(checkNamed(never, "memory.recovers_after_pressure").pass).toBe(false);
  });

  it("FAILs errors instead of 503s, a dead connection, and an instance that keeps shedding", () => {
    const r = withPressure((end) => ({
      ...healthyPressure(end),
      during: [shedAnswer, { _tag: "Unreachable", message: "socket hang up" }],
      after: [shedAnswer, shedAnswer, shedAnswer],
    }));
    expect(checkNamed(r, "memory.sheds_instead_of_crashing")).toMatchObject({
      pass: false,
      detail: "unreachable: socket hang up",
    });
    expect(checkNamed(r, "memory.recovers_after_pressure").actual).toBe(
      "i2: shedding stopped, not serving, same boot",
    );
  });
});

/** Evidence exported from real quick runs on a 2-instance cluster (runner i1, leaks planted on i2). */
const real = (name: string): SoakEvidence =>
  soakEvidence.parse(
    JSON.parse(
      readFileSync(new URL(`./fixtures/memory-quick-${name}.json`, import.meta.url), "utf8"),
    ),
  );

describe("memory judge on evidence recorded from real quick runs", () => {
  it("healthy: both series PASS on both instances, shedding and recovery proven on i2", () => {
    const r = judgeMemory(real("healthy"));
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(verdictOf(r.checks)).toBe("PASS");
    // far from the line: the runner's and the other instance's worst windows
    for (const i of ["i1", "i2"]) {
      expect(r.metrics[`leak.${i}.heap_lower_mb_per_h`]).toBeLessThan(30);
      expect(r.metrics[`leak.${i}.off_heap_lower_mb_per_h`]).toBeLessThan(30);
    }
  });

  it("2 MB/min of heap on i2: the heap FAILs naming i2 at ~120 MB/h; Buffers are not blamed", () => {
    const r = judgeMemory(real("heap-leak"));
    expect(zones(r)).toEqual({ heap: "fail", off_heap: "pass" });
    expect(checkNamed(r, "memory.leak.heap").actual).toBe("i2 FAIL");
    expect(r.metrics["leak.i2.heap_mb_per_h"]).toBeGreaterThan(100);
    expect(r.metrics["leak.i2.heap_mb_per_h"]).toBeLessThan(140);
  });

  it("2 MB/min of Buffers on i2 from halfway: off-heap FAILs in the later windows only", () => {
    const r = judgeMemory(real("offheap-leak-halfway"));
    expect(zones(r)).toEqual({ heap: "pass", off_heap: "fail" });
    expect(checkNamed(r, "memory.leak.off_heap").detail).toMatch(
      /i2: FAIL, worst window \+1\d\d(\.\d)? MB\/h .* [12]\/3 windows above the FAIL line/,
    );
  });

  it("the healthy run's own noise with a leak planted on top: 2 MB/min FAILs, 0.5 MB/min does not", () => {
    const base = real("healthy");
    const plant = (mbPerMin: number, key: "postGcHeap" | "postGcArrayBuffers") => ({
      ...base,
      samples: base.samples.map((s) => {
        const v = s[key];
        if (s.instanceId !== "i2" || v === null || s.at < base.soak.from) return s;
        return { ...s, [key]: v + ((s.at - base.soak.from) / 60_000) * mbPerMin * 1024 * 1024 };
      }),
    });
    expect(zones(judgeMemory(plant(2, "postGcHeap")))).toEqual({ heap: "fail", off_heap: "pass" });
    expect(zones(judgeMemory(plant(2, "postGcArrayBuffers")))).toEqual({
      heap: "pass",
      off_heap: "fail",
    });
    expect(zones(judgeMemory(plant(0.5, "postGcHeap")))).toEqual({
      heap: "pass",
      off_heap: "pass",
    });
    expect(zones(judgeMemory(plant(0.5, "postGcArrayBuffers")))).toEqual({
      heap: "pass",
      off_heap: "pass",
    });
  });
});
