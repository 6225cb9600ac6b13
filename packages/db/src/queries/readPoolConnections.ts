import type { Sql } from "../client.ts";

export interface PoolConnections {
  /** Pool connections open (the LISTEN connection not included). */
  readonly total: number;
  readonly idle: number;
  /** LISTEN connections (postgres.js opens one outside the pool). */
  readonly listener: number;
}

/**
 * One instance's connections as Postgres sees them, by their application name
 * (`scaleproof:<instanceId>`), in this database. A LISTEN connection is told apart by
 * the last statement it ran; the connection asking is counted, busy.
 */
export const readPoolConnections = async (
  sql: Sql,
  applicationName: string,
): Promise<PoolConnections> => {
  const [row] = await sql<{ total: number; idle: number; listener: number }[]>`
    select count(*) filter (where not listening)::int as total,
           count(*) filter (where not listening and state = 'idle')::int as idle,
           count(*) filter (where listening)::int as listener
      from (select state, query ilike 'listen %' as listening
              from pg_stat_activity
             where application_name = ${applicationName}
               and datname = current_database()
               and backend_type = 'client backend') c`;
  return { total: row?.total ?? 0, idle: row?.idle ?? 0, listener: row?.listener ?? 0 };
};
