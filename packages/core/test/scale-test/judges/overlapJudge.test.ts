import { describe, expect, it } from "vitest";
import { judgeStampede } from "../../../src/scale-test/profiles/cache/stampedeJudge.ts";
import { judgeTakeover } from "../../../src/scale-test/profiles/cache/takeoverJudge.ts";
import { checkNamed } from "../simulate.ts";
import { cacheRun, stampedeTimeline, takeoverRun, timing } from "./recorded.ts";

const stampede = cacheRun().stampede;
const t0 = 100_000;
const fill = { fetchStartedAt: t0 + 2, filledAt: t0 + 150 };

describe("stampede overlap: proven from the instances' own timings, never assumed", () => {
  it("a healthy stampede: i1's fetch, i2 woken by its fill, each instance coalescing its own", () => {
    const r = judgeStampede(stampede);
    expect(checkNamed(r, "stampede.overlap")).toMatchObject({ actual: 2, pass: true });
    expect(checkNamed(r, "stampede.overlap").detail).toMatch(
      /^fill by i1 150 ms after the first request; released by it: i1: 5 single-flight; i2: 1 wake, 3 single-flight; replay upstream, fetch slowed to 1500 ms$/,
    );
    expect(checkNamed(r, "stampede.single_flight")).toMatchObject({ actual: 0, pass: true });
  });

  it("one fetch but i2's requests all came after the fill (a fast upstream): not proven, FAIL", () => {
    // What a broken cross-instance lock looks like when the fetch is quicker than the
    // requests' spread: one fetch, and the old provider_fetch = 1 check passes.
    const timeline = [
      timing("i1", "fetch", t0, t0 + 6, { fetchStartedAt: t0 + 1, filledAt: t0 + 5 }),
      ...Array.from({ length: 4 }, (_, i) => timing("i1", "single-flight", t0 + 1 + i, t0 + 6)),
      ...Array.from({ length: 5 }, (_, i) => timing("i2", "hit", t0 + 20 + i, t0 + 22 + i)),
    ];
    const r = judgeStampede({ ...stampede, timeline, upstreamKind: "provider", slowedMs: null });
    expect(checkNamed(r, "stampede.provider_fetch").pass).toBe(true);
    expect(checkNamed(r, "stampede.overlap")).toMatchObject({
      actual: "not proven: only i1 had requests in flight at the fill",
      pass: false,
    });
    expect(checkNamed(r, "stampede.overlap").detail).toMatch(/a real provider \(not slowed\)$/);
  });

  it("a waiter that started after the fill was not released by it", () => {
    const timeline = stampedeTimeline().map((t) =>
      t.instanceId === "i2" ? { ...t, startedAt: t0 + 151, finishedAt: t0 + 160 } : t,
    );
    const r = judgeStampede({ ...stampede, timeline });
    expect(checkNamed(r, "stampede.overlap").pass).toBe(false);
  });

  it("two fills (the lease broken, single-flight kept): no single fetch to overlap, FAIL", () => {
    const timeline = [
      timing("i1", "fetch", t0, t0 + 152, fill),
      ...Array.from({ length: 4 }, (_, i) => timing("i1", "single-flight", t0 + 1 + i, t0 + 152)),
      timing("i2", "fetch", t0 + 1, t0 + 153, { fetchStartedAt: t0 + 3, filledAt: t0 + 151 }),
      ...Array.from({ length: 4 }, (_, i) => timing("i2", "single-flight", t0 + 2 + i, t0 + 153)),
    ];
    const r = judgeStampede({ ...stampede, timeline });
    expect(checkNamed(r, "stampede.overlap").actual).toBe("not proven: 2 fetches filled the key");
    // single-flight itself held on each instance
    expect(checkNamed(r, "stampede.single_flight")).toMatchObject({ actual: 0, pass: true });
  });

  it("single-flight broken, lease kept: one fetch, overlap shown, but both instances let their requests through", () => {
    const timeline = [
      timing("i1", "fetch", t0, t0 + 152, fill),
      ...Array.from({ length: 4 }, (_, i) => timing("i1", "wake", t0 + 1 + i, t0 + 152)),
      ...Array.from({ length: 5 }, (_, i) => timing("i2", "wake", t0 + 1 + i, t0 + 151)),
    ];
    const r = judgeStampede({ ...stampede, timeline });
    expect(checkNamed(r, "stampede.overlap").pass).toBe(true);
    expect(checkNamed(r, "stampede.single_flight")).toMatchObject({ actual: 2, pass: false });
    expect(checkNamed(r, "stampede.single_flight").detail).toMatch(/^i1, i2 sent concurrent/);
  });

  it("no instance ever had two requests in flight: single-flight not proven", () => {
    const timeline = [
      timing("i1", "fetch", t0, t0 + 152, fill),
      timing("i2", "wake", t0 + 1, t0 + 151),
    ];
    const r = judgeStampede({ ...stampede, timeline });
    expect(checkNamed(r, "stampede.overlap").pass).toBe(true);
    expect(checkNamed(r, "stampede.single_flight")).toMatchObject({
      actual: "not proven: no instance had two requests in flight at once",
      pass: false,
    });
  });
});

