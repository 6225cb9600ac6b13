import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const read = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
};

/**
 * Cores this process may use: its container's CPU quota (cgroup v2 `cpu.max`, v1
 * `cpu.cfs_quota_us / cpu.cfs_period_us`), else the cores it is allowed to run on.
 */
export const cpuCores = (): number => {
  const v2 = read("/sys/fs/cgroup/cpu.max")?.split(/\s+/);
  if (v2?.[0] && v2[0] !== "max" && Number(v2[1]) > 0) return Number(v2[0]) / Number(v2[1]);
  const quota = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
  const period = Number(read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  if (quota > 0 && period > 0) return quota / period;
  return availableParallelism();
};

/**
 * CPU the whole process used (every thread: the event loop, worker threads, libuv's
 * pool; `process.cpuUsage` is per process) between two reads, as % of the cores it may
 * use. 100 % is every such core busy the whole time.
 */
export class CpuMeter {
  readonly cores = cpuCores();
  #usage = process.cpuUsage();
  #at = performance.now();

  /** Since the previous read (the first: since the meter was made). */
  read(): { readonly cpuPct: number | null; readonly cpuCores: number } {
    const usage = process.cpuUsage(this.#usage);
    const now = performance.now();
    const wallUs = (now - this.#at) * 1000;
    this.#usage = process.cpuUsage();
    this.#at = now;
    const pct = wallUs > 0 ? ((usage.user + usage.system) / wallUs / this.cores) * 100 : null;
    return { cpuPct: pct === null ? null : Math.round(pct * 100) / 100, cpuCores: this.cores };
  }
}
