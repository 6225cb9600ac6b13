import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import {
  type Check,
  type RunInput,
  runInput,
  type Verdict,
} from "../../../src/scale-test/schema.ts";
import type { RunEvidence } from "../../../src/scale-test/verdict/evidence.ts";
import { rejudge } from "../../../src/scale-test/verdict/rejudge.ts";
import { runEvidence } from "../../../src/scale-test/verdict/schema.ts";
import { simulate } from "../simulate.ts";
import { simulateWrites } from "../writes/simulateWrites.ts";

/**
 * The db, ingest, uploads and streams profiles' evidence: run on the test clock, through
 * JSON and back, re-judged to the same checks and verdict; one value edited (a partial
 * defect) and the re-judge FAILs that check and disagrees with the stored PASS.
 */

/** The evidence as an export carries it: through JSON and back through its schema. */
const viaJson = (e: RunEvidence | undefined): RunEvidence =>
  runEvidence.parse(JSON.parse(JSON.stringify(e)));

const run = (input: RunInput) =>
  Effect.gen(function* () {
    const r =
      input.profile === "ingest" || input.profile === "uploads"
        ? yield* simulateWrites(input, {}, "20 minutes")
        : yield* simulate(input, {}, "10 minutes");
    expect(r.evidence?.profile).toBe(input.profile);
    const evidence = viaJson(r.evidence);
    expect(evidence).toEqual(r.evidence);
    // parsed, it serialises to JSON that parses back to the same text (plain JSON throughout)
    const text = JSON.stringify(evidence);
    expect(JSON.stringify(viaJson(evidence)) === text).toBe(true);
    return { r, evidence };
  });

/**
 * Re-judged after an edit: the checks whose PASS/FAIL the edit turned (a check may also
 * disagree on its detail alone, e.g. a count of rows read back), and the verdict.
 */
const turned = (
  r: { readonly verdict: Verdict; readonly checks: readonly Check[] },
  tampered: RunEvidence,
) => {
  const again = rejudge(r, tampered);
  expect(again.agrees).toBe(false);
  expect(again.verdict).toBe("FAIL");
  const flipped = again.checks.filter((c) => c.stored?.pass !== c.recomputed?.pass);
  expect(flipped.every((c) => !c.agrees)).toBe(true);
  return flipped;
};

