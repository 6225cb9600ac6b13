import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import { findCapacity } from "../../../src/scale-test/profiles/load/capacity.ts";
import { judgeLoad } from "../../../src/scale-test/profiles/load/judge.ts";
import type { Check } from "../../../src/scale-test/schema.ts";
import { checkNamed } from "../simulate.ts";
import { atLevel, recordedLoad, samplesAt, withErrors } from "./recordedLoad.ts";

const MB = 1024 * 1024;
const failing = (checks: readonly Check[]) => checks.filter((c) => !c.pass).map((c) => c.name);

describe("load judge on recorded evidence (seed-length levels, 2 instances)", () => {
  it("a healthy ladder PASSes: every gate at every level, every zone STABLE, recovered", () => {
    const r = judgeLoad(recordedLoad());
    expect(failing(r.checks)).toEqual([]);
    expect(verdictOf(r.checks)).toBe("PASS");
    expect(r.levels.map((l) => l.ev.level.name)).toEqual([
      "baseline",
      "5rps",
      "10rps",
      "25rps",
      "50rps",
      "sustained",
      "recovery",
    ]);
    expect(checkNamed(r, "load.50rps.achieved")).toMatchObject({
      expected: ">= 90 % of 50 req/s offered",
      actual: 100,
    });
    expect(checkNamed(r, "load.zone.cpu")).toMatchObject({ actual: "STABLE", pass: true });
    expect(r.notes?.["load.zone"]).toBe("STABLE");
    expect(r.metrics["latency.p95_ms"]).toBe(8);
  });

  it("a level missing its achieved gate FAILs, naming the level and the gate", () => {
    // 10 % of the 25 req/s level's requests time out: 90 % achieved, under its 92 % gate
    const r = judgeLoad(
      recordedLoad(
        atLevel("25rps", (m) => ({
          ...m,
          counts: { ...m.counts, answered: 4050, timedOut: 450 },
          achievedRate: 22.5,
        })),
      ),
    );
    expect(verdictOf(r.checks)).toBe("FAIL");
    expect(checkNamed(r, "load.25rps.achieved")).toMatchObject({
      step: "25rps",
      expected: ">= 92 % of 25 req/s offered",
      actual: 90,
      pass: false,
    });
    expect(failing(r.checks)).toEqual([
      "load.25rps.achieved",
      "load.25rps.errors",
      "load.zone.errors",
    ]);
    expect(r.levels.find((l) => l.ev.level.name === "25rps")?.row.failed).toEqual([
      "achieved",
      "errors",
    ]);
  });

  it("p95 over a level's gate FAILs that level's p95 gate (and shows in the p95 zone)", () => {
    const r = judgeLoad(
      recordedLoad(atLevel("50rps", (m) => ({ ...m, latencyMs: { ...m.latencyMs, p95: 320 } }))),
    );
    expect(checkNamed(r, "load.50rps.p95")).toMatchObject({
      expected: "< 300 ms",
      actual: 320,
      pass: false,
    });
    expect(checkNamed(r, "load.zone.p95")).toMatchObject({
      actual: "RISK at 50rps (320 ms)",
      zone: "risk",
    });
    expect(failing(r.checks)).toEqual(["load.50rps.p95", "load.zone.p95"]);
    expect(verdictOf(r.checks)).toBe("FAIL");
  });

  it("errors: 0.5 % is RISK, 2 % is FAIL", () => {
    // the 10 req/s level sends 1,800 requests
    const risk = judgeLoad(recordedLoad(atLevel("10rps", (m) => withErrors(m, 9))));
    expect(checkNamed(risk, "load.10rps.errors")).toMatchObject({
      actual: 0.5,
      zone: "risk",
      pass: false,
    });
    expect(checkNamed(risk, "load.10rps.errors").detail).toMatch(/statuses 200: 1791, 500: 9/);
    expect(failing(risk.checks)).toEqual(["load.10rps.errors", "load.zone.errors"]);
    expect(verdictOf(risk.checks)).toBe("RISK");

    const fail = judgeLoad(recordedLoad(atLevel("10rps", (m) => withErrors(m, 36))));
    expect(checkNamed(fail, "load.10rps.errors")).toMatchObject({ actual: 2, zone: "fail" });
    expect(verdictOf(fail.checks)).toBe("FAIL");
  });

  it("a runner that could not offer the rate is reported as such, never blamed on the service, never a PASS", () => {
    const r = judgeLoad(
      recordedLoad(
        atLevel("50rps", (m) => ({
          ...m,
          counts: { ...m.counts, scheduled: 9000, sent: 8700, dropped: 300, answered: 8700 },
          achievedRate: 48.3,
          scheduleLagMs: { p50: 120, p95: 380, p99: 420, max: 900 },
          // the late sends inflate latency measured from the intended time
          latencyMs: { ...m.latencyMs, p95: 450 },
        })),
      ),
    );
    expect(failing(r.checks)).toEqual(["load.50rps.runner"]);
    const runner = checkNamed(r, "load.50rps.runner");
    expect(runner.actual).toBe("the runner could not offer the rate");
    expect(runner.detail).toMatch(/300 arrivals dropped.*schedule lag p95 380 ms/);
    // the service's gates are not judged at that level, and the p95 zone leaves it out
    expect(
      r.checks.some((c) => c.name === "load.50rps.p95" || c.name === "load.50rps.achieved"),
    ).toBe(false);
    expect(checkNamed(r, "load.zone.p95").actual).toBe("STABLE");
    expect(r.levels.find((l) => l.ev.level.name === "50rps")?.row.verdict).toBe("RUNNER");
    expect(r.capacity.limitedBy).toBe("runner");
    expect(verdictOf(r.checks)).toBe("FAIL");
  });

  it("recovery fails when the post-GC heap stays up and CPU does not come back to idle", () => {
    const r = judgeLoad(
      recordedLoad(
        samplesAt("recovery", (s) =>
          s.instanceId === "i2"
            ? { ...s, postGcHeap: (s.postGcHeap ?? 0) + 5 * MB, cpuPct: (s.cpuPct ?? 0) + 20 }
            : s,
        ),
      ),
    );
    const heap = checkNamed(r, "load.recovery.heap");
    expect(heap.pass).toBe(false);
    expect(heap.actual).toBe(20.7);
    expect(heap.detail).toMatch(/i2: 24\.1 MB -> 29\.1 MB \(\+20\.7 %\)/);
    expect(checkNamed(r, "load.recovery.cpu")).toMatchObject({ actual: 20, pass: false });
    expect(checkNamed(r, "load.recovery.event_loop").pass).toBe(true);
    expect(verdictOf(r.checks)).toBe("FAIL");
  });

  it("a restart during a level FAILs it, naming the instance and its boots", () => {
    const r = judgeLoad(
      recordedLoad(
        samplesAt("25rps", (s) =>
          s.instanceId === "i2" && s.at % 20_000 === 0 ? { ...s, bootId: "i2-second" } : s,
        ),
      ),
    );
    expect(checkNamed(r, "load.25rps.no_restart")).toMatchObject({
      actual: 1,
      detail: "i2: boot i2-boot -> i2-second",
    });
    expect(verdictOf(r.checks)).toBe("FAIL");
  });

  it("a signal with no evidence is not STABLE: queues never read FAIL their zone", () => {
    const r = judgeLoad(recordedLoad((ev) => ({ ...ev, probes: [] })));
    expect(checkNamed(r, "load.zone.requestsInFlight")).toMatchObject({
      actual: "not measured at baseline, 5rps, 10rps, 25rps, 50rps, sustained, recovery",
      pass: false,
    });
    expect(checkNamed(r, "load.recovery.queues").actual).toBe("not measured");
  });

  it("a queue gauge never read during recovery is not proven empty: the queues check FAILs", () => {
    const r = judgeLoad(
      recordedLoad((ev) =>
        ev.level.name === "recovery"
          ? {
              ...ev,
              probes: ev.probes.map((p) =>
                p.instanceId === "i2" ? { ...p, jobsActive: null } : p,
              ),
            }
          : ev,
      ),
    );
    expect(checkNamed(r, "load.recovery.queues")).toMatchObject({
      actual: "i2: job slots busy not read",
      pass: false,
    });
    expect(verdictOf(r.checks)).toBe("FAIL");
  });

  it("memory is rss over the container's limit, or heapUsed over the heap limit without one", () => {
    const hot = judgeLoad(
      recordedLoad(samplesAt("50rps", (s) => ({ ...s, rss: 0.85 * (s.memoryLimit ?? 0) }))),
    );
    expect(checkNamed(hot, "load.zone.memory").actual).toBe("RISK at 50rps (85 % on i1)");
    const unlimited = judgeLoad(
      recordedLoad(samplesAt("5rps", (s) => ({ ...s, memoryLimit: null }))),
    );
    const row = unlimited.levels.find((l) => l.ev.level.name === "5rps");
    expect(row?.readings.memory.note).toBe("heapUsed / heap limit (no memory limit known)");
  });
});

