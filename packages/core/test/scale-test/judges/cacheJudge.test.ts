import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import { judgeCache } from "../../../src/scale-test/profiles/cache/judge.ts";
import { checkNamed } from "../simulate.ts";
import { cacheRun } from "./recorded.ts";

describe("cache judge on a recorded 10-minute run", () => {
  it("PASSes a healthy run: one stampede fetch, two instances sharing keys, ~100 % hits", () => {
    const r = judgeCache(cacheRun());
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(verdictOf(r.checks)).toBe("PASS");
    expect(r.checks.map((c) => c.name)).toEqual([
      "warmup.miss",
      "warmup.set",
      "hit.same_key_all_hit",
      "stampede.provider_fetch",
      "stampede.released_after_fill",
      "stampede.overlap",
      "stampede.single_flight",
      "stampede.evidence_agrees",
      "takeover.holder_died",
      "takeover.one_takeover_fetch",
      "takeover.waiters_answered",
      "takeover.evidence_agrees",
      "cache.hit_rate_after_warmup",
      "cross.instances_seen",
      "cross.instances_hitting_one_key",
      "run.evidence_agrees",
      "run.one_fetch_per_key",
      "requests.all_ok",
    ]);
    expect(checkNamed(r, "stampede.overlap").actual).toBe(2);
    expect(checkNamed(r, "run.one_fetch_per_key").actual).toBe("redis 4, upstream 4");
    expect(r.metrics.requests_count).toBe(1204);
    expect(r.metrics["latency.p95_ms"]).toBe(8);
  });

  it("FAILs when one sustain request in minute 7 went unanswered, and counts it", () => {
    const ev = cacheRun();
    const requests = ev.requests.map((q, i) =>
      i === 840 ? { ...q, answer: { _tag: "Unreachable" as const, message: "ECONNRESET" } } : q,
    );
    const r = judgeCache({ ...ev, requests });
    expect(verdictOf(r.checks)).toBe("FAIL");
    expect(checkNamed(r, "requests.all_ok")).toMatchObject({
      actual: 1,
      detail: "unreachable: ECONNRESET",
    });
    expect(r.metrics["requests.failed_count"]).toBe(1);
  });

  it("FAILs a stampede that fetched twice and a run whose evidence sources disagree", () => {
    const ev = cacheRun();
    const r = judgeCache({
      ...ev,
      stampede: {
        ...ev.stampede,
        after: { ...ev.stampede.after, provider_fetch: 3 },
        persistedFetches: 2,
      },
      persistedFetches: 1,
    });
    expect(checkNamed(r, "stampede.provider_fetch").actual).toBe(2);
    expect(checkNamed(r, "stampede.evidence_agrees").actual).toBe("redis 2, events 2, upstream 1");
    expect(checkNamed(r, "run.evidence_agrees").pass).toBe(false);
  });

  it("FAILs the hit rate when the sustain kept missing", () => {
    const ev = cacheRun();
    const r = judgeCache({ ...ev, countersAtEnd: { ...ev.countersAtEnd, cache_miss: 400 } });
    expect(checkNamed(r, "cache.hit_rate_after_warmup").pass).toBe(false);
  });
});
