import { describe, expect, it } from "@effect/vitest";
import { Effect } from "effect";
import type { StreamsEvidence } from "../../src/scale-test/profiles/streams/evidence.ts";
import { judgeStreams } from "../../src/scale-test/profiles/streams/judge.ts";
import { checkNamed, simulate, stepsOf } from "./simulate.ts";

const flat = (instanceId: string) => ({
  instanceId,
  series: "postGcHeap" as const,
  points: [0, 10_000, 20_000, 30_000].map((t) => ({ t, y: 50_000_000 + (t % 20_000) })),
});
const reading = (instanceId: string, at: number, queries: number) => ({ instanceId, at, queries });
const healthy: StreamsEvidence = {
  connections: 4,
  holdMs: 30_000,
  streams: ["i1", "i2", "i1", "i2"].map((instanceId) => ({
    instanceId,
    events: 30,
    dropped: false,
    detail: null,
  })),
  heap: [flat("i1"), flat("i2")],
  queries: {
    source: "metrics",
    // 2 instances: 3 q/s each while held, 2.5 q/s each without subscribers
    holdStart: [reading("i1", 0, 0), reading("i2", 0, 0)],
    holdEnd: [reading("i1", 30_000, 90), reading("i2", 30_000, 90)],
    baselineStart: [reading("i1", 31_000, 100), reading("i2", 31_000, 100)],
    baselineEnd: [reading("i1", 41_000, 125), reading("i2", 41_000, 125)],
  },
};

describe("streams judge", () => {
  it("PASSes streams that all stayed, got events, on flat heaps, at a fan-out's query cost", () => {
    const r = judgeStreams(healthy);
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(r.metrics["streams.queries_per_subscriber_per_s"]).toBe(0.25);
  });

  it("FAILs a dropped stream, naming its instance", () => {
    const streams = healthy.streams.map((s, i) =>
      i === 1 ? { ...s, events: 3, dropped: true, detail: "the server ended it" } : s,
    );
    const c = checkNamed(
      { checks: judgeStreams({ ...healthy, streams }).checks },
      "streams.dropped",
    );
    expect(c).toMatchObject({ pass: false, actual: 1 });
    expect(c.detail).toBe("i2 after 3 events: the server ended it");
  });

  it("FAILs queries that grow with subscribers (a 250 ms poll each)", () => {
    const holdEnd = [reading("i1", 30_000, 75 + 2 * 120), reading("i2", 30_000, 75 + 2 * 120)];
    const r = judgeStreams({ ...healthy, queries: { ...healthy.queries, holdEnd } });
    expect(checkNamed(r, "streams.queries_per_subscriber").pass).toBe(false);
  });

  it("FAILs heap growing with connections and says 'not measured' without samples", () => {
    const growing = {
      ...flat("i1"),
      points: flat("i1").points.map((p) => ({ t: p.t, y: p.y + p.t * 100 })),
    };
    const r = judgeStreams({ ...healthy, heap: [growing, flat("i2")] });
    expect(checkNamed(r, "streams.heap_per_connection").pass).toBe(false);
    const none = judgeStreams({ ...healthy, heap: [] });
    expect(checkNamed(none, "streams.heap_per_connection")).toMatchObject({
      pass: false,
      actual: "not measured",
    });
  });
});

describe("streams profile (in memory, on the test clock)", () => {
  it.effect("a quick run PASSes over a fan-out, with its steps in order", () =>
    Effect.gen(function* () {
      const r = yield* simulate({ profile: "streams", quick: true }, {}, "10 minutes");
      expect(r.checks.filter((c) => !c.pass)).toEqual([]);
      expect(r.verdict).toBe("PASS");
      expect(stepsOf(r.world)).toEqual([
        "preflight",
        "open",
        "hold",
        "close",
        "baseline",
        "verdict",
      ]);
      expect(r.metrics["streams.connections_count"]).toBe(20);
      expect(r.metrics["streams.instances_count"]).toBe(2);
    }),
  );
});
