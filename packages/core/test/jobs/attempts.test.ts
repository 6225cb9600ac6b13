import { describe, expect, it } from "vitest";
import { attemptWindows } from "../../src/jobs/attempts.ts";
import type { ExecutionEvent } from "../../src/jobs/events.ts";

const ev = (
  kind: ExecutionEvent["kind"],
  attempt: number,
  at: number,
  instanceId = "i1",
  previousLeaseExpiresAt?: number,
): ExecutionEvent => ({
  jobId: "7",
  attempt,
  kind,
  at,
  instanceId,
  bootId: `${instanceId}-b`,
  ...(previousLeaseExpiresAt === undefined ? {} : { previousLeaseExpiresAt }),
});

const windows = (events: ExecutionEvent[]) =>
  attemptWindows(events).map((w) => [w.attempt, w.start, w.end, w.outcome]);

describe("attempt windows", () => {
  it("a clean attempt runs from its start to its accepted finish", () => {
    expect(windows([ev("start", 1, 0), ev("finish", 1, 50)])).toEqual([[1, 0, 50, "finish"]]);
  });

  it("an attempt that died with its instance ends at the lease expiry the retry took over", () => {
    expect(
      windows([ev("start", 1, 0), ev("start", 2, 120, "i2", 100), ev("finish", 2, 200, "i2")]),
    ).toEqual([
      [1, 0, 100, "died (lease expired)"],
      [2, 120, 200, "finish"],
    ]);
  });

  it("a zombie's hold ends at its lease expiry, not at its late (rejected) completion", () => {
    expect(
      windows([
        ev("start", 1, 0),
        ev("start", 2, 150, "i2", 100),
        ev("completion_rejected", 1, 180),
        ev("finish", 2, 220, "i2"),
      ]),
    ).toEqual([
      [1, 0, 100, "completion_rejected"],
      [2, 150, 220, "finish"],
    ]);
  });

  it("a failed last attempt ends at its failure; a running one has no end yet", () => {
    expect(windows([ev("start", 1, 0), ev("failed", 1, 30)])).toEqual([[1, 0, 30, "failed"]]);
    expect(windows([ev("start", 1, 0)])).toEqual([[1, 0, null, "running"]]);
  });

  it("orders each job's attempts by start, whatever order the events came in", () => {
    const out = attemptWindows([
      { ...ev("finish", 2, 200, "i2"), jobId: "8" },
      ev("start", 1, 0),
      { ...ev("start", 2, 120, "i2", 100), jobId: "8" },
      { ...ev("start", 1, 0), jobId: "8" },
    ]);
    expect(out.map((w) => `${w.jobId}:${w.attempt}:${w.end}`)).toEqual([
      "8:1:100",
      "8:2:200",
      "7:1:null",
    ]);
  });
});
