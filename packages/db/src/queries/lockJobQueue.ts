import type { TransactionSql } from "postgres";

/**
 * Capped enqueuers pass one at a time (migration 00008): held until the transaction ends.
 * Must be the transaction's first statement: LOCK TABLE takes no snapshot, so under
 * SERIALIZABLE the next statement's snapshot already sees the previous holder's jobs.
 */
export const lockJobQueue = async (tx: TransactionSql): Promise<void> => {
  await tx`lock table job_queue_gate in exclusive mode`;
};
