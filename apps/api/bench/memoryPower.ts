import type { RunView } from "@scaleproof/core/scale-test/schema";
import { percentile } from "@scaleproof/core/scale-test/stats";
import { startTestCluster, type TestCluster } from "../test/support/cluster.ts";
import { adminClient, TOKEN_ENV, waitForRun } from "../test/support/ops.ts";

/**
 * The quick memory profile's power on a real 2-instance cluster: how often it FAILs a
 * planted leak at the smallest rate it claims (2 MB/min, on and off the V8 heap, from
 * the start and from halfway through the soak), and how often it FAILs a healthy
 * cluster (it must not). Every run is started on i1 (its runner); leaks go to i2.
 * Reusable by a calibration command: `memoryCases` and `runMemoryCase`.
 */
export interface MemoryCase {
  readonly name: string;
  readonly fault: { readonly name: "leak" | "leak-offheap"; readonly kbPerSec: number } | null;
  /** Switch the fault on this long after the judged soak starts (null: before the run). */
  readonly afterSoakMs: number | null;
  /** The check that must FAIL (null: the healthy control, every leak check must PASS). */
  readonly caughtBy: string | null;
}

const TWO_MB_PER_MIN = 2048 / 60;
export const memoryCases = (healthyRuns: number, leakRuns: number): MemoryCase[] => [
  ...Array.from({ length: healthyRuns }, () => ({
    name: "healthy",
    fault: null,
    afterSoakMs: null,
    caughtBy: null,
  })),
  ...Array.from({ length: leakRuns }, (): MemoryCase[] => [
    {
      name: "heap leak 2 MB/min",
      fault: { name: "leak", kbPerSec: TWO_MB_PER_MIN },
      afterSoakMs: null,
      caughtBy: "memory.leak.heap",
    },
    {
      name: "off-heap leak 2 MB/min",
      fault: { name: "leak-offheap", kbPerSec: TWO_MB_PER_MIN },
      afterSoakMs: null,
      caughtBy: "memory.leak.off_heap",
    },
  ]).flat(),
  {
    name: "heap leak 2 MB/min from halfway",
    fault: { name: "leak", kbPerSec: TWO_MB_PER_MIN },
    afterSoakMs: 30_000,
    caughtBy: "memory.leak.heap",
  },
  {
    name: "off-heap leak 2 MB/min from halfway",
    fault: { name: "leak-offheap", kbPerSec: TWO_MB_PER_MIN },
    afterSoakMs: 30_000,
    caughtBy: "memory.leak.off_heap",
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One quick memory run with the case's leak on i2; the fault is cleared however it ends. */
export const runMemoryCase = async (cluster: TestCluster, c: MemoryCase): Promise<RunView> => {
  const admin = adminClient(cluster.instanceUrl("i1"));
  const arm = async () => {
    if (c.fault) {
      await admin.faults.set.mutate({
        name: c.fault.name,
        instanceId: "i2",
        params: { kbPerSec: c.fault.kbPerSec },
      });
    }
  };
  try {
    if (c.afterSoakMs === null) await arm();
    const { id } = await admin.scaleTest.run.mutate({ profile: "memory", quick: true });
    if (c.afterSoakMs !== null) {
      await waitForRun(admin, id, (r) => r.currentStep === "soak", 300_000);
      await sleep(c.afterSoakMs);
      await arm();
    }
    return await waitForRun(admin, id, undefined, 300_000);
  } finally {
    if (c.fault) await admin.faults.clear.mutate({ name: c.fault.name });
  }
};

interface Tally {
  runs: number;
  /** Runs whose verdict was PASS (every check, not only the leak ones). */
  passed: number;
  caught: number;
  falseFail: number;
  risk: number;
  /** The planted check's worst-window slope on i2 (MB/h), per run. */
  rates: number[];
  /**
   * Healthy: the highest worst-window lower bound of any judged series on any instance
   * (the margin to the FAIL line); a leak: the planted series' lower bound on i2.
   */
  lowers: number[];
}

const num = (v: unknown) => (typeof v === "number" ? [v] : []);

export const benchMemoryPower = async (
  cluster: TestCluster,
  opts: { readonly healthyRuns: number; readonly leakRuns: number },
) => {
  const byCase = new Map<string, Tally>();
  const gcMs: number[] = [];
  for (const c of memoryCases(opts.healthyRuns, opts.leakRuns)) {
    const run = await runMemoryCase(cluster, c);
    const t = byCase.get(c.name) ?? {
      runs: 0,
      passed: 0,
      caught: 0,
      falseFail: 0,
      risk: 0,
      rates: [],
      lowers: [],
    };
    const leakChecks = run.checks.filter((k) => k.name.startsWith("memory.leak."));
    t.runs++;
    if (run.verdict === "PASS") t.passed++;
    if (c.caughtBy === null) {
      if (leakChecks.some((k) => k.zone === "fail")) t.falseFail++;
      const lowers = ["heap", "off_heap"].flatMap((s) =>
        ["i1", "i2"].flatMap((i) => num(run.metrics[`leak.${i}.${s}_lower_mb_per_h`])),
      );
      if (lowers.length) t.lowers.push(Math.max(...lowers));
    } else {
      const planted = leakChecks.find((k) => k.name === c.caughtBy);
      if (planted?.zone === "fail" && planted.actual === "i2 FAIL") t.caught++;
      // a FAIL of any other series, or of i1, is a false alarm even in a leaking run
      if (leakChecks.some((k) => k !== planted && k.zone === "fail")) t.falseFail++;
      const series = c.caughtBy.slice("memory.leak.".length);
      const rate = run.metrics[`leak.i2.${series}_mb_per_h`];
      if (typeof rate === "number") t.rates.push(rate);
      t.lowers.push(...num(run.metrics[`leak.i2.${series}_lower_mb_per_h`]));
    }
    if (run.verdict === "RISK") t.risk++;
    byCase.set(c.name, t);
    const forced = run.metrics["gc.forced_pause_p50_ms"];
    if (typeof forced === "number") gcMs.push(forced);
  }
  return { byCase, gcMs };
};

export const printMemoryPower = (r: Awaited<ReturnType<typeof benchMemoryPower>>): void => {
  console.log(
    "\nMemory leak verdicts, quick soak (60 s judged, 30 s windows, FAIL line 60 MB/h), real 2-instance cluster, leaks on i2 (not the runner)",
  );
  console.log(
    `${"".padEnd(38)}${"runs".padStart(5)}${"PASS".padStart(6)}${"caught".padStart(8)}${"false FAIL".padStart(12)}${"RISK".padStart(6)}${"MB/h".padStart(7)}${"lower bound MB/h".padStart(18)}`,
  );
  const fmt = (x: number | null) => (x === null ? "-" : x.toFixed(0));
  for (const [name, t] of r.byCase) {
    const healthy = name === "healthy";
    const caught = healthy ? "-" : `${t.caught}/${t.runs}`;
    // healthy: the highest lower bound seen (how close to a false FAIL); a leak: the lowest (how close to a miss)
    const bound = healthy
      ? `max ${fmt(percentile(t.lowers, 100))}`
      : `min ${fmt(percentile(t.lowers, 0))}`;
    console.log(
      `${name.padEnd(38)}${String(t.runs).padStart(5)}${String(t.passed).padStart(6)}${caught.padStart(8)}${String(t.falseFail).padStart(12)}${String(t.risk).padStart(6)}${fmt(percentile(t.rates, 50)).padStart(7)}${bound.padStart(18)}`,
    );
  }
  const gc = percentile(r.gcMs, 50);
  if (gc !== null) {
    console.log(`forced full GC per reading (every 2 s during a run): median ${gc.toFixed(0)} ms`);
  }
};

/** `pnpm bench`'s block: its own 2-instance cluster, 10 healthy quick runs and the leak cases (~25 min). */
export const benchMemory = async (healthyRuns = 10, leakRuns = 2): Promise<void> => {
  const cluster = await startTestCluster("bench-memory", { instances: 2, env: TOKEN_ENV });
  try {
    printMemoryPower(await benchMemoryPower(cluster, { healthyRuns, leakRuns }));
  } finally {
    await cluster.close();
  }
};
