import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import { judgeIngest } from "../../../src/scale-test/profiles/ingest/judge.ts";
import { checkNamed } from "../simulate.ts";
import { recordedIngest } from "./recordedIngest.ts";

describe("ingest judge on recorded evidence", () => {
  it("PASSes a healthy run across the crash, with the figures per level", () => {
    const r = judgeIngest(recordedIngest());
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(verdictOf(r.checks)).toBe("PASS");
    expect(r.metrics["ingest.level_50.achieved_rps"]).toBe(50);
    expect(r.metrics["ingest.level_25.ack_p95_ms"]).toBe(35);
    expect(checkNamed(r, "ingest.retries_safe").detail).toBe(
      "1 sends retried; 0 of them found already stored (duplicate)",
    );
    expect(checkNamed(r, "ingest.crash.instance_restarted").actual).toBe("i2 boot b2-new");
  });

  it("FAILs on an acknowledged snapshot that is not stored, naming it and who acknowledged it", () => {
    const ev = recordedIngest();
    const r = judgeIngest({ ...ev, stored: ev.stored.filter((s) => s.id !== "run_x:101") });
    expect(checkNamed(r, "ingest.lost")).toMatchObject({
      actual: 1,
      pass: false,
      detail: "run_x:101 (acknowledged by i2)",
    });
    expect(verdictOf(r.checks)).toBe("FAIL");
  });

  it("FAILs on a row whose columns no longer hash to what was sent, and on a row stored twice", () => {
    const ev = recordedIngest();
    const stored = ev.stored.map((s) => (s.seq === 7 ? { ...s, rowHash: "f".repeat(64) } : s));
    const modified = judgeIngest({ ...ev, stored });
    expect(checkNamed(modified, "ingest.modified")).toMatchObject({ actual: 1, pass: false });
    expect(checkNamed(modified, "ingest.modified").detail).toMatch(
      /^run_x:7: the row's columns hash to ffffffffffff/,
    );
    const again = { ...(ev.stored[3] as (typeof ev.stored)[number]), id: "run_x:3-again" };
    const doubled = judgeIngest({ ...ev, stored: [...ev.stored, again] });
    expect(checkNamed(doubled, "ingest.duplicates").actual).toBe(1);
    expect(checkNamed(doubled, "ingest.unknown_rows").actual).toBe(1);
    expect(verdictOf(doubled.checks)).toBe("FAIL");
  });

  it("FAILs a level under its gate: acknowledgements later than the timeout do not count", () => {
    const ev = recordedIngest();
    // level 50: one in eight acknowledged 12 s late (87.2 % < 90 %)
    const sends = ev.sends.map((s) =>
      s.level === 3 && s.seq % 8 === 0 ? { ...s, ackedAt: s.intendedAt + 12_000 } : s,
    );
    const r = judgeIngest({ ...ev, sends });
    expect(checkNamed(r, "ingest.level_50.achieved_pct")).toMatchObject({
      actual: 87.2,
      pass: false,
    });
    expect(checkNamed(r, "ingest.level_25.achieved_pct").pass).toBe(true);
    expect(checkNamed(r, "ingest.lost").pass).toBe(true); // late is not lost
  });

  it("FAILs a resend refused as a conflict, and a flush lag or buffer over its bound", () => {
    const ev = recordedIngest();
    const sends = ev.sends.map((s) =>
      s.seq === 20
        ? { ...s, answers: [502, 409], ackedAt: null, refusal: "409 SNAPSHOT_CONFLICT" }
        : s,
    );
    const stats = ev.stats.map((s) =>
      s.at >= (ev.levels[1]?.startedAt ?? 0) && s.at < (ev.levels[2]?.startedAt ?? 0)
        ? { ...s, rows: 900, oldestAgeMs: 1_800 }
        : s,
    );
    const r = judgeIngest({ ...ev, sends, stats });
    expect(checkNamed(r, "ingest.retries_safe")).toMatchObject({
      actual: 1,
      detail: "run_x:20: 502 -> 409",
    });
    expect(checkNamed(r, "ingest.level_10.flush_lag_p95_ms")).toMatchObject({
      actual: 1800,
      pass: false,
    });
    expect(checkNamed(r, "ingest.level_10.buffer_max_rows")).toMatchObject({
      actual: 900,
      pass: false,
    });
  });
});
