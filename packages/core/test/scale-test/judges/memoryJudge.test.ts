import { describe, expect, it } from "vitest";
import { verdictOf } from "../../../src/scale-test/check.ts";
import { judgeMemory } from "../../../src/scale-test/profiles/memory/judge.ts";
import { checkNamed } from "../simulate.ts";
import { soakAnswers, soakSamples } from "./recorded.ts";

const judge = (samples = soakSamples(), answers = soakAnswers()) =>
  judgeMemory({ quick: false, samples, answers, shedCounted: 0 });

describe("memory judge on a recorded 30-minute soak (10 s samples, 10-minute windows)", () => {
  it("PASSes two healthy instances over five windows", () => {
    const r = judge();
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(verdictOf(r.checks)).toBe("PASS");
    expect(checkNamed(r, "memory.heap_trend").detail).toMatch(
      /i1: .* over 5 windows; i2: .* over 5 windows$/,
    );
    expect(r.metrics.samples).toBe(362);
  });

  it("FAILs a leak that starts mid-soak (minute 15, 5 MB/min) and names the instance", () => {
    const r = judge(soakSamples({ instance: "i2", fromMin: 15, mbPerMin: 5 }));
    expect(verdictOf(r.checks)).toBe("FAIL");
    const trend = checkNamed(r, "memory.heap_trend");
    expect(trend.actual).toBe("i2");
    expect(trend.detail).toMatch(/i2: .*\(LEAK\)/);
    expect(trend.detail).not.toMatch(/i1: [^;]*\(LEAK\)/);
  });

  it("a climb that levelled off before the end (a cache filling up) is not a leak", () => {
    const climbThenFlat = soakSamples({ instance: "i1", fromMin: 0, mbPerMin: 5 }).map((p) =>
      p.instanceId === "i1" && p.at > 1_000_000 + 12 * 60_000
        ? { ...p, oldGenUsed: 20 * 1024 * 1024 + 60 * 1024 * 1024 + (p.at % 3) }
        : p,
    );
    expect(checkNamed(judge(climbThenFlat), "memory.heap_trend").pass).toBe(true);
  });

  it("FAILs a restart in the middle of the soak, and slow or failed requests", () => {
    const samples = soakSamples().map((p) =>
      p.instanceId === "i1" && p.at > 1_000_000 + 20 * 60_000 ? { ...p, bootId: "i1-second" } : p,
    );
    const answers = soakAnswers().map((a, i) =>
      i % 10 === 0 && a._tag === "Answered"
        ? { ...a, response: { ...a.response, durationMs: 900 } }
        : a,
    );
    answers.push({ _tag: "Unreachable", message: "ECONNREFUSED" });
    const r = judge(samples, answers);
    expect(checkNamed(r, "memory.no_restarts").detail).toBe("restarted: i1");
    expect(checkNamed(r, "latency.p95_within_target").pass).toBe(false);
    expect(checkNamed(r, "requests.no_errors")).toMatchObject({
      actual: 1,
      detail: "unreachable: ECONNREFUSED",
    });
  });
});