describe("re-judging the db, ingest, uploads and streams profiles from their evidence", () => {
  for (const input of [
    { profile: "db", quick: true },
    { profile: "ingest", quick: true },
    { profile: "uploads", quick: true },
    { profile: "streams", quick: true },
  ] satisfies RunInput[]) {
    it.effect(
      `${input.profile}: a PASSing run's evidence re-judges to the same checks and PASS`,
      () =>
        Effect.gen(function* () {
          const { r, evidence } = yield* run(input);
          expect(r.verdict).toBe("PASS");
          expect(evidence.preflight?.evidence.instances.length).toBe(2);
          const again = rejudge(r, evidence);
          expect(again.checks.filter((c) => !c.agrees)).toEqual([]);
          expect(again.checks.length).toBe(r.checks.length);
          expect(again).toMatchObject({ agrees: true, verdict: "PASS", storedVerdict: "PASS" });
        }),
    );
  }

  it.effect("db: one cold read served from the cache FAILs cold_reads.cold on re-judging", () =>
    Effect.gen(function* () {
      const { r, evidence } = yield* run({ profile: "db", quick: true });
      if (evidence.profile !== "db") throw new Error("not a db run");
      // the creations' answer bodies (job records) are never judged, so never kept
      expect(JSON.stringify(evidence.db.rounds)).not.toContain('"json"');
      const [first, ...rest] = evidence.db.rounds;
      if (!first) throw new Error("no round");
      const answers = first.coldReads.answers.map((a, i) =>
        i === 7 && a._tag === "Answered"
          ? { ...a, response: { ...a.response, cache: "HIT" as const } }
          : a,
      );
      const rounds = [{ ...first, coldReads: { ...first.coldReads, answers } }, ...rest];
      const bad = turned(r, { ...evidence, db: { ...evidence.db, rounds } });
      expect(bad.map((c) => c.name)).toEqual(["cold_reads.cold"]);
      expect(bad[0]?.recomputed).toMatchObject({ pass: false, actual: 99 });
    }),
  );

  it.effect(
    "ingest: one acknowledged row missing from the store FAILs ingest.lost on re-judging",
    () =>
      Effect.gen(function* () {
        const { r, evidence } = yield* run({ profile: "ingest", quick: true });
        if (evidence.profile !== "ingest") throw new Error("not an ingest run");
        const gone = evidence.ingest.stored[100];
        if (!gone) throw new Error("fewer than 101 rows stored");
        const stored = evidence.ingest.stored.filter((s) => s !== gone);
        const bad = turned(r, { ...evidence, ingest: { ...evidence.ingest, stored } });
        expect(bad.map((c) => c.name)).toEqual(["ingest.lost"]);
        expect(bad[0]?.recomputed).toMatchObject({ pass: false, actual: 1 });
        expect(bad[0]?.recomputed?.detail).toContain(gone.id);
      }),
  );

  it.effect("uploads: one stored chunk hashing to other bytes FAILs uploads.stored_as_sent", () =>
    Effect.gen(function* () {
      const { r, evidence } = yield* run({ profile: "uploads", quick: true });
      if (evidence.profile !== "uploads") throw new Error("not an uploads run");
      const stored = evidence.uploads.stored.map((s, i) =>
        i === 3
          ? {
              ...s,
              chunks: s.chunks.map((c) =>
                c.n === 1 ? { ...c, actualSha256: `0${c.actualSha256.slice(1)}` } : c,
              ),
            }
          : s,
      );
      const bad = turned(r, { ...evidence, uploads: { ...evidence.uploads, stored } });
      expect(bad.map((c) => c.name)).toEqual(["uploads.stored_as_sent"]);
      expect(bad[0]?.recomputed).toMatchObject({ pass: false, actual: 1 });
      expect(bad[0]?.recomputed?.detail).toContain("chunk 1: stored bytes hash to");
    }),
  );

  it.effect("streams: one stream dropped mid-hold FAILs streams.dropped on re-judging", () =>
    Effect.gen(function* () {
      const { r, evidence } = yield* run({ profile: "streams", quick: true });
      if (evidence.profile !== "streams") throw new Error("not a streams run");
      const streams = evidence.streams.streams.map((s, i) =>
        i === 5 ? { ...s, dropped: true, detail: "the server ended it" } : s,
      );
      const bad = turned(r, { ...evidence, streams: { ...evidence.streams, streams } });
      expect(bad.map((c) => c.name)).toEqual(["streams.dropped"]);
      expect(bad[0]?.recomputed).toMatchObject({ pass: false, actual: 1 });
    }),
  );

  it.effect("streams: a run's own threshold is re-judged with it, and only with it", () =>
    Effect.gen(function* () {
      const input: RunInput = {
        profile: "streams",
        quick: true,
        thresholds: { "streams.events_per_stream": ["min>=1000"] },
      };
      const { r, evidence } = yield* run(input);
      expect(r.verdict).toBe("FAIL");
      const thresholds = runInput.parse(input).thresholds;
      expect(rejudge(r, evidence, thresholds)).toMatchObject({ agrees: true, verdict: "FAIL" });
      // judged on the seed's line instead (min>=2), the same evidence PASSes: not the run's verdict
      const seed = rejudge(r, evidence);
      expect(seed).toMatchObject({ agrees: false, verdict: "PASS" });
      const flipped = seed.checks.filter((c) => c.stored?.pass !== c.recomputed?.pass);
      expect(flipped.map((c) => c.name)).toEqual(["streams.delivered"]);
    }),
  );
});
