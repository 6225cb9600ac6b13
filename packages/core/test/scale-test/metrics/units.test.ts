import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { ProfileResult } from "../../../src/scale-test/check.ts";
import { METRIC_UNITS, metrics, unitOf } from "../../../src/scale-test/metrics/schema.ts";
import { judgeCache } from "../../../src/scale-test/profiles/cache/judge.ts";
import { judgeFull } from "../../../src/scale-test/profiles/full/judge.ts";
import { judgeIngest } from "../../../src/scale-test/profiles/ingest/judge.ts";
import { judgeJobs } from "../../../src/scale-test/profiles/jobs/judge.ts";
import { judgeLoad } from "../../../src/scale-test/profiles/load/judge.ts";
import { judgeMemory } from "../../../src/scale-test/profiles/memory/judge.ts";
import { judgeUploads } from "../../../src/scale-test/profiles/uploads/judge.ts";
import { PROFILE_NAMES, type RunInput } from "../../../src/scale-test/schema.ts";
import { cacheRun, jobsRun } from "../judges/recorded.ts";
import { recordedSoak } from "../judges/recordedSoak.ts";
import { recordedLoad } from "../load/recordedLoad.ts";
import { simulate } from "../simulate.ts";
import { recordedIngest } from "../writes/recordedIngest.ts";
import { recordedUploads } from "../writes/recordedUploads.ts";
import { simulateWrites } from "../writes/simulateWrites.ts";

/**
 * What is wrong with a judge's metrics: a value that is not a finite number (a sentence,
 * a null, NaN), or a key that does not end in its unit. Empty when every metric is right.
 */
const problems = (r: Pick<ProfileResult, "metrics">): string[] => {
  const parsed = metrics.safeParse(r.metrics);
  const zod = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  const values = Object.entries(r.metrics as Record<string, unknown>)
    .filter(([, v]) => typeof v !== "number" || !Number.isFinite(v))
    .map(([k, v]) => `${k}: ${JSON.stringify(v)} is not a finite number`);
  return [...zod, ...values];
};

const notesAreSentences = (r: ProfileResult) =>
  Object.values(r.notes ?? {}).every((v) => typeof v === "string" && v.length > 0);

describe("metrics are numbers with their unit in the key (issue 16 #6)", () => {
  it("the check itself: one sentence, one unitless key or one NaN among good metrics is caught", () => {
    const good = { "latency.p95_ms": 8, requests_count: 3, "leak.i2.heap_mb_per_h": 1.5 };
    expect(problems({ metrics: good })).toEqual([]);
    const sentence = { ...good, "load.recommendation": "scale out above 25 req/s" };
    expect(problems({ metrics: sentence as never })).toHaveLength(2);
    expect(problems({ metrics: { ...good, requests: 3 } })).toEqual([
      expect.stringMatching(/^requests: /),
    ]);
    expect(problems({ metrics: { ...good, "latency.p50_ms": Number.NaN } })).not.toEqual([]);
    expect(problems({ metrics: { ...good, "x.down_ms": null } as never })).not.toEqual([]);
    expect(unitOf("leak.i2.heap_mb_per_h")).toBe("mb_per_h");
    expect(unitOf("scaling.p95_ratio_one_vs_all")).toBeNull();
  });

  const recorded: [string, () => ProfileResult][] = [
    ["cache", () => judgeCache(cacheRun())],
    ["jobs", () => judgeJobs(jobsRun())],
    ["memory", () => judgeMemory(recordedSoak())],
    [
      "memory with a leak",
      () => judgeMemory(recordedSoak({ leak: { instance: "i2", fromMin: 0, mbPerMin: 2 } })),
    ],
    ["load", () => judgeLoad(recordedLoad())],
    ["ingest", () => judgeIngest(recordedIngest())],
    ["uploads", () => judgeUploads(recordedUploads())],
    [
      "full (scaling not measured)",
      () =>
        judgeFull(
          [
            { name: "cache", result: judgeCache(cacheRun()) },
            { name: "jobs", result: judgeJobs(jobsRun()) },
            { name: "memory", result: judgeMemory(recordedSoak()) },
          ],
          null,
        ),
    ],
  ];
  for (const [name, judge] of recorded) {
    it(`${name}: the pure judge on recorded evidence`, () => {
      const r = judge();
      expect(Object.keys(r.metrics).length).toBeGreaterThan(3);
      expect(problems(r)).toEqual([]);
      expect(notesAreSentences(r)).toBe(true);
    });
  }

  const runs: RunInput[] = PROFILE_NAMES.filter((p) => p !== "ingest" && p !== "uploads").map(
    (profile) => ({ profile, quick: true, jobs: 4 }),
  );
  for (const input of runs) {
    it.effect(`${input.profile}: a whole quick run on the test clock, and what it published`, () =>
      Effect.gen(function* () {
        const r = yield* simulate(input, {}, "30 minutes");
        expect(problems(r)).toEqual([]);
        expect(notesAreSentences(r)).toBe(true);
        // every number the run published live is a metric with its unit
        const published = Object.entries(r.world.metrics).filter(([, v]) => typeof v === "number");
        expect(published.filter(([k]) => unitOf(k) === null).map(([k]) => k)).toEqual([]);
      }),
    );
  }
  for (const profile of ["ingest", "uploads"] as const) {
    it.effect(`${profile}: a whole quick run on the test clock`, () =>
      Effect.gen(function* () {
        const r = yield* simulateWrites({ profile, quick: true }, {});
        expect(problems(r)).toEqual([]);
        expect(notesAreSentences(r)).toBe(true);
      }),
    );
  }

  it.effect(
    "not measured is an absent metric and a note, never a string or null in its place",
    () =>
      Effect.gen(function* () {
        const r = yield* simulate(
          { profile: "jobs", quick: true, jobs: 4 },
          { faultsEnabled: false },
        );
        expect(problems(r)).toEqual([]);
        expect(r.notes?.["crash.armed"]).toMatch(/disabled/);
        expect(Object.keys(r.metrics).some((k) => k.startsWith("crash."))).toBe(false);
      }),
  );

  it("the unit list is fixed and each unit is a suffix a reader can parse", () => {
    expect([...METRIC_UNITS].sort()).toEqual(
      [
        "bytes",
        "count",
        "kb",
        "kb_per_1k_requests",
        "mb",
        "mb_per_h",
        "mb_s",
        "ms",
        "pct",
        "per_s",
        "ratio",
        "rps",
        "s",
      ].sort(),
    );
  });
});
