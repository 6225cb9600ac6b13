import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "@effect/vitest";
import { QUICK_LEAK_LINES, SOAK_LEAK_LINES } from "../../../src/scale-test/profiles/memory/plan.ts";
import { THRESHOLD_METRICS } from "../../../src/scale-test/thresholds/registry.ts";
import { inForce } from "../../../src/scale-test/thresholds/resolve.ts";
import { misfit } from "../../../src/scale-test/thresholds/schema.ts";

const PROFILES = new URL("../../../src/scale-test/profiles/", import.meta.url);

describe("the threshold registry", () => {
  it("lists each metric once, with a default that parses and fits it", () => {
    const names = THRESHOLD_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of THRESHOLD_METRICS) {
      expect(m.name.startsWith(`${m.judge}.`)).toBe(true);
      for (const d of [m.default, "quickDefault" in m ? m.quickDefault : null])
        if (d !== null) expect(misfit(m, d)).toBeNull();
    }
  });

  it("holds the memory soak's seed lines", () => {
    const line = (n: "memory.leak_mb_per_h" | "memory.leak_pass_mb_per_h", quick: boolean) =>
      inForce(undefined, n, quick).thresholds[0]?.value ?? null;
    expect(line("memory.leak_mb_per_h", false)).toBe(SOAK_LEAK_LINES.failAboveMbPerHour);
    expect(line("memory.leak_pass_mb_per_h", false)).toBe(SOAK_LEAK_LINES.passBelowMbPerHour);
    expect(line("memory.leak_mb_per_h", true)).toBe(QUICK_LEAK_LINES.failAboveMbPerHour);
    expect(line("memory.leak_pass_mb_per_h", true)).toBe(QUICK_LEAK_LINES.passBelowMbPerHour);
  });

  it("covers the gates: the registry's judges draw no numeric line of their own", () => {
    // a number in atLeast/atMost/below is a line that belongs in the registry; counts that
    // prove the scale-out itself (2 instances, 0 duplicates, = 1 fetch) are not gates
    const structural = new Set(["0", "1", "2"]);
    for (const judge of new Set(THRESHOLD_METRICS.map((m) => m.judge))) {
      // their lines are settings (the gate objects), which a threshold sets
      if (["load", "db", "ingest", "uploads"].includes(judge)) continue;
      const dir = new URL(`${judge}/`, PROFILES);
      for (const file of readdirSync(dir).filter((f) => /judge/i.test(f))) {
        const src = readFileSync(new URL(file, dir), "utf8");
        const lines = [...src.matchAll(/\b(?:atLeast|atMost|below)\(([^)]*)\)/g)].map(
          (m) => m[1] ?? "",
        );
        expect(
          lines.filter((x) => !structural.has(x.trim())),
          `${judge}/${file}`,
        ).toEqual([]);
      }
    }
  });
});
