import { describe, expect, it } from "@effect/vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import { judgeCache } from "../../../src/scale-test/profiles/cache/judge.ts";
import { gatesOf } from "../../../src/scale-test/profiles/db/gates.ts";
import { ingestSettings } from "../../../src/scale-test/profiles/ingest/plan.ts";
import { loadSettings } from "../../../src/scale-test/profiles/load/settings.ts";
import { judgeMemory } from "../../../src/scale-test/profiles/memory/judge.ts";
import { leakLinesOf } from "../../../src/scale-test/profiles/memory/plan.ts";
import { uploadsSettings } from "../../../src/scale-test/profiles/uploads/plan.ts";
import { runInput } from "../../../src/scale-test/schema.ts";
import { rejudge } from "../../../src/scale-test/verdict/rejudge.ts";
import { cacheRun } from "../judges/recorded.ts";
import { recordedSoak } from "../judges/recordedSoak.ts";
import { checkNamed } from "../simulate.ts";

const HIT = "cache.hit_rate_after_warmup";
const P95 = "latency.p95_within_target";

describe("a k6 threshold moves the line, not the evidence", () => {
  it("cache.hit_rate: the seed's line by default; tightened, the same healthy run FAILs", () => {
    const ev = cacheRun();
    const seed = judgeCache(ev);
    expect(checkNamed(seed, HIT)).toMatchObject({ expected: "rate>=0.9 (default)", pass: true });
    expect(verdictOf(seed.checks)).toBe("PASS");
    const rate = checkNamed(seed, HIT).actual as number;
    const tight = judgeCache(ev, { "cache.hit_rate": [`rate>${rate}`] });
    expect(checkNamed(tight, HIT)).toMatchObject({
      expected: `rate>${rate} (set)`,
      actual: rate,
      pass: false,
    });
    expect(verdictOf(tight.checks)).toBe("FAIL");
  });

  it("cache.hit_rate: loosened, a run that kept missing PASSes", () => {
    const ev = cacheRun();
    const missing = { ...ev, countersAtEnd: { ...ev.countersAtEnd, cache_miss: 400 } };
    expect(verdictOf(judgeCache(missing).checks)).toBe("FAIL");
    const loose = judgeCache(missing, { "cache.hit_rate": ["rate>=0.5"] });
    expect(checkNamed(loose, HIT)).toMatchObject({ expected: "rate>=0.5 (set)", pass: true });
    expect(verdictOf(loose.checks)).toBe("PASS");
  });

  it("memory.latency_ms: p(95)<=500 by default; any percentile, avg or several at once when set", () => {
    const ev = recordedSoak();
    const seed = judgeMemory(ev);
    expect(checkNamed(seed, P95)).toMatchObject({ expected: "p(95)<=500 (default)", pass: true });
    expect(verdictOf(seed.checks)).toBe("PASS");
    const tight = judgeMemory(ev, { "memory.latency_ms": ["p(95)<1"] });
    expect(checkNamed(tight, P95)).toMatchObject({ expected: "p(95)<1 (set)", pass: false });
    expect(verdictOf(tight.checks)).toBe("FAIL");
    const two = judgeMemory(ev, { "memory.latency_ms": ["avg<1000", "max<0"] });
    expect(checkNamed(two, P95).pass).toBe(false);
    expect(checkNamed(two, P95).detail).toMatch(/^avg [\d.]+ ms, max [\d.]+ ms$/);
  });

  it("memory.latency_ms: loosened, a soak with slow requests PASSes its latency", () => {
    const base = recordedSoak();
    const workload = {
      ...base.workload,
      servedMs: base.workload.servedMs.map((ms, i) => (i % 10 === 0 ? 900 : ms)),
    };
    expect(checkNamed(judgeMemory({ ...base, workload }), P95).pass).toBe(false);
    const loose = judgeMemory({ ...base, workload }, { "memory.latency_ms": ["p(95)<1000"] });
    expect(checkNamed(loose, P95)).toMatchObject({
      expected: "p(95)<1000 (set)",
      actual: 900,
      pass: true,
    });
    expect(verdictOf(loose.checks)).toBe("PASS");
  });

  it("memory.leak_*: the seed's lines by default; a loosened FAIL line turns a 70 MB/h FAIL into RISK", () => {
    expect(leakLinesOf(false)).toMatchObject({ failAboveMbPerHour: 50, passBelowMbPerHour: 10 });
    expect(leakLinesOf(true)).toMatchObject({ failAboveMbPerHour: 60, passBelowMbPerHour: null });
    const leak = { instance: "i2", fromMin: 0, mbPerMin: 70 / 60 };
    expect(checkNamed(judgeMemory(recordedSoak({ leak })), "memory.leak.heap").zone).toBe("fail");
    const t = { "memory.leak_mb_per_h": ["value<200"] };
    const loose = judgeMemory(recordedSoak({ leak, lines: leakLinesOf(false, t) }), t);
    expect(checkNamed(loose, "memory.leak.heap")).toMatchObject({ zone: "risk" });
    expect(checkNamed(loose, "memory.leak.heap").expected).toMatch(
      /memory.leak_mb_per_h: value<200 \(set\); memory.leak_pass_mb_per_h: value<10 \(default\)$/,
    );
  });

  it("memory.leak_*: a tightened PASS line turns a 5 MB/h PASS into RISK", () => {
    const leak = { instance: "i2", fromMin: 0, mbPerMin: 5 / 60 };
    expect(checkNamed(judgeMemory(recordedSoak({ leak })), "memory.leak.heap").zone).toBe("pass");
    const t = { "memory.leak_pass_mb_per_h": ["value<0.01"] };
    const tight = judgeMemory(recordedSoak({ leak, lines: leakLinesOf(false, t) }), t);
    expect(checkNamed(tight, "memory.leak.heap").zone).toBe("risk");
  });

  it("load and db: a threshold sets the gate object's line (and wins over it)", () => {
    const params = (over: object) => runInput.parse({ profile: "load", ...over });
    const seed = loadSettings(params({}));
    expect(seed.ladder.map((l) => l.gate.p95Ms)).toEqual([50, 75, 150, 300]);
    expect(seed.ladder[0]?.gate).toMatchObject({ errorPassPct: 0.1, errorFailPct: 1 });
    const set = loadSettings(
      params({
        load: { errorFailPct: 5, p95Ms: [10] },
        thresholds: { "load.error_rate": ["rate<0.005"], "load.latency_ms": ["p(95)<40"] },
      }),
    );
    expect(set.ladder.map((l) => l.gate.p95Ms)).toEqual([40, 40, 40, 40]);
    expect(set.ladder[0]?.gate).toMatchObject({ errorPassPct: 0.1, errorFailPct: 0.5 });
    expect(set.zones.errors).toEqual({ risk: 0.1, fail: 0.5 });
    expect(gatesOf({})).toMatchObject({ creationP95Ms: 500, coldReadP95Ms: 800 });
    expect(
      gatesOf({
        db: { coldReadP95Ms: 900 },
        thresholds: { "db.cold_read_latency_ms": ["p(95)<300"] },
      }),
    ).toMatchObject({ creationP95Ms: 500, coldReadP95Ms: 300 });
  });

  it("ingest and uploads: a threshold sets the bound the settings carry (and wins over the field)", () => {
    const params = (profile: "ingest" | "uploads", over: object) =>
      runInput.parse({ profile, ...over });
    expect(ingestSettings(params("ingest", {}))).toMatchObject({
      flushLagP95Ms: 500,
      bufferMaxRows: 500,
    });
    expect(
      ingestSettings(
        params("ingest", {
          ingest: { flushLagP95Ms: 900 },
          thresholds: { "ingest.flush_lag_ms": ["p(95)<=250"], "ingest.buffer_rows": ["max<=100"] },
        }),
      ),
    ).toMatchObject({ flushLagP95Ms: 250, bufferMaxRows: 100 });
    expect(uploadsSettings(params("uploads", {})).soakFailurePct).toBe(5);
    expect(
      uploadsSettings(
        params("uploads", { thresholds: { "uploads.soak_failure_rate": ["rate<=0.07"] } }),
      ).soakFailurePct,
    ).toBe(7);
  });

  it("a re-judge uses the thresholds the run stored", () => {
    const ev = cacheRun();
    const t = { "cache.hit_rate": ["rate>=1.5"] };
    const stored = judgeCache(ev, t);
    const evidence = { profile: "cache" as const, cache: ev };
    expect(rejudge({ verdict: "FAIL", checks: stored.checks }, evidence, t)).toMatchObject({
      verdict: "FAIL",
      agrees: true,
    });
    expect(rejudge({ verdict: "FAIL", checks: stored.checks }, evidence).agrees).toBe(false);
  });
});
