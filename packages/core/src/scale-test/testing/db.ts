import { Effect } from "effect";
import type { DbStats, ExplainedStatement, PoolReading, RelationSize } from "../dbData.ts";

/** Switches for the in-memory database: each breaks one thing the preflight or the db profile checks. */
export interface DbWorldOptions {
  /** Postgres `max_connections` (default 100, 3 reserved for superusers). */
  readonly maxConnections?: number;
  /** Every instance's DB_POOL_MAX (default 10). */
  readonly poolMax?: number;
  /** The runner cannot reach Postgres. */
  readonly unreachable?: boolean;
  /** This instance does not answer its pool reading. */
  readonly silentPool?: string;
  /** Pool-exhaustion events that happen during the run (after the preflight's first read). */
  readonly exhaustionDuringRun?: number;
  /** The claim query's plan reads the whole jobs table (its index is gone). */
  readonly claimSeqScan?: boolean;
  /** Deadlocks the database counts between two reads of its statistics. */
  readonly deadlocksPerRead?: number;
  /** Queries waiting for a connection on every pool reading. */
  readonly waiting?: number;
}

const scan = (relation: string, index?: string, filter = true) => ({
  "Node Type": index ? "Index Scan" : "Seq Scan",
  "Relation Name": relation,
  ...(index ? { "Index Name": index } : {}),
  ...(filter ? { Filter: "(status = 'queued'::text)" } : {}),
  "Plan Rows": 1,
});

const planOf = (root: Record<string, unknown>) => [{ Plan: root }];

/** A healthy schema's hot statements: index scans everywhere, the claim on its partial index. */
const statementsOf = (claimSeqScan: boolean): ExplainedStatement[] => [
  {
    query: "claimJobs",
    statement: "with candidates as (select id from jobs where …)",
    plan: planOf({
      "Node Type": "Limit",
      Plans: [claimSeqScan ? scan("jobs") : scan("jobs", "jobs_claimable")],
    }),
  },
  {
    query: "heartbeatJob",
    statement: "update jobs set lease_expires_at = …",
    plan: planOf({
      "Node Type": "ModifyTable",
      "Relation Name": "jobs",
      Plans: [{ ...scan("jobs", "jobs_pkey"), "Index Cond": "(id = '1'::bigint)" }],
    }),
  },
  {
    query: "currentScaleTestRun",
    statement: "select * from scale_test_runs order by …",
    plan: planOf({
      "Node Type": "Limit",
      Plans: [scan("scale_test_runs", "scale_test_runs_current", false)],
    }),
  },
  {
    query: "enqueueCappedJobs",
    statement: "lock table job_queue_gate",
    plan: null,
    skipped: "not explainable",
  },
];

const RELATIONS: readonly RelationSize[] = [
  { name: "jobs", kind: "table", rows: 100_000 },
  { name: "jobs_claimable", kind: "index", rows: 12 },
  { name: "jobs_pkey", kind: "index", rows: 100_000 },
  { name: "scale_test_runs", kind: "table", rows: 100_000 },
  { name: "scale_test_runs_current", kind: "index", rows: 100_000 },
];

/** The part of the `World` the in-memory database reads (structural: no import cycle). */
interface DbWorld {
  readonly options: { readonly db?: DbWorldOptions };
  readonly instances: readonly string[];
}

/** The in-memory `DbEvidence` over the `World`'s instances. */
export const dbWorld = (world: DbWorld) => {
  const o = world.options.db ?? {};
  const poolMax = o.poolMax ?? 10;
  let exhaustionReads = 0;
  let statsReads = 0;
  const reading = (instanceId: string): PoolReading => ({
    instanceId,
    bootId: `boot-${instanceId}`,
    max: poolMax,
    total: 3,
    idle: 2,
    listener: 1,
    inFlight: 1 + (o.waiting ?? 0),
    waiting: o.waiting ?? 0,
    status: (o.waiting ?? 0) > 0 ? "degraded" : "healthy",
    exhaustion: { connectTimeouts: 0, tooManyConnections: 0 },
  });
  return {
    settings: Effect.sync(() =>
      o.unreachable
        ? null
        : {
            maxConnections: o.maxConnections ?? 100,
            superuserReserved: 3,
            reserved: 0,
            runnerPoolMax: poolMax,
          },
    ),
    pool: (instanceId: string) =>
      Effect.sync(() =>
        world.instances.includes(instanceId) && o.silentPool !== instanceId
          ? reading(instanceId)
          : null,
      ),
    exhaustionEvents: Effect.sync(() =>
      exhaustionReads++ === 0 ? 7 : 7 + (o.exhaustionDuringRun ?? 0),
    ),
    explainHotQueries: Effect.sync(() => ({
      statements: statementsOf(o.claimSeqScan === true),
      relations: RELATIONS,
    })),
    stats: Effect.sync((): DbStats => {
      const k = statsReads++;
      return {
        deadlocks: 40 + k * (o.deadlocksPerRead ?? 0),
        rollbacks: 100 + k,
        indexes: [
          { index: "jobs_claimable", table: "jobs", scans: 1_000 + 5 * k },
          { index: "jobs_pkey", table: "jobs", scans: 5_000 + 50 * k },
          { index: "scale_test_runs_created", table: "scale_test_runs", scans: 17 },
        ],
      };
    }),
  };
};
