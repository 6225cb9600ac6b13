import type { Sql } from "../client.ts";

export interface BarsEventCounts {
  readonly requests: number;
  readonly hits: number;
  readonly misses: number;
  readonly waits: number;
  readonly errors: number;
  readonly providerFetches: number;
  readonly instances: readonly string[];
}

/** Persisted evidence for one run (optionally one cache key), counted by Postgres. */
export const countBarsRequestEvents = async (
  sql: Sql,
  runId: string,
  cacheKey?: string,
): Promise<BarsEventCounts> => {
  const keyFilter = cacheKey === undefined ? sql`` : sql`and cache_key = ${cacheKey}`;
  const [row] = await sql<
    {
      requests: number;
      hits: number;
      misses: number;
      waits: number;
      errors: number;
      provider_fetches: number;
      instances: string[];
    }[]
  >`
    select count(*)::int as requests,
           count(*) filter (where outcome = 'HIT')::int as hits,
           count(*) filter (where outcome = 'MISS')::int as misses,
           count(*) filter (where outcome = 'WAIT')::int as waits,
           count(*) filter (where outcome = 'ERROR')::int as errors,
           count(*) filter (where provider_fetch)::int as provider_fetches,
           coalesce(array_agg(distinct instance_id), '{}') as instances
      from bars_request_events
     where run_id = ${runId} ${keyFilter}`;
  if (!row) throw new Error("count query returned no row");
  return {
    requests: row.requests,
    hits: row.hits,
    misses: row.misses,
    waits: row.waits,
    errors: row.errors,
    providerFetches: row.provider_fetches,
    instances: row.instances,
  };
};
