import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "./support/process.ts";

/**
 * A `scaleproof.run/v1` export, as the API wrote them before metrics had units and before
 * the k6 thresholds annotated expected texts: a quick cache run (on the test clock) with
 * its evidence, `cache.hit_rate_after_warmup` expecting ">= 0.9" (today "rate>=0.9
 * (default)"), and sentences, nulls and unitless numbers in `metrics`.
 */
const OLD = path.join(REPO_ROOT, "apps/cli/test/fixtures/cache-export-v1.json");

const edited = (edit: (doc: { checks: Record<string, unknown>[] }) => void): string => {
  const doc = JSON.parse(readFileSync(OLD, "utf8"));
  edit(doc);
  const file = path.join(mkdtempSync(path.join(tmpdir(), "judge-")), "run.json");
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

describe("scaleproof judge on an export made by an older version", () => {
  it("agrees: same verdict, checks, PASS/FAIL and values; the expected text's wording is a note", async () => {
    const r = await runCli(["judge", OLD]);
    expect(r.stdout).not.toMatch(/DISAGREE/);
    expect(r.stdout).toMatch(/agree {3} {2}cache\.hit_rate_after_warmup: PASS 0\.9565/);
    expect(r.stdout).toContain(
      'note: expected text differs: stored ">= 0.9", re-judged "rate>=0.9 (default)"',
    );
    expect(r.stdout).toMatch(/verdict: stored PASS, re-judged PASS: agrees/);
    expect(r.code).toBe(0);
  }, 60_000);

  it("disagrees when one stored value differs", async () => {
    const file = edited((doc) => {
      const c = doc.checks.find((x) => x.name === "stampede.provider_fetch");
      if (!c) throw new Error("no stampede.provider_fetch");
      c.actual = 2;
    });
    const r = await runCli(["judge", file]);
    expect(r.stdout).toMatch(
      /DISAGREE {2}stampede\.provider_fetch: stored PASS 2, re-judged PASS 1/,
    );
    expect(r.stdout).toMatch(/DISAGREES/);
    expect(r.code).toBe(1);
  }, 60_000);

  it("disagrees when one stored PASS was a FAIL", async () => {
    const file = edited((doc) => {
      const c = doc.checks.find((x) => x.name === "warmup.set");
      if (!c) throw new Error("no warmup.set");
      c.pass = false;
    });
    const r = await runCli(["judge", file]);
    expect(r.stdout).toMatch(/DISAGREE {2}warmup\.set: stored FAIL/);
    expect(r.code).toBe(1);
  }, 60_000);
});
