import type { Sql } from "@scaleproof/db/client";
import { pruneEvidence } from "@scaleproof/db/queries/pruneEvidence";
import type { Logger } from "pino";

/** Arbitrary constant: one pruner at a time across the cluster. */
const PRUNE_LOCK = 7_346_112_010;

export interface RetentionOptions {
  readonly days: number;
  readonly maxRows: number;
  readonly everyMs: number;
}

/**
 * Keeps the evidence tables bounded (by age and a row cap, never an active run's rows).
 * Every instance runs the timer; a session advisory lock lets one prune at a time.
 */
export const startPruner = (sql: Sql, log: Logger, o: RetentionOptions): (() => void) => {
  const sweep = async () => {
    await sql.begin(async (tx) => {
      const [lock] = await tx<
        { ok: boolean }[]
      >`select pg_try_advisory_xact_lock(${PRUNE_LOCK}) as ok`;
      if (!lock?.ok) return;
      const deleted = await pruneEvidence(tx, {
        before: new Date(Date.now() - o.days * 86_400_000),
        maxRows: o.maxRows,
        batch: 5_000,
      });
      if (Object.values(deleted).some((n) => n > 0)) {
        log.info({ event: "evidence_pruned", deleted }, "old evidence pruned");
      }
    });
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => log.warn({ err: error }, "evidence pruning failed"));
  }, o.everyMs);
  timer.unref();
  return () => clearInterval(timer);
};
