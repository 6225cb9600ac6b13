import { existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runExport } from "@scaleproof/core/scale-test/schema";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPA_DIR } from "../../src/http/spa.ts";
import { REPO_ROOT, startTestCluster, type TestCluster } from "../support/cluster.ts";
import { ADMIN_TOKEN, adminClient, TOKEN_ENV } from "../support/ops.ts";

/**
 * The web UI in real headless Chromium (Debian's package), served by real instances:
 * log in, launch a quick cache run, watch it finish, read the verdict, export the JSON.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const shots = path.join(REPO_ROOT, "test-artifacts", "screenshots");
let c: TestCluster;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(SPA_DIR, "index.html"))) {
    throw new Error("apps/web is not built: run `pnpm build` (pnpm check does)");
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
  mkdirSync(shots, { recursive: true });
  c = await startTestCluster("ui", { instances: 2, env: TOKEN_ENV });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});
afterAll(async () => {
  await browser?.close();
  await c?.close();
});

const signIn = async (page: Page, token: string) => {
  await page.goto(c.url);
  await page.getByTestId("token").fill(token);
  await page.getByTestId("login").click();
};

describe("web UI", () => {
  it("a wrong token shows an error and stays on the login", async () => {
    const page = await browser.newPage();
    await signIn(page, "not-the-admin-token-0123456789");
    await expect.poll(() => page.getByTestId("login-error").textContent()).toMatch(/unknown token/);
    await page.screenshot({ path: path.join(shots, "login-wrong-token.png") });
    await page.close();
  });

  it("logs in, launches a quick cache run, follows it to PASS and exports the JSON", async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    await signIn(page, ADMIN_TOKEN);
    await page.getByTestId("launch").click();
    const detail = page.getByTestId("run-detail");
    await detail.waitFor();
    await page.screenshot({ path: path.join(shots, "run-in-progress.png") });
    await expect
      .poll(() => detail.getAttribute("data-status"), { timeout: 240_000 })
      .toBe("passed");
    await expect.poll(() => page.getByTestId("progress").getAttribute("data-progress")).toBe("100");
    const checks = page.locator("[data-check]");
    expect(await checks.count()).toBeGreaterThan(5);
    expect(await page.locator('[data-check][data-pass="false"]').count()).toBe(0);
    expect(await detail.locator('[data-verdict="PASS"]').count()).toBeGreaterThan(5);
    await expect
      .poll(() => page.getByTestId("scale-ready").first().textContent())
      .toMatch(/^Scale Ready: /);
    await expect
      .poll(() => page.locator('[data-testid="runs"] [data-verdict="PASS"]').count())
      .toBeGreaterThan(0);
    // the run list's p95 column: the cache run's own, a number of ms
    expect(
      await page.locator('[data-testid="runs"] [data-testid="run-p95"]').first().textContent(),
    ).toMatch(/^\d+(\.\d+)?$/);
    await page.screenshot({ path: path.join(shots, "run-passed.png"), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export").click(),
    ]);
    const file = path.join(REPO_ROOT, "test-artifacts", "ui-export.json");
    await download.saveAs(file);
    const doc = runExport.parse(JSON.parse(await readFile(file, "utf8")));
    expect(doc.run.status).toBe("passed");
    expect(doc.metrics["stampede.provider_fetch_count"]).toBe(1);
    await page.close();
  });

  it("with stampede protection off, the run FAILs and the UI names the failed check", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({ name: "cache-no-lock" });
    try {
      const page = await browser.newPage();
      await signIn(page, ADMIN_TOKEN);
      await page.getByTestId("launch").click();
      const detail = page.getByTestId("run-detail");
      await expect
        .poll(() => detail.getAttribute("data-status"), { timeout: 240_000 })
        .toBe("failed");
      await expect
        .poll(() => page.getByTestId("failures").textContent())
        .toMatch(/stampede\.provider_fetch/);
      await page.screenshot({ path: path.join(shots, "run-failed-no-lock.png"), fullPage: true });
      await page.close();
    } finally {
      await admin.faults.clear.mutate({});
    }
  });

  it("the Instances tab lists both live instances", async () => {
    const page = await browser.newPage();
    await signIn(page, ADMIN_TOKEN);
    await page.getByRole("tab", { name: "Instances" }).click();
    const rows = page.locator('[data-testid="instances"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.screenshot({ path: path.join(shots, "instances.png") });
    await page.close();
  });

  it("the Calibration tab says how to calibrate before the first, then shows the latest matrix", async () => {
    const page = await browser.newPage();
    await signIn(page, ADMIN_TOKEN);
    await page.getByRole("tab", { name: "Calibration" }).click();
    await page.getByTestId("calibration-empty").waitFor();
    const admin = adminClient(c.url);
    await admin.calibration.record.mutate({
      quick: true,
      matrix: {
        trustworthy: true,
        counts: { caught: 1, missed: 1, passed: 1, "false alarm": 0, "no verdict": 0 },
        rows: [
          {
            caseId: "control.cache",
            defect: "none (healthy control)",
            profile: "cache",
            expected: "PASS",
            verdict: "PASS",
            outcome: "passed",
            failedChecks: [],
            runId: null,
          },
          {
            caseId: "cache.no-redis-lock",
            defect: "cross-instance lock broken, single-flight kept",
            profile: "cache",
            expected: "FAIL",
            verdict: "FAIL",
            outcome: "caught",
            failedChecks: ["stampede.provider_fetch"],
            runId: null,
          },
          {
            caseId: "cache.no-single-flight",
            defect: "single-flight broken",
            profile: "cache",
            expected: "FAIL",
            verdict: "PASS",
            outcome: "missed",
            failedChecks: [],
            runId: null,
          },
        ],
      },
    });
    await page.reload();
    await page.getByRole("tab", { name: "Calibration" }).click();
    const rows = page.locator('[data-testid="calibration-matrix"] tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    // The server recomputes trustworthiness: a missed defect is never trustworthy.
    await expect
      .poll(() => page.getByTestId("calibration-verdict").textContent())
      .toBe("NOT trustworthy");
    await page.screenshot({ path: path.join(shots, "calibration.png"), fullPage: true });
    await page.close();
  });
});