describe("takeover: the holder died mid-fetch, exactly one waiter took over", () => {
  const healthy = takeoverRun({ cache_hit: 14, cache_miss: 2, provider_fetch: 2, lock_waits: 9 });

  it("PASSes the recorded takeover", () => {
    const r = judgeTakeover(healthy);
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(checkNamed(r, "takeover.holder_died").actual).toBe("i2 boot i2-b -> i2-b2");
    expect(checkNamed(r, "takeover.evidence_agrees").actual).toBe(
      "redis 2, events 1 + 1 died, upstream 2",
    );
  });

  it("not proven when the holder did not die (its fetch filled; nobody took over)", () => {
    const r = judgeTakeover({
      ...healthy,
      after: { ...healthy.after, provider_fetch: healthy.before.provider_fetch + 1 },
      upstream: 1,
      restartedBoot: null,
    });
    expect(checkNamed(r, "takeover.holder_died")).toMatchObject({
      actual: "not proven: i2 was not seen back with a new boot id",
      pass: false,
    });
    expect(checkNamed(r, "takeover.one_takeover_fetch").actual).toBe("not proven");
    expect(checkNamed(r, "takeover.waiters_answered").pass).toBe(false);
  });

  it("not proven when the fault could not be armed", () => {
    const r = judgeTakeover({
      ...healthy,
      notRun: "fault injection is disabled on this deployment",
    });
    expect(checkNamed(r, "takeover.holder_died").actual).toBe(
      "not proven: fault injection is disabled on this deployment",
    );
    expect(r.checks.every((c) => !c.pass)).toBe(true);
  });

  it("FAILs two takeover fetches, and a waiter left unanswered", () => {
    const second = timing("i3", "fetch", 200_020, 205_260, {
      fetchStartedAt: 205_110,
      filledAt: 205_255,
      takeover: true,
    });
    const r = judgeTakeover({
      ...healthy,
      after: { ...healthy.after, provider_fetch: healthy.after.provider_fetch + 1 },
      upstream: 3,
      timeline: [...healthy.timeline, second],
      waiters: [...healthy.waiters.slice(1), { _tag: "Unreachable", message: "timeout" }],
    });
    expect(checkNamed(r, "takeover.holder_died").pass).toBe(true);
    expect(checkNamed(r, "takeover.one_takeover_fetch")).toMatchObject({ actual: 2, pass: false });
    expect(checkNamed(r, "takeover.waiters_answered")).toMatchObject({ actual: 9, pass: false });
  });

  it("reports, without judging, a run that asked for no crash", () => {
    expect(judgeTakeover(null)).toEqual({
      checks: [],
      metrics: {},
      notes: { takeover: "not run: the run asked for no crash" },
    });
  });
});
