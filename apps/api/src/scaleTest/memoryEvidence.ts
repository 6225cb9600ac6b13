import { MemoryEvidence } from "@scaleproof/core/scale-test/services/memoryEvidence";
import type { Sql } from "@scaleproof/db/client";
import { listMemorySamples } from "@scaleproof/db/queries/listMemorySamples";
import { Layer } from "effect";
import type { InstanceEnv } from "../config/env.ts";
import { ridingOut } from "./ridingOut.ts";

/** Every instance's memory samples for one run, as their samplers persisted them. */
export const memoryEvidenceLayer = (
  sql: Sql,
  env: InstanceEnv,
  runId: string,
): Layer.Layer<MemoryEvidence> =>
  Layer.succeed(
    MemoryEvidence,
    MemoryEvidence.of({
      sampleEveryMs: (quick) => (quick ? env.MEMORY_QUICK_SAMPLE_MS : env.MEMORY_SAMPLE_MS),
      samples: ridingOut(async () =>
        (await listMemorySamples(sql, runId)).map((s) => ({
          instanceId: s.instance_id,
          bootId: s.boot_id,
          at: s.at.getTime(),
          heapUsed: s.heap_used,
          oldGenUsed: s.old_gen_used,
          heapLimit: s.heap_limit,
          rss: s.rss,
          gcCount: s.gc_count,
          pressure: s.pressure,
          shedding: s.shedding,
          eventLoopP99Ms: s.eld_p99_ms,
          postGcHeap: s.post_gc_heap,
          postGcCode: s.post_gc_code,
          postGcHeapTotal: s.post_gc_heap_total,
          postGcExternal: s.post_gc_external,
          postGcArrayBuffers: s.post_gc_array_buffers,
          postGcRss: s.post_gc_rss,
          gcForcedMs: s.gc_forced_ms,
          requests: s.requests,
        })),
      ),
    }),
  );
