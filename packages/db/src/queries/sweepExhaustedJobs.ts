import type { Sql } from "../client.ts";

/**
 * Fails jobs whose last attempt's worker died with no attempts left (the claim skips
 * them). The state is re-checked inside the UPDATE, so a live lease is never swept.
 */
export const sweepExhaustedJobs = async (sql: Sql): Promise<string[]> => {
  const rows = await sql<{ id: string }[]>`
    update jobs
       set status = 'failed', updated_at = now(),
           last_error = 'attempts exhausted: attempt ' || attempt_count || ' of ' || max_attempts ||
                        ' lost its lease (' || coalesce(lease_owner, '?') || ')'
     where not finished and status = 'running' and lease_expires_at < now()
       and attempt_count >= max_attempts
    returning id::text`;
  return rows.map((r) => r.id);
};
