import { z } from "zod";

/**
 * Faults an admin can switch on (with FAULTS_ENABLED) to prove a profile FAILs when the
 * property it checks is broken. Later issues add crash, stall-heartbeat, ballast, leak.
 */
export const FAULT_NAMES = [
  "cache-no-lock",
  "cache-no-redis-lock",
  "cache-no-single-flight",
  "cache-holder-crash",
  "crash",
  "stall-heartbeat",
  "jobs-no-lease",
  "jobs-no-fence",
  "jobs-claim-live",
  "shed-off",
  "ballast",
  "leak",
  "leak-offheap",
  "ingest-ack-before-flush",
  "ingest-crash",
  "upload-corrupt-chunk",
  "streams-drop",
  "slow-requests",
  "error-requests",
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export const faultInput = z.strictObject({
  name: z.enum(FAULT_NAMES),
  /** Only this instance; every instance when left out. */
  instanceId: z.string().min(1).max(100).optional(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
});
export type FaultInput = z.output<typeof faultInput>;

export interface ActiveFault extends FaultInput {
  readonly setAt: string;
}

export const FAULT_DESCRIPTIONS: Record<FaultName, string> = {
  "cache-no-lock":
    "bars cache without stampede protection: no single-flight, no Redis lease (plain cache-aside)",
  "cache-no-redis-lock":
    "bars cache without the cross-instance Redis lease, single-flight kept: each instance's miss fetches on its own",
  "cache-no-single-flight":
    "bars cache without the in-process single-flight, Redis lease kept: every request on an instance goes to Redis on its own",
  "cache-holder-crash":
    "once: the instance whose bars request next fetches (of params.runId, if given) kills itself with SIGKILL after the provider answered, before the fill (the holder dies mid-fetch, holding its lease)",
  crash:
    "once: the instance that next runs a job (of params.runId, if given) kills itself with SIGKILL mid-job",
  "stall-heartbeat":
    "once: the worker that next runs a job (of params.runId, if given) stops heartbeating, keeps working, and completes late (a zombie)",
  "jobs-no-lease":
    "job queue without leases: claims running jobs regardless of their lease, without skip locked, and completes without fencing",
  "jobs-no-fence":
    "job completion without fencing (claims still respect leases): a zombie's late completion is accepted",
  "jobs-claim-live":
    "job claims ignore live leases (completion still fenced): two workers run one job at once",
  "shed-off":
    "the load shedder never sheds: heavy requests are served whatever the memory pressure",
  ballast:
    "hold params.mb MB, or enough to bring pressure to params.toPressure (0-1) or params.aboveShedBy above the shedding line, of V8 heap (Buffers with params.offHeap) until cleared (set instanceId)",
  leak: "retain params.kbPerSec KB of V8 heap every second until cleared (set instanceId)",
  "leak-offheap":
    "retain Buffers outside the V8 heap: params.kbPerSec KB every second and/or params.kbPerRequest KB per request, until cleared (set instanceId)",
  "ingest-ack-before-flush":
    "snapshot ingest answers before the flush and flushes params.holdMs (default the flush interval) later: a crash meanwhile loses acknowledged snapshots",
  "ingest-crash":
    "once: the instance that next receives a snapshot call (of params.runId, if given) kills itself with SIGKILL before answering it, losing its buffer (set instanceId)",
  "upload-corrupt-chunk":
    "once: the next chunk stored (of an upload of params.runId, if given) has one byte flipped in Postgres after it was stored and acknowledged with the sha256 of the bytes received",
  "streams-drop":
    "the instance ends every run-progress stream (SSE) after params.after events (default 3): subscribers are dropped",
  "slow-requests": "every /api request waits params.ms ms before it is handled (set instanceId)",
  "error-requests":
    "params.rate (0-1) of /api requests answered 500 INJECTED_FAULT, evenly spread (every 1/rate-th; set instanceId)",
};
