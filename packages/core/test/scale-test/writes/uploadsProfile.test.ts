import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { RunInput } from "../../../src/scale-test/schema.ts";
import { healthyPoint } from "../../../src/scale-test/testing/memory.ts";
import { checkNamed, stepsOf } from "../simulate.ts";
import { simulateWrites } from "./simulateWrites.ts";

const quick: RunInput = { profile: "uploads", quick: true };
const MB = 1024 * 1024;

describe("uploads profile (quick, in memory, on the test clock)", () => {
  it.effect(
    "PASSes a healthy cluster: 12 at once, a 60 s soak, every byte as sent, one job each",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateWrites(quick, {}, "20 minutes");
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(stepsOf(r.world)).toEqual([
          "preflight",
          "setup",
          "concurrent",
          "process",
          "soak",
          "verify",
          "verdict",
        ]);
        expect(r.metrics["uploads.concurrent_count"]).toBe(12);
        expect(r.metrics["uploads.size_mb"]).toBe(10);
        expect(r.metrics["uploads.soak.uploads_count"]).toBe(12);
        expect(r.metrics["uploads.finalized_count"]).toBe(24);
        expect(r.metrics["uploads.mb_s"]).toBeGreaterThan(0);
        // healthy instances sit at 120 MB each
        expect(r.metrics["uploads.rss_peak_total_mb"]).toBe(240);
        expect(String(r.series?.["uploads.queue_pending_over_time"])).toMatch(/^pending:0=\d+/);
      }),
  );

  it.effect(
    "FAILs when one acknowledged chunk is stored with a byte flipped (its finalize refused too)",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateWrites(
          quick,
          { uploads: { corrupt: (index, n) => index === 4 && n === 1 } },
          "20 minutes",
        );
        expect(r.verdict).toBe("FAIL");
        const stored = checkNamed(r, "uploads.stored_as_sent");
        expect(stored.actual).toBe(1);
        expect(stored.detail).toMatch(/-004\.bin.*chunk 1: stored bytes hash to/);
        // one failure of 12 is RISK on its own: the hash check is what fails it
        expect(checkNamed(r, "uploads.failures").zone).toBe("risk");
      }),
  );

  it.effect("FAILs on more than 3 failures, on a job run twice, and over the rss budget", () =>
    Effect.gen(function* () {
      const failing = yield* simulateWrites(
        quick,
        { uploads: { fail: (index) => index < 4 } },
        "20 minutes",
      );
      expect(checkNamed(failing, "uploads.failures")).toMatchObject({ actual: 4, zone: "fail" });
      const twice = yield* simulateWrites(
        quick,
        { uploads: { twice: (i) => i === 2 } },
        "20 minutes",
      );
      expect(checkNamed(twice, "uploads.jobs_completed_once").actual).toBe(1);
      expect(twice.verdict).toBe("FAIL");
      const fat = yield* simulateWrites(
        quick,
        { world: { memory: (id, k, at) => ({ ...healthyPoint(id, k, at), rss: 1_600 * MB }) } },
        "20 minutes",
      );
      expect(checkNamed(fat, "uploads.rss_peak_total_mb")).toMatchObject({
        actual: 3200,
        zone: "fail",
      });
    }),
  );

  it.effect("the soak FAILs when uploads slow down by more than 20 %, and on rss growing", () =>
    Effect.gen(function* () {
      const slower = yield* simulateWrites(
        quick,
        { uploads: { chunkMs: (at) => (at > 40_000 ? 80 : 40) } },
        "20 minutes",
      );
      expect(checkNamed(slower, "uploads.soak.time_drift_pct")).toMatchObject({
        actual: 100,
        zone: "fail",
      });
      const leaking = yield* simulateWrites(
        quick,
        {
          world: {
            memory: (id, k, at) => ({
              ...healthyPoint(id, k, at),
              postGcRss: 120 * MB + (at / 1000) * 0.75 * MB, // 45 MB a minute
            }),
          },
        },
        "20 minutes",
      );
      const growth = checkNamed(leaking, "uploads.soak.rss_growth_mb_per_h");
      expect(growth.zone).toBe("fail");
      expect(growth.actual).toBe(2700);
    }),
  );
});
