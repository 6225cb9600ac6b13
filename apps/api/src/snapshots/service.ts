import type { InstanceDeps } from "../deps.ts";
import { SnapshotBuffer } from "./buffer.ts";
import { MAX_BATCH } from "./contract.ts";

const buffers = new WeakMap<InstanceDeps, SnapshotBuffer>();

/** The instance's one snapshot buffer (created on first use). */
export const snapshotBuffer = (deps: InstanceDeps): SnapshotBuffer => {
  let b = buffers.get(deps);
  if (!b) {
    b = new SnapshotBuffer(deps);
    buffers.set(deps, b);
  }
  return b;
};

/** What snapshots.stats answers for this instance: buffer depth, flush lag, counters. */
export const ingestStats = (deps: InstanceDeps) => {
  const b = snapshotBuffer(deps);
  const { env, identity } = deps;
  return {
    instanceId: identity.instanceId,
    bootId: identity.bootId,
    buffer: b.depth(),
    ...b.stats.totals(),
    config: {
      maxBatch: MAX_BATCH,
      flushMaxRows: env.INGEST_FLUSH_MAX_ROWS,
      flushIntervalMs: env.INGEST_FLUSH_INTERVAL_MS,
      bufferMaxRows: env.INGEST_BUFFER_MAX_ROWS,
    },
    ackBeforeFlushFault: deps.faults.isOn("ingest-ack-before-flush"),
  };
};
