import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { levelRowsOf } from "@scaleproof/core/scale-test/profiles/load/rows";
import { isTerminal, type RunInput, type RunView } from "@scaleproof/core/scale-test/schema";
import { chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SPA_DIR } from "../../src/http/spa.ts";
import { REPO_ROOT, startTestCluster, type TestCluster } from "../support/cluster.ts";
import { ADMIN_TOKEN, adminClient, checkOf, TOKEN_ENV, waitForRun } from "../support/ops.ts";

/**
 * The load profile end to end: a run started through the front door, its levels sent by
 * the runner instance's open-loop engine through HAProxy to two real instance processes,
 * judged on the engine's measure, the instances' persisted samples and their /metrics.
 */
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster("load-profile", { instances: 2, env: TOKEN_ENV });
});
afterEach(async () => {
  const admin = adminClient(c.url);
  await admin.faults.clear.mutate({});
  // a run a failed test left behind must not block the next one
  const active = await admin.scaleTest.status.query();
  if (active && !isTerminal(active.status)) {
    await admin.scaleTest.cancel.mutate({ runId: active.id });
    await waitForRun(admin, active.id);
  }
});
afterAll(async () => {
  await c?.close();
});

const run = async (input: Omit<RunInput, "profile">, timeoutMs: number): Promise<RunView> => {
  const admin = adminClient(c.url);
  const started = await admin.scaleTest.run.mutate({ profile: "load", ...input });
  return await waitForRun(admin, started.id, undefined, timeoutMs);
};

type LoadInput = NonNullable<RunInput["load"]>;

const failing = (r: RunView) => r.checks.filter((x) => !x.pass).map((x) => x.name);
/** Failed checks with what was measured, so a failure says why. */
const failures = (r: RunView) =>
  r.checks.filter((x) => !x.pass).map((x) => `${x.name}: ${String(x.actual)} (${x.detail ?? ""})`);

/**
 * Timings belong in benchmarks, not tests: this 2-core machine also runs other clusters,
 * and under that load answers take what the scheduler gives them and the runner itself
 * falls behind (both seen here above 1 s). The seed's timing gates and the runner-lag
 * attribution are proven on recorded evidence (packages/core); here the real processes
 * prove the rest: every level offered, answered, sampled, probed and judged from real
 * evidence, and a slow or failing instance caught at the level and gate it breaks.
 */
const NO_TIMING_LIMITS: LoadInput = {
  runnerLagMs: 60_000,
  zones: { p95Ms: [60_000, 60_000], eventLoopP99Ms: [60_000, 60_000] },
};
const NO_TIMING_GATES: LoadInput = {
  ...NO_TIMING_LIMITS,
  p95Ms: [60_000],
  baselineP95Ms: 60_000,
  sustainedP95Ms: 60_000,
};

/** A short ladder for the FAIL cases: one level of 5 req/s, 6 s levels. */
const SHORT: LoadInput = {
  levels: [5],
  levelDurationS: 6,
  cooldownS: 2,
  baselineDurationS: 6,
  sustainedDurationS: 4,
  // these cases are about one level's gates: no instance joins or leaves
  scaleOutIn: false,
};

