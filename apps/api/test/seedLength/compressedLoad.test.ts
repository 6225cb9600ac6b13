import { levelRowsOf } from "@scaleproof/core/scale-test/profiles/load/rows";
import type { RunInput } from "@scaleproof/core/scale-test/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { checkOf } from "../support/ops.ts";
import { fullRun, LONG_RUN_ENV, testMs, withFault } from "./runs.ts";

/**
 * Issue 18, point 3: the load profile in full (non-quick) mode, compressed, on a real
 * 2-instance cluster. The defect is planted through an admin fault switch once the
 * sustained level (the long step full mode adds) has started.
 */
let c: TestCluster;

/**
 * The seed's 32-minute ladder scaled by 2/32: the four levels 11.25 s each with 1.875-s
 * cooldowns, a sustained level of 56.25 s (the scale-out at 20 % of it, the scale-in at
 * 70 %); every level of the ladder runs. Baseline and recovery are set to 15 s (below).
 */
const LOAD_MIN = 2;

/**
 * The timing lines loosened (as in loadProfile.test.ts): this 2-core machine runs other
 * clusters, so answers and the runner's sends wait for a core. Every other gate is the
 * seed's: achieved / offered, the error rate, no restart, the zones but p95 and loop delay.
 */
type LoadInput = NonNullable<RunInput["load"]>;
const NO_TIMING_GATES: LoadInput = {
  runnerLagMs: 60_000,
  zones: { p95Ms: [60_000, 60_000], eventLoopP99Ms: [60_000, 60_000] },
  p95Ms: [60_000],
  baselineP95Ms: 60_000,
  sustainedP95Ms: 60_000,
  // Baseline and recovery 15 s instead of 3.75 s: the gauges are probed every 5 s in full
  // mode, so a 3.75-s recovery read each instance's queues once, and one request in flight
  // at that instant (latency 381 ms on the loaded machine) failed load.recovery.queues
  // (median 0). 15 s gives each instance 3 or more readings for the median.
  baselineDurationS: 15,
};
const LADDER = ["5rps", "10rps", "25rps", "50rps"];

/** The 500 answers a level's errors check names in its detail (`statuses 200: 510, 500: 53`). */
const status500 = (detail: string | undefined) =>
  Number(/statuses [^;]*\b500: (\d+)/.exec(detail ?? "")?.[1] ?? 0);

beforeAll(async () => {
  c = await startTestCluster("compressed-load", { instances: 2, env: LONG_RUN_ENV });
});
afterAll(async () => {
  await c?.close();
});

describe("compressed full-mode runs of the load profile on a real 2-instance cluster", () => {
  it(
    "load, 2 min: PASSes every level at 2/32 of the seed's length, scaling out and in during the sustained level",
    async () => {
      const { run, failing } = await fullRun(c, "load", LOAD_MIN, "load-pass", {
        load: NO_TIMING_GATES,
      });
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      const rows = levelRowsOf(run.metrics);
      expect(rows.map((x) => `${x.name}@${x.offeredRps}:${x.durationS}`)).toEqual([
        "baseline@1:15",
        "5rps@5:11.25",
        "10rps@10:11.25",
        "25rps@25:11.25",
        "50rps@50:11.25",
        "sustained@10:56.25",
        "recovery@1:15",
      ]);
      for (const row of rows) expect(row.verdict).toBe("PASS");
      // 10 req/s x 56.25 s, rounded
      expect(rows.find((x) => x.name === "sustained")?.counts?.sent).toBe(563);
      for (const level of ["baseline", ...LADDER, "sustained", "recovery"])
        expect(checkOf(run, `load.${level}.errors`).pass).toBe(true);
      expect(checkOf(run, "load.scale_out_in.done").actual).toBe("i3 added, then stopped");
      expect(checkOf(run, "load.scale_out.served").actual).toBeGreaterThan(0);
      expect(checkOf(run, "load.scale_in.leases_handed_back").pass).toBe(true);
      expect(
        c.supervisor
          .live()
          .map((s) => s.instanceId)
          .sort(),
      ).toEqual(["i1", "i2"]);
    },
    testMs(LOAD_MIN),
  );

  it(
    "load, 2 min, half of i2's answers 500 from the 5rps level on (error-requests): FAILs that level's error gate; the baseline's, before it, PASSes",
    async () => {
      const { run, failingNames } = await withFault(c, [], () =>
        fullRun(
          c,
          "load",
          LOAD_MIN,
          "load-errors-from-5rps",
          { load: NO_TIMING_GATES },
          {
            // the first ladder level: at 5 req/s the runner offers its rate even on this
            // loaded machine (the sustained level, with the scale-out beside it, once
            // dropped 74 arrivals, and a level the runner cannot offer is not judged)
            step: "5rps",
            fault: { name: "error-requests", instanceId: "i2", params: { rate: 0.5 } },
          },
        ),
      );
      expect(run.verdict).toBe("FAIL");
      const errors = checkOf(run, "load.5rps.errors");
      expect(errors).toMatchObject({ step: "5rps", zone: "fail", pass: false });
      expect(failingNames).toContain("load.5rps.errors");
      // the fault's 500s alone are past the seed's FAIL line (1 % of what was sent), so the
      // gate failed on the planted defect, whatever the loaded machine timed out besides
      const sent = levelRowsOf(run.metrics).find((x) => x.name === "5rps")?.counts?.sent;
      expect(sent).toBe(56);
      expect(status500(errors.detail)).toBeGreaterThan((sent ?? 0) / 100);
      // the defect started mid-run: the same gate PASSed the level before it, with no 500
      const before = checkOf(run, "load.baseline.errors");
      expect(before).toMatchObject({ pass: true, zone: "pass" });
      expect(status500(before.detail)).toBe(0);
    },
    testMs(LOAD_MIN),
  );
});