describe("capacity and the knee", () => {
  const point = (rate: number, over: Partial<Parameters<typeof findCapacity>[0][number]> = {}) => ({
    name: `${rate}rps`,
    kind: "ladder" as const,
    rate,
    verdict: "PASS" as const,
    failed: [],
    p95Ms: 10,
    achievedPct: 100,
    zone: "STABLE" as const,
    instances: 2,
    ...over,
  });

  it("capacity is the last rate before the first failing level; scale out at min(capacity, knee, stable)", () => {
    const c = findCapacity(
      [
        point(5),
        point(10),
        point(25, { p95Ms: 25 }),
        point(50, { p95Ms: 45, zone: "RISK" }),
        point(75, { verdict: "FAIL", failed: ["p95"], p95Ms: 400 }),
      ],
      true,
    );
    expect(c).toMatchObject({
      clusterRps: 50,
      limitedBy: "service",
      kneeRps: 25,
      stableRps: 25,
      scaleOutAboveRps: 12.5,
    });
    expect(c.statement).toMatch(
      /^scale out above 12\.5 req\/s per instance \(2 instances; capacity 50 req\/s/,
    );
    expect(c.kneeWhy).toBe("50rps: p95 45 ms vs 10 ms at the lowest rate");
  });

  it("a level failing at a rate also measured earlier (sustained) makes that rate unsustainable", () => {
    const c = findCapacity(
      [
        point(5),
        point(10),
        point(10, { kind: "sustained", verdict: "FAIL", failed: ["p95"] }),
        point(25),
      ],
      false,
    );
    expect(c.clusterRps).toBe(5);
  });

  it("when nothing failed, capacity is a lower bound and says so", () => {
    const c = findCapacity([point(5), point(50)], false);
    expect(c.limitedBy).toBe("none");
    expect(c.statement).toMatch(
      /capacity at least 50 req\/s \(no level failed; --find-capacity searches higher\)/,
    );
  });
});