describe("load profile on a real 2-instance cluster", () => {
  it("a quick run PASSes on a healthy cluster: every level offered, answered and judged, zones STABLE, recovered", async () => {
    const r = await run({ quick: true, load: NO_TIMING_GATES }, 400_000);
    expect(failures(r)).toEqual([]);
    expect(r.verdict).toBe("PASS");
    const rows = levelRowsOf(r.metrics);
    expect(rows.map((x) => `${x.name}@${x.offeredRps}`)).toEqual([
      "baseline@1",
      "5rps@5",
      "10rps@10",
      "25rps@25",
      "50rps@50",
      "sustained@10",
      "recovery@1",
    ]);
    for (const row of rows) {
      expect(row.verdict).toBe("PASS");
      // both instances answered every level above the baseline (round robin), and during
      // the sustained level the instance the platform added answered too
      if (row.offeredRps >= 5)
        expect(Object.keys(row.instances ?? {}).sort()).toEqual(
          row.name === "sustained" ? ["i1", "i2", "i3"] : ["i1", "i2"],
        );
      // every signal measured: CPU from the samplers, queues from /metrics
      for (const zone of Object.values(row.zones ?? {})) expect(zone.zone).not.toBeNull();
    }
    const top = rows.find((x) => x.name === "50rps");
    expect(top?.counts?.sent).toBe(500);
    expect(top?.histogram).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(checkOf(r, "load.recovery.heap").detail).toMatch(/^i1: .* MB -> .* MB/);
    // scale-out and scale-in under load: i3 joined the sustained level, served, was drained
    // and stopped with nothing failed, and the cluster is back to its two instances
    expect(checkOf(r, "load.scale_out_in.done").actual).toBe("i3 added, then stopped");
    expect(checkOf(r, "load.scale_out.served").actual).toBeGreaterThan(0);
    expect(checkOf(r, "load.scale_in.failed_requests").actual).toBe(0);
    // the stop was exercised: i3 held a job lease when it got SIGTERM and handed it back;
    // every job finished once, and the level's new keys cost one upstream fetch each
    expect(checkOf(r, "load.scale_in.leases_handed_back").actual).toBeGreaterThanOrEqual(1);
    expect(r.metrics["load.scale_in.leases_handed_back_count"]).toBeGreaterThanOrEqual(1);
    // every job found completed once: the held ones and, by id, every enqueue the runner
    // got acknowledged during the scaled level (the engine recorded them: not "not proven")
    const jobs = checkOf(r, "load.scale_out_in.jobs_lost");
    expect(jobs.actual).toBe(0);
    expect(jobs.detail).toMatch(
      /^\d+ jobs \([1-9]\d* acknowledged during the scaled level, 6 held\)/,
    );
    // one fetch per new key by the events, the run's Redis counter and the replay upstream,
    // read once the instances' events had landed
    const keys = r.metrics["load.scale_out_in.distinct_keys_count"];
    expect(keys).toBeGreaterThan(0);
    expect(r.metrics["load.scale_out_in.provider_fetches_count"]).toBe(keys);
    expect(r.metrics["load.scale_out_in.redis_fetches_count"]).toBe(keys);
    expect(r.metrics["load.scale_out_in.upstream_fetches_count"]).toBe(keys);
    expect(
      c.supervisor
        .live()
        .map((s) => s.instanceId)
        .sort(),
    ).toEqual(["i1", "i2"]);
    expect(r.metrics["load.recommendation"]).toMatch(
      /^scale out above \d+(\.\d)? req\/s per instance \(2 instances/,
    );
  }, 420_000);

  it("FAILs naming the level and the p95 gate when one instance is made slow", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({ name: "slow-requests", instanceId: "i2", params: { ms: 150 } });
    // the seed's p95 gates (50 ms at 1 and 5 req/s): half the answers take 150 ms more
    const r = await run({ quick: true, load: { ...SHORT, ...NO_TIMING_LIMITS } }, 160_000);
    expect(r.verdict).toBe("FAIL");
    const p95 = checkOf(r, "load.5rps.p95");
    expect(p95).toMatchObject({ step: "5rps", expected: "< 50 ms", pass: false });
    expect(p95.actual).toBeGreaterThanOrEqual(150);
    expect(checkOf(r, "load.5rps.errors").pass).toBe(true);
    expect(failing(r)).toContain("load.baseline.p95");
  }, 180_000);

  it("FAILs naming the level and the error gate when errors are injected", async () => {
    const admin = adminClient(c.url);
    await admin.faults.set.mutate({
      name: "error-requests",
      instanceId: "i2",
      params: { rate: 0.2 },
    });
    const r = await run({ quick: true, load: { ...SHORT, ...NO_TIMING_GATES } }, 160_000);
    expect(r.verdict).toBe("FAIL");
    const errors = checkOf(r, "load.5rps.errors");
    expect(errors).toMatchObject({ step: "5rps", zone: "fail", pass: false });
    expect(errors.actual).toBeGreaterThan(1);
    expect(errors.detail).toMatch(/statuses .*500: \d+/);
    expect(errors.detail).toMatch(/by instance: i1 0 %, i2 [1-9]\d*(\.\d+)? %/);
    expect(checkOf(r, "load.5rps.p95").pass).toBe(true);
  }, 180_000);

  it("the web UI shows the levels as they run: rates, percentiles, gates, the zone table", async () => {
    if (!existsSync(path.join(SPA_DIR, "index.html")))
      throw new Error("apps/web is not built: pnpm build");
    const admin = adminClient(c.url);
    const started = await admin.scaleTest.run.mutate({
      profile: "load",
      quick: true,
      load: { ...SHORT, levels: [5, 10], ...NO_TIMING_GATES },
    });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox"],
    });
    try {
      const page = await browser.newPage();
      await page.goto(c.url);
      await page.getByTestId("token").fill(ADMIN_TOKEN);
      await page.getByTestId("login").click();
      await page.locator(`[data-run="${started.id}"]`).click();
      const detail = page.getByTestId("run-detail");
      const levels = page.locator('[data-testid="levels-table"] tbody tr');
      // live: a level is listed as running while the run is
      await expect
        .poll(() => page.locator('[data-testid="levels-table"] [data-verdict="running"]').count(), {
          timeout: 60_000,
        })
        .toBe(1);
      expect(await detail.getAttribute("data-status")).toBe("running");
      await expect
        .poll(() => detail.getAttribute("data-status"), { timeout: 150_000 })
        .toBe("passed");
      await expect.poll(() => levels.count()).toBe(5);
      expect(
        await levels.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-level"))),
      ).toEqual(["baseline", "5rps", "10rps", "sustained", "recovery"]);
      expect(await page.locator('[data-testid="levels-table"] [data-verdict="PASS"]').count()).toBe(
        5,
      );
      // every level x every signal has a zone, with its unit
      const cells = page.locator('[data-testid="zone-table"] td[data-signal]');
      expect(await cells.count()).toBe(5 * 7);
      expect(await page.locator('[data-testid="zone-table"] td[data-zone="STABLE"]').count()).toBe(
        35,
      );
      expect(await page.getByTestId("zone-legend").textContent()).toMatch(
        /CPU.*< 70 % STABLE, 70-90 % RISK, > 90 % FAIL/,
      );
      expect(await page.getByTestId("load-recommendation").textContent()).toMatch(
        /^scale out above /,
      );
      const shots = path.join(REPO_ROOT, "test-artifacts", "screenshots");
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, "load-levels.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 240_000);
});
