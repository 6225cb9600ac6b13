import { describe, expect, it } from "vitest";
import { junitReport } from "../src/ci/junit.ts";
import { markdownSummary } from "../src/ci/summary.ts";
import { exportFixture } from "./support/fixture.ts";

describe("JUnit report", () => {
  const xml = junitReport(exportFixture());

  it("one testcase per check, classed by step, counts on the suite", () => {
    expect(xml).toMatch(
      /<testsuite name="scaleproof full" time="62.5" tests="2" failures="1" errors="0"/,
    );
    expect(xml).toMatch(
      /<testcase classname="scaleproof.full.stampede" name="cache\/stampede.provider_fetch">/,
    );
    expect(xml).toMatch(/<testcase classname="scaleproof.full.jobs" name="jobs\/jobs.duplicates">/);
  });

  it("a failed check says expected vs actual; its detail is escaped output", () => {
    expect(xml).toContain('<failure message="expected = 1, actual 3" type="CheckFailed"/>');
    expect(xml).toContain(
      "<system-out><![CDATA[3 fetches <one per | instance> & more]]></system-out>",
    );
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  it("metrics and notes are properties of the suite, a metric also of the check it is named for", () => {
    expect(xml).toContain('<property name="note.scale_ready" value="NO"/>');
    expect(xml).toContain('<property name="metric.load/load.instances_count" value="2"/>');
    expect(xml).toContain('<property name="run.id" value="run_20260102030405_abcd"/>');
    expect(xml).toMatch(
      /name="cache\/stampede.provider_fetch">\s*<properties>\s*<property name="expected" value="= 1"\/>\s*<property name="actual" value="3"\/>\s*<property name="metric.cache\/stampede.provider_fetch_count" value="3"\/>/,
    );
  });

  it("an aborted run is an error even when every check it reached passed", () => {
    const aborted = exportFixture({
      status: "aborted",
      verdict: null,
      reason: "cancelled by an admin",
    });
    const report = junitReport({ ...aborted, checks: aborted.checks.filter((c) => c.pass) });
    expect(report).toMatch(/tests="2" failures="0" errors="1"/);
    expect(report).toContain(
      '<error message="run aborted: cancelled by an admin" type="RunNotFinished"/>',
    );
  });
});

describe("Markdown summary", () => {
  const md = markdownSummary(exportFixture());

  it("heads with the verdict and Scale Ready, then one row per check", () => {
    expect(md.split("\n")[0]).toBe("## ❌ scaleproof full: FAIL — Scale Ready: NO");
    expect(md).toContain("1 of 2 checks passed.");
    expect(md).toContain("| ✅ | jobs/jobs.duplicates | = 0 | 0 |  |");
  });

  it("metrics with their unit, notes apart, and the load recommendation worded from its numbers", () => {
    expect(md).toContain("| metric | value | unit |");
    expect(md).toContain("| cache/stampede.provider_fetch_count | 3 | count |");
    expect(md).toContain("| note | text |\n|---|---|\n| scale_ready | NO |");
    expect(md).toContain("Load: scale out above 37.5 req/s per instance (2 instances).");
    const doc = exportFixture();
    const { "load/load.scale_out_above_per_instance_rps": _, ...unmeasured } = doc.metrics;
    expect(markdownSummary({ ...doc, metrics: unmeasured })).not.toContain("Load:");
  });

  it("a pipe or a tag-like text in a value does not break or hide part of its row", () => {
    expect(md).toContain(
      "| ❌ | cache/stampede.provider_fetch | = 1 | 3 | 3 fetches &lt;one per \\| instance&gt; & more |",
    );
  });
});
