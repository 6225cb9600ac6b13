import type { Sql } from "../client.ts";
import type { LeaseHolder } from "./jobRow.ts";

/** An event outside claim/complete, e.g. `lease_lost` seen by a heartbeat. */
export const insertJobEvent = async (
  sql: Sql,
  h: LeaseHolder,
  kind: "lease_lost",
  detail: Record<string, unknown> = {},
): Promise<void> => {
  await sql`
    insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker, detail)
    values (${h.jobId}, ${h.runId}, ${h.attempt}, ${kind}, ${h.instanceId}, ${h.bootId}, ${h.worker},
            ${sql.json(detail as never)})`;
};
