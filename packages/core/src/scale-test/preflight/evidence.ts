import type { PgSettings, PoolReading } from "../dbData.ts";

/** One instance as the balancer showed it: the status of its last `/ops/health` answer. */
export interface SeenInstance {
  readonly instanceId: string;
  readonly status: number;
}

/** What the preflight measured before any traffic: plain data, judged by `judge.ts`. */
export interface PreflightEvidence {
  /** CLUSTER_INSTANCES when the deployment says; null when it cannot tell. */
  readonly expected: number | null;
  readonly probes: number;
  /** Probes nobody answered. */
  readonly unreachable: number;
  readonly instances: readonly SeenInstance[];
  /** Pool readings of the instances seen; an instance that did not answer has none. */
  readonly pools: readonly PoolReading[];
  /** null: the runner could not read Postgres's settings. */
  readonly settings: PgSettings | null;
  readonly margin: number;
}

/** Connections each instance holds beyond its pool: the LISTEN connection and one spare (a deploy's overlap, a reconnect). */
export const LISTENER = 1;
export const SPARE = 1;
