import { levelRowsOf } from "@scaleproof/core/scale-test/profiles/load/rows";
import type { RunInput } from "@scaleproof/core/scale-test/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { checkOf } from "../support/ops.ts";
import { COMPRESSED_ENV, fullRun, testMs, withFault } from "./runs.ts";

/**
 * Issue 18, point 3: the load and streams profiles in full (non-quick) mode, compressed,
 * on a real 2-instance cluster. Defects are planted through the admin fault switches,
 * the load's once its sustained level (the long step full mode adds) has started.
 */
let c: TestCluster;

/**
 * Load: every duration of the seed's 32-minute ladder scaled by 4/32: baseline 7.5 s,
 * levels of 22.5 s with 3.75-s cooldowns, a sustained level of 112.5 s (with the
 * scale-out and scale-in under load), recovery 7.5 s; about 4.5 minutes.
 */
const LOAD_MIN = 4;
/** Streams: 20 streams held for a minute (quick: 30 s), then a 30-s baseline without them. */
const STREAMS_MIN = 1;

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
};
const LADDER = ["5rps", "10rps", "25rps", "50rps"];

beforeAll(async () => {
  c = await startTestCluster("compressed-load", { instances: 2, env: COMPRESSED_ENV });
});
afterAll(async () => {
  await c?.close();
});

describe("compressed full-mode runs of load and streams on a real 2-instance cluster", () => {
  it(
    "load, 4 min: PASSes every level at 4/32 of the seed's length, scaling out and in during the sustained level",
    async () => {
      const { run, failing } = await fullRun(c, "load", LOAD_MIN, "load-pass", {
        load: NO_TIMING_GATES,
      });
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      const rows = levelRowsOf(run.metrics);
      expect(rows.map((x) => `${x.name}@${x.offeredRps}:${x.durationS}`)).toEqual([
        "baseline@1:7.5",
        "5rps@5:22.5",
        "10rps@10:22.5",
        "25rps@25:22.5",
        "50rps@50:22.5",
        "sustained@10:112.5",
        "recovery@1:7.5",
      ]);
      for (const row of rows) expect(row.verdict).toBe("PASS");
      expect(rows.find((x) => x.name === "sustained")?.counts?.sent).toBe(1_125);
      expect(checkOf(run, "load.scale_out_in.done").actual).toBe("i3 added, then stopped");
      expect(checkOf(run, "load.scale_out.served").actual).toBeGreaterThan(0);
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
    "load, 4 min, 20 % of i2's answers 500 from the sustained level on (error-requests): FAILs that level's error gate, the ladder's PASS",
    async () => {
      const { run, failingNames } = await withFault(c, [], () =>
        fullRun(
          c,
          "load",
          LOAD_MIN,
          "load-errors-in-sustained",
          { load: NO_TIMING_GATES },
          {
            step: "sustained",
            fault: { name: "error-requests", instanceId: "i2", params: { rate: 0.2 } },
          },
        ),
      );
      expect(run.verdict).toBe("FAIL");
      const errors = checkOf(run, "load.sustained.errors");
      expect(errors).toMatchObject({ step: "sustained", zone: "fail", pass: false });
      expect(errors.detail).toMatch(/statuses .*500: \d+/);
      expect(failingNames).toContain("load.sustained.errors");
      // the defect started mid-run: the levels before it were clean
      for (const level of ["baseline", ...LADDER])
        expect(checkOf(run, `load.${level}.errors`).pass).toBe(true);
    },
    testMs(LOAD_MIN),
  );

  it(
    "streams, 1 min: PASSes, 20 streams held a minute over both instances, none dropped",
    async () => {
      const { run, failing } = await fullRun(c, "streams", STREAMS_MIN, "streams-pass");
      expect(failing).toEqual([]);
      expect(run.verdict).toBe("PASS");
      // 20 streams connected, over both instances, none dropped
      const connected = checkOf(run, "streams.connected");
      expect(connected.actual).toBe(20);
      expect(connected.detail).toMatch(/^i[12]: [1-9]\d*, i[12]: [1-9]\d*$/);
      expect(checkOf(run, "streams.dropped").actual).toBe(0);
      expect(typeof checkOf(run, "streams.queries_per_subscriber").actual).toBe("number");
    },
    testMs(STREAMS_MIN),
  );

  it(
    "streams, 1 min, every stream ended after 3 events (streams-drop): FAILs naming the drops",
    async () => {
      const { run, failingNames } = await withFault(
        c,
        [{ name: "streams-drop", params: { after: 3 } }],
        () => fullRun(c, "streams", STREAMS_MIN, "streams-drop"),
      );
      expect(run.verdict).toBe("FAIL");
      const dropped = checkOf(run, "streams.dropped");
      expect(dropped).toMatchObject({ actual: 20, pass: false });
      expect(dropped.detail).toMatch(/after 3 events: the server ended the stream/);
      expect(failingNames).toContain("streams.dropped");
    },
    testMs(STREAMS_MIN),
  );
});
