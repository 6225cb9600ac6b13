import { describe, expect, it } from "@effect/vitest";
import { type Duration, Effect } from "effect";
import type { ExecutionEvent } from "../../src/jobs/events.ts";
import type { RunInput } from "../../src/scale-test/schema.ts";
import { cleanHistory } from "../../src/scale-test/testing/jobs.ts";
import type { WorldOptions } from "../../src/scale-test/testing/world.ts";
import type { RunEvidence } from "../../src/scale-test/verdict/evidence.ts";
import { rejudge } from "../../src/scale-test/verdict/rejudge.ts";
import { runEvidence } from "../../src/scale-test/verdict/schema.ts";
import { simulate } from "./simulate.ts";

/** The evidence as an export carries it: through JSON and back through its schema. */
const viaJson = (e: RunEvidence | undefined): RunEvidence =>
  runEvidence.parse(JSON.parse(JSON.stringify(e)));

const judged = (
  input: RunInput,
  options: WorldOptions = {},
  advance: Duration.Input = "10 minutes",
) =>
  Effect.gen(function* () {
    const r = yield* simulate(input, options, advance);
    expect(r.evidence?.profile).toBe(input.profile);
    const evidence = viaJson(r.evidence);
    return { r, evidence };
  });

describe("re-judging a run from its evidence alone", () => {
  for (const input of [
    { profile: "cache", quick: true },
    { profile: "jobs", quick: true, jobs: 6 },
    { profile: "memory", quick: true },
    { profile: "full", quick: true, jobs: 4 },
  ] satisfies RunInput[]) {
    it.effect(
      `${input.profile}: the evidence survives JSON and gives the same checks and verdict`,
      () =>
        Effect.gen(function* () {
          const { r, evidence } = yield* judged(input);
          expect(evidence).toEqual(r.evidence);
          // what the run judged around its profile: the preflight and the exhaustion count
          expect(evidence.preflight?.evidence.instances.length).toBe(2);
          const again = rejudge(r, evidence);
          expect(again.checks.filter((c) => !c.agrees)).toEqual([]);
          expect(again).toMatchObject({
            agrees: true,
            verdict: r.verdict,
            storedVerdict: r.verdict,
          });
        }),
    );
  }

  it.effect("a FAILed run re-judges to the same FAIL", () =>
    Effect.gen(function* () {
      const { r, evidence } = yield* judged(
        { profile: "cache", quick: true },
        { singleFlight: false },
      );
      expect(r.verdict).toBe("FAIL");
      expect(rejudge(r, evidence)).toMatchObject({ agrees: true, verdict: "FAIL" });
    }),
  );

  it.effect("a jobs run with a drained worker's handed-back lease keeps its evidence", () =>
    Effect.gen(function* () {
      // job 1's first attempt is handed back ("released") by a draining i1 and i2 runs it
      const drained = (ids: readonly string[]) => {
        const h = cleanHistory(ids);
        const rest = h.events.filter((e) => e.jobId !== "1");
        const on = (instanceId: string) => ({ jobId: "1", instanceId, bootId: `b-${instanceId}` });
        const events: ExecutionEvent[] = [
          { ...on("i1"), attempt: 1, kind: "start", at: 0 },
          { ...on("i1"), attempt: 1, kind: "released", at: 40 },
          { ...on("i2"), attempt: 2, kind: "start", at: 45, previousLeaseExpiresAt: 40 },
          { ...on("i2"), attempt: 2, kind: "finish", at: 90 },
          ...rest,
        ];
        const jobs = h.jobs.map((j) => (j.id === "1" ? { ...j, attemptCount: 2 } : j));
        return { jobs, events };
      };
      const { r, evidence } = yield* judged(
        { profile: "jobs", quick: true, jobs: 6, crash: false },
        { jobHistory: drained },
      );
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(evidence).toEqual(r.evidence);
      expect(rejudge(r, evidence)).toMatchObject({ agrees: true, verdict: "PASS" });
    }),
  );

  it.effect("an edited stampede timeline disagrees, on that check and on the verdict", () =>
    Effect.gen(function* () {
      const { r, evidence } = yield* judged({ profile: "cache", quick: true });
      if (evidence.profile !== "cache") throw new Error("not a cache run");
      const { stampede } = evidence.cache;
      // every waiter now starts after the fill: nothing overlapped the fetch
      const late = Math.max(...stampede.timeline.map((t) => t.finishedAt)) + 1;
      const timeline = stampede.timeline.map((t) =>
        t.releasedBy === "fetch" ? t : { ...t, startedAt: late, finishedAt: late + 1 },
      );
      const tampered: RunEvidence = {
        ...evidence,
        cache: { ...evidence.cache, stampede: { ...stampede, timeline } },
      };
      const again = rejudge(r, tampered);
      expect(again.agrees).toBe(false);
      expect(again.verdict).toBe("FAIL");
      expect(again.checks.filter((c) => !c.agrees).map((c) => c.name)).toEqual([
        "stampede.overlap",
      ]);
    }),
  );

  it.effect("an edited preflight reading disagrees on the preflight's own check", () =>
    Effect.gen(function* () {
      const { r, evidence } = yield* judged({ profile: "cache", quick: true });
      const pre = evidence.preflight;
      if (!pre) throw new Error("no preflight evidence");
      const tampered: RunEvidence = {
        ...evidence,
        preflight: { ...pre, exhaustion: { before: 0, after: 3 } },
      };
      const again = rejudge(r, tampered);
      expect(again.agrees).toBe(false);
      expect(again.checks.filter((c) => !c.agrees).map((c) => c.name)).toEqual([
        "pool.exhaustion_events",
      ]);
    }),
  );

  it.effect("a full run's part, edited, disagrees under the part's name and in readiness", () =>
    Effect.gen(function* () {
      const { r, evidence } = yield* judged({ profile: "full", quick: true, jobs: 4 });
      if (evidence.profile !== "full") throw new Error("not a full run");
      const parts = evidence.parts.map((p) =>
        p.profile === "cache"
          ? {
              ...p,
              cache: {
                ...p.cache,
                stampede: {
                  ...p.cache.stampede,
                  after: {
                    ...p.cache.stampede.after,
                    provider_fetch: p.cache.stampede.after.provider_fetch + 1,
                  },
                },
              },
            }
          : p,
      );
      const again = rejudge(r, { ...evidence, parts });
      expect(again.agrees).toBe(false);
      const disagree = again.checks.filter((c) => !c.agrees).map((c) => c.name);
      expect(disagree).toEqual(
        expect.arrayContaining([
          "cache/stampede.provider_fetch",
          "cache/stampede.evidence_agrees",
          "ready.stampede",
        ]),
      );
    }),
  );
});
