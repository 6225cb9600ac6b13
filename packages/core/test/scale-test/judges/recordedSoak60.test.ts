import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runExport } from "../../../src/scale-test/schema.ts";
import { thresholdsOfParams } from "../../../src/scale-test/thresholds/schema.ts";
import { rejudge } from "../../../src/scale-test/verdict/rejudge.ts";

/**
 * The 60-minute `pnpm soak` of 2026-11-27 (08:18-09:21 UTC, code at c0a2d77, a healthy
 * local 2-instance cluster): its export, as recorded, re-judged by today's judges. It
 * ended Scale Ready: YES with every check PASS; the soak before it (same day, before the
 * rss span rule) was RISK on rss alone.
 */
const doc = runExport.parse(
  JSON.parse(
    gunzipSync(
      readFileSync(new URL("./fixtures/soak-60min-2026-11-27.json.gz", import.meta.url)),
    ).toString("utf8"),
  ),
);

describe("the recorded 60-minute soak, re-judged", { timeout: 120_000 }, () => {
  it("is the full profile at the seed's 60 minutes with its evidence, stored PASS", () => {
    expect(doc.run.profile).toBe("full");
    expect(doc.parameters).toMatchObject({ quick: false, durationMin: 60 });
    expect(doc.run.verdict).toBe("PASS");
    expect(doc.evidence?.profile).toBe("full");
  });

  it("re-judges PASS, every check agreeing, rss PASS on both instances", () => {
    if (!doc.evidence) throw new Error("no evidence");
    const r = rejudge(
      { verdict: doc.run.verdict, checks: doc.checks },
      doc.evidence,
      thresholdsOfParams(doc.parameters),
    );
    expect(r.verdict).toBe("PASS");
    expect(r.checks.filter((c) => !c.agrees).map((c) => c.name)).toEqual([]);
    const rss = r.checks.find((c) => c.name === "memory/memory.leak.rss")?.recomputed;
    expect(rss?.zone).toBe("pass");
    expect(rss?.detail).toMatch(/^post-GC rss outside the V8 heap: i1: PASS, .*; i2: PASS, /);
    expect(r.checks.filter((c) => c.recomputed?.pass === false)).toEqual([]);
  });
});
