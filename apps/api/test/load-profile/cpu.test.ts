import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { CpuMeter } from "../../src/instance/cpu.ts";

/** A worker thread that burns `ms` of its own CPU time, then exits. */
const burnInWorker = (ms: number) =>
  new Promise<void>((resolve, reject) => {
    const w = new Worker(
      `const end = ${ms} * 1000;
       const t0 = process.threadCpuUsage();
       for (;;) { const u = process.threadCpuUsage(t0); if (u.user + u.system >= end) break; }`,
      { eval: true },
    );
    w.once("exit", () => resolve());
    w.once("error", reject);
  });

describe("CpuMeter", () => {
  it("counts the CPU of worker threads, not only the event loop's, as % of the cores", async () => {
    const meter = new CpuMeter();
    meter.read();
    const t0 = performance.now();
    await burnInWorker(300); // the main thread only waits meanwhile
    const wallMs = performance.now() - t0;
    const { cpuPct, cpuCores } = meter.read();
    expect(cpuCores).toBeGreaterThan(0);
    // at least the worker's 300 ms of CPU, over the wall time it took, over the cores
    expect(cpuPct).toBeGreaterThanOrEqual((300 / wallMs / cpuCores) * 100 * 0.95);
  });
});
