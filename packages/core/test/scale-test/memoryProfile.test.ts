import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { MemoryPoint } from "../../src/scale-test/data.ts";
import { QUICK_SOAK_MS } from "../../src/scale-test/profiles/memory/plan.ts";
import { healthyPoint } from "../../src/scale-test/testing/memory.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const MB = 1024 * 1024;
const MIN = 60_000;

/** The quick run: 20 s warm-up, 60 s judged soak, collect, pressure, on the test clock. */
const run = (options: WorldOptions) =>
  simulate({ profile: "memory", quick: true }, options, "3 minutes");

/** `mbPerMin` retained by i2 from `fromMs` on, in what survives a GC (off the heap: also in rss). */
const leaking =
  (where: "heap" | "off_heap", mbPerMin: number, fromMs = 0) =>
  (i: string, k: number, at: number): MemoryPoint => {
    const p = healthyPoint(i, k, at);
    const x = i === "i2" ? (Math.max(0, at - fromMs) / MIN) * mbPerMin * MB : 0;
    return where === "heap"
      ? { ...p, postGcHeap: (p.postGcHeap ?? 0) + x }
      : {
          ...p,
          postGcArrayBuffers: (p.postGcArrayBuffers ?? 0) + x,
          postGcExternal: (p.postGcExternal ?? 0) + x,
          postGcRss: (p.postGcRss ?? 0) + x,
        };
  };

