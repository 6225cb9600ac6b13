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
}

export const insertMemorySample = async (sql: Sql, s: MemorySample): Promise<void> => {
  await sql`
    insert into memory_samples
      (run_id, instance_id, boot_id, at, uptime_s, heap_used, heap_total, old_gen_used, rss, external,
       array_buffers, heap_limit, eld_p50_ms, eld_p99_ms, eld_max_ms, elu, gc_count, gc_ms,
       gc_kinds, pressure, shedding, cpu_pct, cpu_cores)
    values
      (${s.runId}, ${s.instanceId}, ${s.bootId}, ${s.at}, ${s.uptimeS}, ${s.heapUsed},
       ${s.heapTotal}, ${s.oldGenUsed}, ${s.rss}, ${s.external}, ${s.arrayBuffers}, ${s.heapLimit}, ${s.eldP50Ms},
       ${s.eldP99Ms}, ${s.eldMaxMs}, ${s.elu}, ${s.gcCount}, ${s.gcMs},
       ${sql.json(s.gcKinds as never)}, ${s.pressure}, ${s.shedding}, ${s.cpuPct}, ${s.cpuCores})`;
};
