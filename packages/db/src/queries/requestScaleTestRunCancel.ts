import type { Sql } from "../client.ts";
import type { ScaleTestRunRow } from "./scaleTestRunRow.ts";

/** Flags an active run for cancellation; its runner sees the flag at its next lease renewal. */
export const requestScaleTestRunCancel = async (
  sql: Sql,
  id: string,
): Promise<ScaleTestRunRow | null> => {
  const [row] = await sql<ScaleTestRunRow[]>`
    update scale_test_runs set cancel_requested = true, updated_at = now()
     where id = ${id} and status in ('queued', 'running')
    returning *`;
  return row ?? null;
};
