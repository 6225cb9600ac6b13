import type { Sql } from "../client.ts";

export interface MemorySampleRow {
  readonly instance_id: string;
  readonly boot_id: string;
  readonly at: Date;
  readonly uptime_s: number;
  readonly heap_used: number;
  readonly heap_total: number;
  readonly old_gen_used: number;
  readonly rss: number;
  readonly heap_limit: number;
  readonly eld_p99_ms: number | null;
  readonly elu: number | null;
  readonly gc_count: number;
  readonly gc_ms: number;
  readonly pressure: number;
  readonly shedding: boolean;
  readonly external: number;
  readonly array_buffers: number;
  readonly post_gc_heap: number | null;
  readonly post_gc_code: number | null;
  readonly post_gc_heap_total: number | null;
  readonly post_gc_external: number | null;
  readonly post_gc_array_buffers: number | null;
  readonly post_gc_rss: number | null;
  readonly post_gc_source: "forced" | "observed" | null;
  readonly gc_forced_ms: number | null;
  readonly requests: number;
  readonly memory_limit: number | null;
}

/** One run's samples, per instance in time order. */
export const listMemorySamples = async (sql: Sql, runId: string): Promise<MemorySampleRow[]> =>
  await sql<MemorySampleRow[]>`
    select instance_id, boot_id, at, uptime_s, heap_used, heap_total, old_gen_used, rss, heap_limit,
           eld_p99_ms, elu, gc_count, gc_ms, pressure, shedding, external, array_buffers,
           post_gc_heap, post_gc_code, post_gc_heap_total, post_gc_external, post_gc_array_buffers, post_gc_rss, post_gc_source,
           gc_forced_ms, requests, memory_limit
      from memory_samples where run_id = ${runId} order by instance_id, at`;
