import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { checkOf } from "../support/ops.ts";
import { COMPRESSED_ENV, fullRun, testMs, withFault } from "./runs.ts";

/**
 * Issue 18, point 3: the full profile in full (non-quick) mode, compressed, on a real
 * 2-instance cluster. Its parts get the seed's 10/15/35 split of `durationMin`, and the
 * scaling measurement a second per minute (plan.ts).
 */
let c: TestCluster;

/**
 * 9 minutes: cache 1.5 (a sustain of about 75 s), jobs 2.25 (waves at 0 and 60 s: a
 * second wave needs the part to outlast 2 minutes, so 8 is too short), memory 5.25
 * (warm-up 63 s, soak 252 s in 126-s windows every 63 s: 3 windows), scaling 2 x 9 s.
 */
const FULL_MIN = 9;
/**
 * The FAIL case's defect is in the cache part, caught at its stampede whatever the
 * duration: a shorter run (cache 48 s, jobs 72 s in one wave, memory 168 s in 2+
 * windows) keeps this file within its CI budget.
 */
const FULL_FAIL_MIN = 4.8;
/** The memory part's latency line (p95 <= 500 ms) loosened: this machine runs other clusters. */
const NO_TIMING_GATES = { "memory.latency_ms": ["p(95)<=60000"] };

beforeAll(async () => {
  c = await startTestCluster("compressed-full", { instances: 2, env: COMPRESSED_ENV });
});
afterAll(async () => {
  await c?.close();
});

describe("compressed full-mode runs of the full profile on a real 2-instance cluster", () => {
  it(
    "full, 9 min: Scale Ready YES, with 2 job waves and a real crash, 2+ memory windows on each instance",
    async () => {
      const { doc, failing } = await fullRun(c, "full", FULL_MIN, "full-pass", {
        thresholds: NO_TIMING_GATES,
      });
      expect(failing).toEqual([]);
      expect(doc.run.verdict).toBe("PASS");
      expect(doc.parameters).toMatchObject({ quick: false, durationMin: FULL_MIN });
      for (const part of ["cache_shared", "stampede", "cache", "jobs", "memory"])
        expect(checkOf(doc, `ready.${part}`).pass).toBe(true);
      // cache: the sustain ran after the stampede and takeover
      expect(checkOf(doc, "cache/stampede.provider_fetch").actual).toBe(1);
      // jobs: two waves of 20, each job completed once (the expected count is not doubled)
      if (doc.evidence?.profile !== "full") throw new Error("no full evidence");
      const jobs = doc.evidence.parts.find((p) => p.profile === "jobs");
      if (jobs?.profile !== "jobs") throw new Error("no jobs evidence");
      expect(jobs.jobs.waves.map((w) => w.accepted.length)).toEqual([20, 20]);
      expect(checkOf(doc, "jobs/jobs.completed").actual).toBe(40);
      expect(checkOf(doc, "jobs/jobs.duplicates").actual).toBe(0);
      expect(checkOf(doc, "jobs/crash.instance_restarted").pass).toBe(true);
      // memory: windows of half the 252-s soak, 2 or more judged on each instance
      for (const series of ["heap", "off_heap"]) {
        expect(checkOf(doc, `memory/memory.leak.${series}`).detail).toMatch(
          /i1: PASS, .* 0\/[2-9] windows above the FAIL line; i2: PASS, .* 0\/[2-9] windows/,
        );
      }
      // the local cluster lets the runner narrow the front door: 30 req/s for 9 s, twice,
      // every request answered
      const scaling = doc.evidence.scaling;
      expect(scaling?.ratePerS).toBe(30);
      for (const answers of [scaling?.one ?? [], scaling?.all ?? []]) {
        expect(answers).toHaveLength(270);
        expect(answers.filter((a) => a._tag !== "Answered" || a.response.status !== 200)).toEqual(
          [],
        );
      }
    },
    testMs(FULL_MIN),
  );

  it(
    "full, 4.8 min, the cache's cross-instance lease off (cache-no-redis-lock): Scale Ready NO from the cache part alone",
    async () => {
      const { doc, failingNames } = await withFault(c, [{ name: "cache-no-redis-lock" }], () =>
        fullRun(c, "full", FULL_FAIL_MIN, "full-no-redis-lock", { thresholds: NO_TIMING_GATES }),
      );
      expect(doc.run.verdict).toBe("FAIL");
      expect(checkOf(doc, "cache/stampede.provider_fetch").actual).toBe(2);
      expect(failingNames).toEqual(
        expect.arrayContaining(["cache/stampede.provider_fetch", "ready.stampede", "ready.cache"]),
      );
      // a partial defect: the other parts still PASS, and only the cache's checks fail
      expect(checkOf(doc, "ready.jobs").pass).toBe(true);
      expect(checkOf(doc, "ready.memory").pass).toBe(true);
      for (const n of failingNames) expect(n).toMatch(/^cache\/|^ready\.(stampede|cache)/);
    },
    testMs(FULL_FAIL_MIN),
  );
});
