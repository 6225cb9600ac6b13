import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { RunInput } from "../../../src/scale-test/schema.ts";
import { checkNamed, stepsOf } from "../simulate.ts";
import { simulateWrites } from "./simulateWrites.ts";

const quick: RunInput = { profile: "ingest", quick: true };

describe("ingest profile (quick, in memory, on the test clock)", () => {
  it.effect(
    "PASSes a healthy cluster across the crash: every level at its gate, nothing lost, modified or doubled",
    () =>
      Effect.gen(function* () {
        const r = yield* simulateWrites(quick, {});
        expect(r.checks.filter((c) => !c.pass)).toEqual([]);
        expect(r.verdict).toBe("PASS");
        expect(stepsOf(r.world)).toEqual([
          "preflight",
          "setup",
          "level-5",
          "level-10",
          "level-25",
          "recover",
          "level-50",
          "verify",
          "verdict",
        ]);
        // 5 s levels at 5/10/25/50 per second
        expect(r.metrics["ingest.sent_count"]).toBe(450);
        expect(r.metrics["ingest.level_25.offered_rps"]).toBe(25);
        expect(r.notes?.["ingest.crash.victim"]).toBe("i2");
        expect(checkNamed(r, "ingest.crash.instance_restarted").actual).toBe("i2 boot i2-boot2");
        // the one send the killed instance never answered was retried, not lost
        expect(r.metrics["ingest.retried_count"]).toBeGreaterThanOrEqual(1);
        expect(r.metrics["ingest.acknowledged_count"]).toBe(450);
        expect(r.world.armed).toEqual([]); // consumed, and cleared either way
        expect(String(r.series?.["ingest.buffer_rows_over_time"])).toMatch(/^i1:0=0/);
      }),
  );

  it.effect("FAILs when the instances acknowledge before the flush and one is killed", () =>
    Effect.gen(function* () {
      const r = yield* simulateWrites(quick, { ingest: { ackBeforeFlushMs: 2_000 } });
      expect(r.verdict).toBe("FAIL");
      const lost = checkNamed(r, "ingest.lost");
      expect(lost.actual).toBeGreaterThan(0);
      expect(lost.detail).toMatch(/acknowledged by i2/);
      // holding acknowledged rows 2 s also breaks the flush-lag bound
      expect(checkNamed(r, "ingest.level_5.flush_lag_p95_ms").pass).toBe(false);
    }),
  );

  it.effect("FAILs on a modified row, on a duplicated row, and on a level under its gate", () =>
    Effect.gen(function* () {
      const modified = yield* simulateWrites(quick, { ingest: { modify: (seq) => seq === 7 } });
      expect(checkNamed(modified, "ingest.modified").actual).toBe(1);
      expect(modified.verdict).toBe("FAIL");
      const doubled = yield* simulateWrites(quick, { ingest: { duplicate: (seq) => seq === 3 } });
      expect(checkNamed(doubled, "ingest.duplicates").actual).toBe(1);
      expect(doubled.verdict).toBe("FAIL");
      const slow = yield* simulateWrites(quick, { ingest: { maxPerSecond: 8 } });
      expect(checkNamed(slow, "ingest.level_10.achieved_pct").pass).toBe(true);
      expect(checkNamed(slow, "ingest.level_25.achieved_pct").pass).toBe(false);
      expect(checkNamed(slow, "ingest.level_50.achieved_pct").pass).toBe(false);
      expect(slow.verdict).toBe("FAIL");
    }),
  );

  it.effect("without fault injection the crash is reported as not armed, not failed", () =>
    Effect.gen(function* () {
      const r = yield* simulateWrites(quick, { world: { faultsEnabled: false } });
      expect(r.verdict).toBe("PASS");
      expect(r.notes?.["ingest.crash.armed"]).toBe(
        "no: fault injection is disabled on this deployment",
      );
      expect(r.checks.some((c) => c.name.startsWith("ingest.crash."))).toBe(false);
    }),
  );
});
