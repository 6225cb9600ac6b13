import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import { judgeJobs } from "../../../src/scale-test/profiles/jobs/judge.ts";
import { checkNamed } from "../simulate.ts";
import { jobsRun } from "./recorded.ts";

describe("jobs judge on a recorded 15-minute run (14 waves of 20)", () => {
  it("expects every accepted job once: 280 enqueued, 280 completed (the seed-length bug expected 540)", () => {
    const r = judgeJobs(jobsRun());
    expect(checkNamed(r, "jobs.enqueued")).toMatchObject({
      expected: "280 accepted (202)",
      actual: 280,
    });
    expect(checkNamed(r, "jobs.completed")).toMatchObject({
      expected: "= 280",
      actual: 280,
      pass: true,
    });
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(verdictOf(r.checks)).toBe("PASS");
    expect(r.metrics["jobs.waves_count"]).toBe(14);
  });

  it("PASSes with a crash in wave 3: the attempt died, was retried after its lease, the instance came back", () => {
    const r = judgeJobs(jobsRun({ crashInWave: 3 }));
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(checkNamed(r, "crash.job_retried_after_lease_expiry").detail).toMatch(
      /^job 61: attempt 1 on i1 .* died; attempt 2 on i2 .* started 1000 ms after the lease expired; finished by attempt 2$/,
    );
    expect(checkNamed(r, "crash.instance_restarted").actual).toBe("i1 boot i1-b2");
    expect(r.metrics["jobs.retried_count"]).toBe(1);
  });

  it("FAILs when the crashed instance never came back", () => {
    const ev = jobsRun({ crashInWave: 3 });
    const r = judgeJobs({ ...ev, restart: ev.restart && { ...ev.restart, seenBoot: null } });
    expect(checkNamed(r, "crash.instance_restarted").pass).toBe(false);
  });

  it("FAILs a job of wave 9 that never finished, and one of wave 12 that ran twice", () => {
    const ev = jobsRun();
    const events = ev.history.events
      .filter((e) => !(e.jobId === "181" && e.kind === "finish"))
      .concat(
        { jobId: "241", attempt: 2, kind: "start", at: 720_100, instanceId: "i2", bootId: "i2-b" },
        { jobId: "241", attempt: 2, kind: "finish", at: 720_300, instanceId: "i2", bootId: "i2-b" },
      );
    const jobs = ev.history.jobs.map((j) =>
      j.id === "181" ? { ...j, status: "running" as const } : j,
    );
    const r = judgeJobs({ ...ev, history: { jobs, events } });
    expect(verdictOf(r.checks)).toBe("FAIL");
    expect(checkNamed(r, "jobs.lost")).toMatchObject({
      actual: 1,
      detail: "job 181: status running, no accepted finish",
    });
    expect(checkNamed(r, "jobs.duplicates").detail).toMatch(/^job 241: /);
    expect(checkNamed(r, "jobs.completed")).toMatchObject({ expected: "= 280", actual: 278 });
  });

  it("FAILs the enqueue when a later wave was refused, with the reasons", () => {
    const ev = jobsRun();
    const waves = ev.waves.map((w, i) =>
      i === 5
        ? { accepted: w.accepted.slice(2), refused: ["503 MEMORY_PRESSURE", "unreachable: reset"] }
        : w,
    );
    const r = judgeJobs({ ...ev, waves });
    expect(checkNamed(r, "jobs.enqueued")).toMatchObject({
      actual: 278,
      pass: false,
      detail: "refused: 503 MEMORY_PRESSURE; unreachable: reset",
    });
    expect(r.metrics["jobs.refused_count"]).toBe(2);
  });
});
