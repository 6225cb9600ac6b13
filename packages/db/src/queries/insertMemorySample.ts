import type { Sql } from "../client.ts";

export interface MemorySample {
  readonly runId: string;
  readonly instanceId: string;
  readonly bootId: string;
  readonly at: Date;
  readonly uptimeS: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly oldGenUsed: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly heapLimit: number;
  readonly eldP50Ms: number | null;
  readonly eldP99Ms: number | null;
  readonly eldMaxMs: number | null;
  readonly elu: number | null;
  readonly gcCount: number;
  readonly gcMs: number;
  readonly gcKinds: Record<string, number>;
  readonly pressure: number;
  readonly shedding: boolean;
  /** CPU of the whole process since the previous sample, % of `cpuCores` (null: not measured). */
  readonly cpuPct: number | null;
  readonly cpuCores: number | null;
  /** After a full GC (null: no fresh reading for this sample). */
  readonly postGcHeap: number | null;
  /** Compiled code and bytecode within postGcHeap. */
  readonly postGcCode: number | null;
  readonly postGcHeapTotal: number | null;
  readonly postGcExternal: number | null;
  readonly postGcArrayBuffers: number | null;
  readonly postGcRss: number | null;
  readonly postGcSource: "forced" | "observed" | null;
  readonly gcForcedMs: number | null;
  /** Requests this instance began since its previous sample. */
  readonly requests: number;
  readonly memoryLimit: number | null;
}

export const insertMemorySample = async (sql: Sql, s: MemorySample): Promise<void> => {
  await sql`
    insert into memory_samples
      (run_id, instance_id, boot_id, at, uptime_s, heap_used, heap_total, old_gen_used, rss, external,
       array_buffers, heap_limit, eld_p50_ms, eld_p99_ms, eld_max_ms, elu, gc_count, gc_ms,
       gc_kinds, pressure, shedding, cpu_pct, cpu_cores, post_gc_heap, post_gc_code, post_gc_heap_total, post_gc_external, post_gc_array_buffers,
       post_gc_rss, post_gc_source, gc_forced_ms, requests, memory_limit)
    values
      (${s.runId}, ${s.instanceId}, ${s.bootId}, ${s.at}, ${s.uptimeS}, ${s.heapUsed},
       ${s.heapTotal}, ${s.oldGenUsed}, ${s.rss}, ${s.external}, ${s.arrayBuffers}, ${s.heapLimit}, ${s.eldP50Ms},
       ${s.eldP99Ms}, ${s.eldMaxMs}, ${s.elu}, ${s.gcCount}, ${s.gcMs},
       ${sql.json(s.gcKinds as never)}, ${s.pressure}, ${s.shedding}, ${s.cpuPct}, ${s.cpuCores}, ${s.postGcHeap}, ${s.postGcCode}, ${s.postGcHeapTotal},
       ${s.postGcExternal}, ${s.postGcArrayBuffers}, ${s.postGcRss}, ${s.postGcSource},
       ${s.gcForcedMs}, ${s.requests}, ${s.memoryLimit})`;
};
