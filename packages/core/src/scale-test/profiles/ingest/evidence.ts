import type { AttemptAnswer } from "../../services/writeReply.ts";
import type { IngestStatsSample, StoredSnapshot } from "./data.ts";

/** One snapshot the runner sent, with every attempt's answer (a retry keeps its id). */
export interface SendRecord {
  /** Unique per snapshot of the run (producer.seq). */
  readonly seq: number;
  readonly id: string;
  /** The level it was offered in (index). */
  readonly level: number;
  /** The content hash of what was sent. */
  readonly hash: string;
  /** When the open-loop schedule meant it to go (ms, runner's clock). */
  readonly intendedAt: number;
  readonly answers: readonly AttemptAnswer[];
  /** When the acknowledging answer (200) came; null: never acknowledged. */
  readonly ackedAt: number | null;
  readonly ackedBy: string | null;
  readonly outcome: "stored" | "duplicate" | null;
  /** A final answer that was neither an acknowledgement nor retriable (`409 SNAPSHOT_CONFLICT`). */
  readonly refusal: string | null;
}

/** One level as it ran. */
export interface LevelRun {
  readonly index: number;
  readonly rate: number;
  readonly durationMs: number;
  readonly gatePct: number;
  readonly startedAt: number;
}

/** The SIGKILL of one instance mid-run (the `ingest-crash` fault, aimed at one instance). */
export interface CrashEvidence {
  readonly requested: boolean;
  /** Why it was not applied (fault injection off, no instance but the runner's); null when it was. */
  readonly notApplied: string | null;
  readonly victim: string | null;
  readonly level: number;
  readonly armedAt: number | null;
  readonly bootBefore: string | null;
  /** The victim's boot id once it answered again; null: not seen back. */
  readonly bootAfter: string | null;
  readonly backAt: number | null;
}

/** Everything the ingest profile measured: plain data, judged by `judge.ts`. */
export interface IngestEvidence {
  readonly range: { readonly start: string; readonly end: string };
  readonly instrument: string;
  /** Recorded bars the snapshots were built from. */
  readonly bars: number;
  readonly bounds: {
    readonly flushLagP95Ms: number;
    readonly bufferMaxRows: number;
    /** An acknowledgement later than this after the intended send time does not count for its level. */
    readonly ackTimeoutMs: number;
  };
  readonly levels: readonly LevelRun[];
  readonly sends: readonly SendRecord[];
  readonly stats: readonly IngestStatsSample[];
  /** Every row stored for the run, read back from Postgres after the ladder. */
  readonly stored: readonly StoredSnapshot[];
  readonly crash: CrashEvidence;
}
