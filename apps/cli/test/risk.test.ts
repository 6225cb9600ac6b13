import { describe, expect, it } from "vitest";
import { junitReport } from "../src/ci/junit.ts";
import { markdownSummary } from "../src/ci/summary.ts";
import { parse } from "../src/cli.ts";
import { EXIT, exitFor } from "../src/exit.ts";
import { checksTable, colour } from "../src/format.ts";
import { exportFixture } from "./support/fixture.ts";

/** A run with no failed check and one at RISK: status failed, verdict RISK. */
const atRisk = () => {
  const doc = exportFixture({ status: "failed", verdict: "RISK" });
  return {
    ...doc,
    checks: [
      {
        ...doc.checks[1],
        name: "jobs/jobs.duplicates",
        step: "jobs",
        expected: "= 0",
        actual: 0,
        pass: true,
      },
      {
        name: "memory/memory.leak.heap",
        step: "memory/verdict",
        expected: "every window's growth below 10 MB/h for PASS",
        actual: "i2 RISK",
        pass: false,
        zone: "risk" as const,
        detail: "i2: RISK, worst window +30 MB/h",
      },
    ],
  };
};

describe("RISK is not a pass and not a FAIL", () => {
  it("exit codes: PASS 0, FAIL 1, error 2, RISK 3; --allow-risk makes RISK 0 (and only RISK)", () => {
    expect(exitFor({ status: "passed", verdict: "PASS" })).toBe(EXIT.pass);
    expect(exitFor({ status: "failed", verdict: "FAIL" })).toBe(1);
    expect(exitFor({ status: "aborted", verdict: null })).toBe(2);
    expect(exitFor({ status: "failed", verdict: "RISK" })).toBe(3);
    expect(exitFor({ status: "failed", verdict: "RISK" }, true)).toBe(0);
    expect(exitFor({ status: "failed", verdict: "FAIL" }, true)).toBe(1);
    expect(exitFor({ status: "aborted", verdict: null }, true)).toBe(2);
    expect(parse(["run", "--profile", "cache", "--allow-risk"]).values["allow-risk"]).toBe(true);
    expect(parse(["results", "run_1", "--allow-risk"]).values["allow-risk"]).toBe(true);
    expect(() => parse(["list", "--allow-risk"])).toThrow(/--allow-risk: not an option of list/);
  });

  it("JUnit: a RISK check is skipped, with zone=risk and RISK in its output; no failure", () => {
    const xml = junitReport(atRisk());
    expect(xml).toMatch(/tests="2" failures="0" errors="0" skipped="1"/);
    expect(xml).toMatch(
      /name="memory\/memory.leak.heap">\s*<properties>[\s\S]*?<property name="zone" value="risk"\/>\s*<\/properties>\s*<skipped\/>\s*<system-out><!\[CDATA\[RISK: expected every window's growth below 10 MB\/h for PASS, actual i2 RISK\ni2: RISK, worst window \+30 MB\/h\]\]><\/system-out>/,
    );
    expect(xml).toContain('<property name="run.verdict" value="RISK"/>');
    expect(xml).not.toContain("<failure");
  });

  it("Markdown: the heading and the row carry their own mark, and the count says so", () => {
    const md = markdownSummary(atRisk());
    expect(md.split("\n")[0]).toBe("## ⚠️ scaleproof full: RISK — Scale Ready: NO");
    expect(md).toContain("1 of 2 checks passed, 1 at RISK (⚠️: between the PASS and FAIL lines).");
    expect(md).toContain("| ⚠️ RISK | memory/memory.leak.heap |");
    expect(md).toContain("| ✅ | jobs/jobs.duplicates |");
  });

  it("the terminal's table says RISK, not FAIL", () => {
    const table = checksTable(atRisk().checks, colour(false));
    expect(table).toMatch(/RISK\s+memory\/memory.leak.heap/);
    expect(table).not.toMatch(/FAIL/);
  });
});
