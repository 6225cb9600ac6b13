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
}

/** One run's samples, per instance in time order. */
export const listMemorySamples = async (sql: Sql, runId: string): Promise<MemorySampleRow[]> =>
  await sql<MemorySampleRow[]>`
    select instance_id, boot_id, at, uptime_s, heap_used, heap_total, old_gen_used, rss, heap_limit,
           eld_p99_ms, elu, gc_count, gc_ms, pressure, shedding
      from memory_samples where run_id = ${runId} order by instance_id, at`;
