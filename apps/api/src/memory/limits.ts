import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";

const MB = 1024 * 1024;

/**
 * The container's memory limit in bytes (cgroup v1/v2 memory.max, read by libuv through
 * `process.constrainedMemory()`), or null when there is none: Node reports "no limit" as
 * 0 or as 2^64 (cgroup v1's unlimited), and a limit above the machine's RAM binds nothing.
 */
export const containerLimit = (): number | null => {
  const c = process.constrainedMemory();
  return c > 0 && c < totalmem() ? c : null;
};

/**
 * The rss budget the shedder judges against: `mb` when configured (0 turns the rss
 * bound off), else the container's own limit.
 */
export const rssBudget = (mb: number | undefined): number | null =>
  mb === undefined ? containerLimit() : mb === 0 ? null : mb * MB;

/** V8's ceiling for this process's heap (old space + young generation). */
export const heapLimit = (): number => getHeapStatistics().heap_size_limit;