describe("memory profile (quick, in memory, on the test clock)", () => {
  it.effect(
    "PASSes two healthy instances, and proves shedding and recovery on the one that is not the runner",
    () =>
      Effect.gen(function* () {
        const r = yield* run({});
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(checkNamed(r, "memory.leak.heap")).toMatchObject({ zone: "pass", actual: "none" });
        expect(checkNamed(r, "memory.sheds_instead_of_crashing").actual).toMatch(
          /^i2: [1-9]\d* shed, 0 failed, health answered, same boot$/,
        );
        expect(checkNamed(r, "memory.recovers_after_pressure").actual).toBe(
          "i2: shedding stopped, serving again, same boot",
        );
        // the ballast went to i2 (i1 runs the test) and was released
        expect(r.world.aims.get("ballast")).toBe("i2");
        expect(r.world.armed).not.toContain("ballast");
        expect(stepsOf(r.world)).toEqual([
          "preflight",
          "setup",
          "warmup",
          "soak",
          "collect",
          "pressure",
          "verdict",
        ]);
      }),
  );

  it.effect(
    "FAILs a 2 MB/min heap leak on one instance, naming it (off-heap clean, rss not judged in 60 s)",
    () =>
      Effect.gen(function* () {
        const r = yield* run({ memory: leaking("heap", 2) });
        expect(r.verdict).toBe("FAIL");
        expect(checkNamed(r, "memory.leak.heap")).toMatchObject({
          zone: "fail",
          actual: "i2 FAIL",
        });
        expect(checkNamed(r, "memory.leak.heap").detail).toMatch(
          /i2: FAIL, worst window \+1\d\d(\.\d)? MB\/h/,
        );
        expect(checkNamed(r, "memory.leak.off_heap").zone).toBe("pass");
        expect(r.checks.map((c) => c.name)).not.toContain("memory.leak.rss");
        expect(r.metrics["leak.i2.rss_mb_per_h"]).toBe(0);
      }),
  );

  it.effect("FAILs a 2 MB/min off-heap leak that starts halfway through the soak", () =>
    Effect.gen(function* () {
      // warm-up 0-20 s, soak 20-80 s: the leak starts at 50 s
      const r = yield* run({ memory: leaking("off_heap", 2, 50_000) });
      expect(checkNamed(r, "memory.leak.off_heap")).toMatchObject({
        zone: "fail",
        actual: "i2 FAIL",
      });
      expect(checkNamed(r, "memory.leak.heap").zone).toBe("pass");
    }),
  );

  it.effect("FAILs a restart", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memory: (i, k, at) => ({
          ...healthyPoint(i, k, at),
          ...(i === "i1" && k > 30 ? { bootId: "i1-second-boot" } : {}),
        }),
      });
      expect(r.verdict).toBe("FAIL");
      expect(checkNamed(r, "memory.no_restarts").detail).toBe("restarted: i1");
    }),
  );

  it.effect("pressure that never reaches the line is not proven: FAIL, not a silent PASS", () =>
    Effect.gen(function* () {
      const r = yield* run({ pressure: { sheds: false } });
      expect(r.verdict).toBe("FAIL");
      const sheds = checkNamed(r, "memory.sheds_instead_of_crashing");
      expect(sheds.pass).toBe(false);
      expect(sheds.actual).toMatch(/^not proven: pressure never reached the shedding line on i2/);
      expect(checkNamed(r, "memory.recovers_after_pressure").pass).toBe(false);
    }),
  );

  it.effect(
    "FAILs an instance that dies under the ballast, and one that never stops shedding",
    () =>
      Effect.gen(function* () {
        const crashed = yield* run({ pressure: { crashes: true } });
        expect(checkNamed(crashed, "memory.sheds_instead_of_crashing").actual).toMatch(
          /boot changed \(i2-boot-2\)$/,
        );
        expect(checkNamed(crashed, "memory.no_restarts").pass).toBe(false);
        const stuck = yield* run({ pressure: { recovers: false } });
        expect(checkNamed(stuck, "memory.sheds_instead_of_crashing").pass).toBe(true);
        expect(checkNamed(stuck, "memory.recovers_after_pressure")).toMatchObject({
          pass: false,
          actual: "i2: still shedding, not serving, same boot",
        });
      }),
  );

  it.effect(
    "without fault injection, or without an instance besides the runner, shedding is not proven",
    () =>
      Effect.gen(function* () {
        const off = yield* run({ faultsEnabled: false });
        expect(checkNamed(off, "memory.sheds_instead_of_crashing").actual).toBe(
          "not proven: fault injection is disabled on this deployment (FAULTS_ENABLED)",
        );
        const alone = yield* run({ instances: 1 });
        expect(checkNamed(alone, "memory.sheds_instead_of_crashing").actual).toBe(
          "not proven: no instance besides the runner's own (i1) to put under pressure",
        );
      }),
  );

  it.effect("the quick soak ends at its deadline, not a backtest interval (6 s) later", () =>
    Effect.gen(function* () {
      const r = yield* run({});
      if (r.evidence?.profile !== "memory") throw new Error("no memory evidence");
      const { soak } = r.evidence.memory;
      // the readers' last tick starts a second before the deadline; nothing idles after it
      expect(soak.to - soak.from).toBeLessThanOrEqual(QUICK_SOAK_MS);
      expect(soak.to - soak.from).toBeGreaterThan(QUICK_SOAK_MS - 2_000);
      expect(r.verdict).toBe("PASS");
    }),
  );

  it.effect("FAILs without GC evidence", () =>
    Effect.gen(function* () {
      const r = yield* run({
        memory: (i, k, at) => ({ ...healthyPoint(i, k, at), gcCount: 0, heapUsed: 30 * MB + k }),
      });
      expect(checkNamed(r, "memory.gc_reclaims").pass).toBe(false);
    }),
  );

  it.effect("unanswered requests are counted as failures, not swallowed", () =>
    Effect.gen(function* () {
      const r = yield* run({
        failRequest: (_method, path, n) =>
          path === "/api/bars" && n % 10 === 0 ? "unreachable" : undefined,
      });
      expect(r.verdict).toBe("FAIL");
      const errors = checkNamed(r, "requests.no_errors");
      expect(errors.actual).toBeGreaterThan(0);
      expect(errors.detail).toMatch(/^unreachable: connection reset/);
      expect(r.metrics["requests.failed_count"]).toBe(errors.actual);
    }),
  );
});
