import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import { judgeCache } from "../../../src/scale-test/profiles/cache/judge.ts";
import { judgeFull } from "../../../src/scale-test/profiles/full/judge.ts";
import { judgeJobs } from "../../../src/scale-test/profiles/jobs/judge.ts";
import { judgeMemory } from "../../../src/scale-test/profiles/memory/judge.ts";
import { checkNamed } from "../simulate.ts";
import { cacheRun, jobsRun } from "./recorded.ts";
import { recordedSoak } from "./recordedSoak.ts";

/** A recorded 60-minute full run: 10 min cache, 15 min jobs (a crash in wave 3), 35 min memory. */
const parts = (leak = false) => [
  { name: "cache", result: judgeCache(cacheRun()) },
  { name: "jobs", result: judgeJobs(jobsRun({ crashInWave: 3 })) },
  {
    name: "memory",
    result: judgeMemory(
      recordedSoak({
        minutes: 35,
        ...(leak ? { leak: { instance: "i1", fromMin: 17, mbPerMin: 4 } } : {}),
      }),
    ),
  },
];

describe("full judge on a recorded 60-minute run", () => {
  it("Scale Ready: YES when every part passed; each part's findings under its name", () => {
    const r = judgeFull(parts(), null);
    expect(verdictOf(r.checks)).toBe("PASS");
    expect(r.notes?.scale_ready).toBe("YES");
    expect(r.notes?.["verdict.jobs"]).toBe("PASS");
    expect(checkNamed(r, "jobs/crash.instance_restarted").pass).toBe(true);
    expect(r.metrics["jobs/jobs.completed_count"]).toBe(280);
    expect(r.notes?.scaling).toMatch(/^not measured/);
  });

  it("Scale Ready: NO when a leak starts mid-soak, naming the memory check", () => {
    const r = judgeFull(parts(true), null);
    expect(r.notes?.scale_ready).toBe("NO");
    expect(checkNamed(r, "ready.memory")).toMatchObject({
      pass: false,
      actual: "FAIL",
      detail: "memory/memory.leak.heap",
    });
    expect(checkNamed(r, "ready.cache").pass).toBe(true);
  });

  it("reports the scaling figures, unanswered requests counted as failed", () => {
    const answer = (ms: number, instanceId: string) => ({
      _tag: "Answered" as const,
      response: {
        status: 200,
        cache: "HIT" as const,
        cacheKey: "k",
        instanceId,
        bootId: "b",
        version: "1",
        bytes: 1,
        durationMs: ms,
        errorCode: null,
      },
    });
    const one = Array.from({ length: 1800 }, (_, i) => answer(20 + (i % 10), "i1"));
    const all = Array.from({ length: 1800 }, (_, i) => answer(10 + (i % 10), `i${(i % 2) + 1}`));
    const r = judgeFull(parts(), {
      ratePerS: 30,
      one,
      all: [...all, { _tag: "Unreachable", message: "reset" }],
    });
    expect(r.metrics["scaling.p95_one_instance_ms"]).toBe(29);
    expect(r.metrics["scaling.p95_all_instances_ms"]).toBe(19);
    expect(r.metrics["scaling.instances_count"]).toBe(2);
    // no key names an instance count (issue 16 #6): the same keys for any cluster size
    expect(Object.keys(r.metrics).filter((k) => /\d+_instances?\b/.test(k))).toEqual([]);
    expect(r.metrics["scaling.p95_ratio_one_vs_all"]).toBe(1.53);
    expect(r.notes?.scaling).toMatch(/^p95 29 ms -> 19 ms with 2 instances \(improves/);
    expect(r.metrics["scaling.failed_requests_count"]).toBe(1);
    expect(verdictOf(r.checks)).toBe("PASS");
  });
});
