import type { Answer } from "../../data.ts";
import type { DbStats, ExplainedStatement, RelationSize } from "../../dbData.ts";
import type { DbGates } from "./gates.ts";

/** Backtests created at once: every answer, the burst's wall time, the deadlocks Postgres counted meanwhile. */
export interface CreationBurst {
  readonly answers: readonly Answer[];
  readonly jobIds: readonly string[];
  readonly wallMs: number;
  readonly deadlocks: number;
}

/** Cold reads at once over distinct keys, and the most queries any instance's pool had waiting meanwhile. */
export interface ColdReadBurst {
  readonly answers: readonly Answer[];
  readonly wallMs: number;
  /** Per instance: the largest `waiting` its /ops/health/pool showed during the burst. */
  readonly waitingMax: Readonly<Record<string, number>>;
  readonly poolReadings: number;
}

export interface BurstRound {
  readonly creations: CreationBurst;
  readonly coldReads: ColdReadBurst;
}

/**
 * A hot statement as evidence: its plan is EXPLAIN (FORMAT JSON)'s document, or null when
 * it was not explained (never undefined, so the export says the same as the run saw).
 */
export interface StatementEvidence extends Omit<ExplainedStatement, "plan"> {
  readonly plan: NonNullable<unknown> | null;
}

/** Everything the db profile measured: plain data, judged by `judge.ts`. */
export interface DbProfileEvidence {
  readonly gates: DbGates;
  readonly expected: number | null;
  readonly statements: readonly StatementEvidence[];
  readonly relations: readonly RelationSize[];
  readonly statsBefore: DbStats;
  readonly statsAfter: DbStats;
  readonly rounds: readonly BurstRound[];
  /** The created backtests: how many were accepted, and how many had ended when the profile stopped waiting. */
  readonly jobs: { readonly accepted: number; readonly ended: number };
}
