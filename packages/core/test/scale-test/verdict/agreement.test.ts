import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import { anyRunExport } from "../../../src/scale-test/metrics/legacyExport.ts";
import { metrics } from "../../../src/scale-test/metrics/schema.ts";
import { splitReadings } from "../../../src/scale-test/metrics/split.ts";
import type { Check, RunInput } from "../../../src/scale-test/schema.ts";
import { compareCheck } from "../../../src/scale-test/verdict/agreement.ts";
import { rejudge } from "../../../src/scale-test/verdict/rejudge.ts";
import { simulate } from "../simulate.ts";

const base: Check = { name: "x.p95", step: "run", expected: "<= 500", actual: 12, pass: true };

describe("a stored check against the same check re-judged", () => {
  it("agrees on the same substance; wording differences are notes", () => {
    const r = compareCheck("x.p95", base, { ...base, expected: "p(95)<=500 (default)" });
    expect(r.agrees).toBe(true);
    expect(r.notes).toEqual([
      'expected text differs: stored "<= 500", re-judged "p(95)<=500 (default)"',
    ]);
    expect(compareCheck("x.p95", base, base)).toMatchObject({ agrees: true, notes: [] });
    // JSON writes -0 as 0: a re-judged -0 is the stored 0
    expect(compareCheck("x.p95", { ...base, actual: 0 }, { ...base, actual: -0 }).agrees).toBe(
      true,
    );
  });

  it("disagrees on a different value, PASS/FAIL, zone, or a check on one side only", () => {
    expect(compareCheck("x.p95", base, { ...base, actual: 13 }).agrees).toBe(false);
    expect(compareCheck("x.p95", base, { ...base, actual: "12" }).agrees).toBe(false);
    expect(compareCheck("x.p95", base, { ...base, pass: false }).agrees).toBe(false);
    expect(compareCheck("x.p95", base, { ...base, pass: false, zone: "risk" }).agrees).toBe(false);
    // an older export has no zone on a two-tier check: the same tier
    expect(compareCheck("x.p95", base, { ...base, zone: "pass" }).agrees).toBe(true);
    expect(compareCheck("x.p95", base, null)).toMatchObject({ agrees: false });
    expect(compareCheck("x.p95", null, base)).toMatchObject({ agrees: false });
  });
});

/**
 * A v1 export of a run, as exports were written before the k6 thresholds and units: the
 * expected texts without their "(default)" annotation, sentences and nulls in `metrics`.
 */
const oldExport = (input: RunInput) =>
  Effect.gen(function* () {
    const r = yield* simulate(input, {}, "10 minutes");
    const checks = r.checks.map((c) =>
      c.expected.includes("(default)")
        ? { ...c, expected: c.expected.replace(/^.*?([<>]=?) ?([\d.]+).*$/, "$1 $2") }
        : c,
    );
    expect(checks.filter((c, i) => c.expected !== r.checks[i]?.expected).length).toBeGreaterThan(0);
    const doc = {
      schemaVersion: "scaleproof.run/v1",
      exportedAt: "2026-11-20T10:00:00.000Z",
      run: {
        id: "run_old",
        profile: input.profile,
        status: r.verdict === "PASS" ? "passed" : "failed",
        verdict: r.verdict,
        reason: null,
        createdAt: "2026-11-20T09:00:00.000Z",
        startedAt: "2026-11-20T09:00:00.000Z",
        finishedAt: "2026-11-20T09:10:00.000Z",
      },
      parameters: { profile: input.profile, quick: true },
      environment: {
        targetUrl: "http://127.0.0.1:8080",
        provider: "replay",
        runner: { instanceId: "i1", bootId: "b1", version: "0.1.0" },
        instancesSeen: [],
      },
      checks,
      metrics: {
        hit_rate_after_warmup: 0.98,
        "stampede.upstream": "provider",
        "stampede.slowed_ms": null,
        takeover: "holder died mid-fetch",
        requests: 1204,
      },
      events: { total: 0, byKind: {}, byStep: {} },
      evidence: JSON.parse(JSON.stringify(r.evidence)),
    };
    return { doc, r };
  });

describe("an export made before the thresholds' wording and metric units", () => {
  it.effect("parses, its metrics split, and re-judges as agreeing, the wording noted", () =>
    Effect.gen(function* () {
      const { doc } = yield* oldExport({ profile: "cache", quick: true });
      const parsed = anyRunExport.parse(JSON.parse(JSON.stringify(doc)));
      expect(parsed.schemaVersion).toBe("scaleproof.run/v2");
      expect(parsed.metrics).toEqual({});
      expect(parsed.notes).toMatchObject({
        hit_rate_after_warmup: "0.98",
        "stampede.upstream": "provider",
        requests: "1204",
      });
      if (!parsed.evidence) throw new Error("no evidence");
      const again = rejudge(
        { verdict: parsed.run.verdict, checks: parsed.checks },
        parsed.evidence,
      );
      expect(again.checks.filter((c) => !c.agrees)).toEqual([]);
      expect(again.agrees).toBe(true);
      const noted = again.checks.filter((c) => c.notes.length > 0);
      expect(noted.length).toBeGreaterThan(0);
      expect(
        noted.flatMap((c) => c.notes).every((n) => n.startsWith("expected text differs")),
      ).toBe(true);
    }),
  );

  it.effect("a different stored value or PASS/FAIL in an old export still disagrees", () =>
    Effect.gen(function* () {
      const { doc } = yield* oldExport({ profile: "cache", quick: true });
      const parsed = anyRunExport.parse(doc);
      if (!parsed.evidence) throw new Error("no evidence");
      const i = parsed.checks.findIndex((c) => c.expected !== "" && typeof c.actual === "number");
      const target = parsed.checks[i];
      if (!target) throw new Error("no numeric check");
      const valued = parsed.checks.map((c, k) =>
        k === i ? { ...c, actual: (c.actual as number) + 1 } : c,
      );
      const byValue = rejudge({ verdict: parsed.run.verdict, checks: valued }, parsed.evidence);
      expect(byValue.agrees).toBe(false);
      expect(byValue.checks.filter((c) => !c.agrees).map((c) => c.name)).toEqual([target.name]);
      const flipped = parsed.checks.map((c, k) => (k === i ? { ...c, pass: !c.pass } : c));
      const byPass = rejudge({ verdict: parsed.run.verdict, checks: flipped }, parsed.evidence);
      expect(byPass.checks.filter((c) => !c.agrees).map((c) => c.name)).toEqual([target.name]);
      expect(rejudge({ verdict: "FAIL", checks: parsed.checks }, parsed.evidence).agrees).toBe(
        false,
      );
    }),
  );

  it("v2 metrics refuse a sentence; a v1 record is split into metrics and notes", () => {
    const v1 = { "load.recommendation": "scale out above 25 req/s per instance", "x.down_ms": 5 };
    expect(metrics.safeParse(v1).success).toBe(false);
    expect(splitReadings(v1)).toEqual({
      metrics: { "x.down_ms": 5 },
      notes: { "load.recommendation": "scale out above 25 req/s per instance" },
      series: {},
    });
  });
});
