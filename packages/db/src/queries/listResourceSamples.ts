import type { Sql } from "../client.ts";

export interface ResourceSampleRow {
  readonly instance_id: string;
  readonly boot_id: string;
  readonly at: Date;
  readonly cpu_pct: number | null;
  readonly rss: number;
  readonly memory_limit: number | null;
  readonly heap_used: number;
  readonly heap_limit: number;
  readonly post_gc_heap: number | null;
  readonly eld_p99_ms: number | null;
  readonly shedding: boolean;
}

/** One run's samples taken at or after `since`: what the load profile judges its zones on. */
export const listResourceSamples = async (
  sql: Sql,
  runId: string,
  since: Date,
): Promise<ResourceSampleRow[]> =>
  await sql<ResourceSampleRow[]>`
    select instance_id, boot_id, at, cpu_pct, rss, memory_limit, heap_used, heap_limit,
           post_gc_heap, eld_p99_ms, shedding
      from memory_samples
     where run_id = ${runId} and at >= ${since}
     order by instance_id, at`;
