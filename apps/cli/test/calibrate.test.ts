import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@scaleproof/client/trpc";
import { CALIBRATION_CASES } from "@scaleproof/core/scale-test/calibration/cases";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../../api/test/support/cluster.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../../api/test/support/ops.ts";
import { CLI, runNode } from "./support/process.ts";

/**
 * `scaleproof calibrate --quick` against a healthy local cluster (issue 11 #5): every
 * profile runs against each defect it exists to catch, planted through the admin fault
 * switches, plus healthy controls and a forgery attempt. It exits 0 only when every
 * defect FAILed and every control PASSed, and records the matrix for the UI.
 */
let c: TestCluster;
let dir: string;
beforeAll(async () => {
  c = await startTestCluster("calibrate", { instances: 2, env: { ...TOKEN_ENV } });
  dir = mkdtempSync(path.join(tmpdir(), "sp-calibrate-"));
});
afterAll(async () => {
  await c?.close();
});

const calibrate = (args: string[]) =>
  runNode(CLI, ["calibrate", ...args], { SCALEPROOF_URL: c.url, SCALEPROOF_TOKEN: ADMIN_TOKEN });

describe("scaleproof calibrate", () => {
  // The whole matrix, every case (12 quick runs, about 10 minutes on a 2-core machine):
  // its own timeout, above the project's 10-minute safety net.
  it("--quick: no planted defect missed, every control passed, the matrix recorded", {
    timeout: 30 * 60_000,
  }, async () => {
    const json = path.join(dir, "calibration.json");
    const r = await calibrate(["--quick", "--json", json]);
    const doc = JSON.parse(readFileSync(json, "utf8")) as {
      rows: { caseId: string; outcome: string }[];
      trustworthy: boolean;
    };
    expect(doc.rows.map((x) => x.caseId)).toEqual(CALIBRATION_CASES.map((x) => x.id));
    const bad = doc.rows.filter((x) => x.outcome !== "caught" && x.outcome !== "passed");
    expect(bad, r.stdout + r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(doc.trustworthy).toBe(true);
    const latest = await createClient(c.url, ADMIN_TOKEN).calibration.latest.query();
    expect(latest?.trustworthy).toBe(true);
    expect(latest?.matrix.rows.map((x) => x.caseId)).toEqual(doc.rows.map((x) => x.caseId));
  });

  it("--cases cache.forgery: every forged request an instance read is counted as the run's invalid_evidence", async () => {
    const json = path.join(dir, "forgery.json");
    const r = await calibrate(["--quick", "--cases", "cache.forgery", "--json", json]);
    const doc = JSON.parse(readFileSync(json, "utf8")) as {
      runs: { caseId: string; forgery?: { read: number; unknown: number; counted: number } }[];
      rows: { caseId: string; outcome: string; detail?: string }[];
    };
    const forgery = doc.runs[0]?.forgery;
    expect(forgery?.read, r.stdout).toBeGreaterThan(0);
    expect(forgery?.unknown).toBe(0);
    expect(forgery?.counted).toBe(forgery?.read);
    expect(doc.rows.map((x) => [x.caseId, x.outcome])).toEqual([["cache.forgery", "passed"]]);
    expect(doc.rows[0]?.detail).toMatch(
      /^\d+ forged requests read by an instance, all \d+ counted/,
    );
    expect(r.stdout).toMatch(/forgery: \d+ forged requests read/);
    expect(r.code).toBe(0);
  });

  it("an unknown case is a bad argument (exit 2), before anything runs", async () => {
    const r = await calibrate(["--quick", "--cases", "cache.nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cases/);
  });
});
