import type { Sql } from "../client.ts";

export interface WorkerStatusRows {
  readonly counts: readonly { kind: string; status: string; n: number }[];
  readonly queued: {
    readonly oldestAgeMs: number | null;
    /** Queued jobs whose retry backoff is over: a worker could take them now. */
    readonly claimable: number;
    /** How long the longest-claimable job has been claimable. */
    readonly oldestClaimableAgeMs: number | null;
  };
  /** Running jobs per lease owner (`instance/boot`). */
  readonly leases: readonly {
    owner: string;
    active: number;
    expired: number;
    lastHeartbeatAgeMs: number;
  }[];
  /** Jobs queued longer than the threshold: the oldest few and how many in all. */
  readonly stale: { readonly count: number; readonly oldest: readonly StaleJob[] };
}

export interface StaleJob {
  readonly id: string;
  readonly kind: string;
  readonly ageMs: number;
}

/**
 * What `workers.status` judges: jobs by kind and status, queue ages, running leases per
 * owner (an unexpired lease is an active worker; heartbeats move `updated_at`), and the
 * work queued longer than `staleAfterMs`. One REPEATABLE READ read-only transaction, so
 * the parts agree with each other. Ages are in ms by the database's clock (one clock for
 * every instance).
 */
export const readWorkerStatus = async (
  sql: Sql,
  o: { readonly staleAfterMs: number; readonly staleListed: number },
): Promise<WorkerStatusRows> =>
  await sql.begin("isolation level repeatable read read only", async (tx) => {
    const counts = await tx<{ kind: string; status: string; n: number }[]>`
      select kind, status, count(*)::int as n from jobs group by kind, status order by kind, status`;
    const [queued] = await tx<
      { oldest: number | null; claimable: number; oldest_claimable: number | null }[]
    >`
      select (extract(epoch from now() - min(created_at)) * 1000)::float8 as oldest,
             count(*) filter (where run_after <= now())::int as claimable,
             (extract(epoch from now() - min(run_after) filter (where run_after <= now())) * 1000)::float8 as oldest_claimable
        from jobs where not finished and status = 'queued'`;
    const leases = await tx<
      { owner: string; active: number; expired: number; last_heartbeat: number }[]
    >`
      select coalesce(lease_owner, '?') as owner,
             count(*) filter (where lease_expires_at >= now())::int as active,
             count(*) filter (where lease_expires_at < now())::int as expired,
             (extract(epoch from now() - max(updated_at)) * 1000)::float8 as last_heartbeat
        from jobs where not finished and status = 'running' group by lease_owner order by 1`;
    const staleWhere = () =>
      tx`not finished and status = 'queued' and created_at < now() - ${o.staleAfterMs} * interval '1 millisecond'`;
    const [staleCount] = await tx<{ n: number }[]>`
      select count(*)::int as n from jobs where ${staleWhere()}`;
    const oldest = await tx<StaleJob[]>`
      select id::text as id, kind, (extract(epoch from now() - created_at) * 1000)::float8 as "ageMs"
        from jobs where ${staleWhere()} order by created_at, id limit ${o.staleListed}`;
    return {
      counts,
      queued: {
        oldestAgeMs: queued?.oldest ?? null,
        claimable: queued?.claimable ?? 0,
        oldestClaimableAgeMs: queued?.oldest_claimable ?? null,
      },
      leases: leases.map((l) => ({
        owner: l.owner,
        active: l.active,
        expired: l.expired,
        lastHeartbeatAgeMs: l.last_heartbeat,
      })),
      stale: { count: staleCount?.n ?? 0, oldest },
    };
  });
