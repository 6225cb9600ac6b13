import type { MemoryPoint } from "../../data.ts";
import type { ChunkDigest, QueueSample, StoredUpload } from "./data.ts";

/** One upload as the runner made it: what it sent, and how far it got. */
export interface UploadRecord {
  readonly index: number;
  readonly phase: "concurrent" | "soak";
  readonly filename: string;
  readonly size: number;
  /** sha256 of the whole file as sent (declared at create). */
  readonly sha256: string;
  readonly chunks: readonly ChunkDigest[];
  /** The upload's id (null: create never answered with one). */
  readonly id: string | null;
  /** From create to finalize's answer (ms, runner's clock; the hashing pass before is not counted). */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly jobId: string | null;
  /** The request that failed and its last answer (`chunk 2: 422 UPLOAD_INVALID`); null when finalize answered 202. */
  readonly failure: string | null;
  /** Chunk numbers the service acknowledged (201 stored, 200 duplicate). */
  readonly acked: readonly number[];
  /** Attempts beyond the first, over all its requests. */
  readonly retries: number;
  /** Instances that acknowledged its chunks. */
  readonly instances: readonly string[];
}

/**
 * How rss growth is judged, in bytes per hour: `windows` puts each rolling window's 95%
 * interval against two lines (FAIL when its lower bound is above `failAbovePerHour`, PASS
 * when every upper bound is below `passBelowPerHour`, RISK between), as the memory
 * profile judges its soak; `slope` compares the Theil-Sen slope over the whole soak with
 * one line (two-tier), for a soak too short for a useful interval.
 */
export interface RssPolicy {
  readonly by: "windows" | "slope";
  readonly failAbovePerHour: number;
  readonly passBelowPerHour: number;
  readonly windowMs: number;
  readonly stepMs: number;
}

export interface UploadsBounds {
  readonly concurrent: number;
  readonly size: number;
  readonly chunkBytes: number;
  readonly failuresMax: number;
  readonly rssPassMb: number;
  readonly rssFailMb: number;
  readonly soakUploads: number;
  readonly soakMs: number;
  readonly soakFailurePct: number;
  readonly soakTimeDriftPct: number;
  readonly rssPolicy: RssPolicy;
}

/** Everything the uploads profile measured: plain data, judged by `judge.ts`. */
export interface UploadsEvidence {
  /** How the bytes were made. */
  readonly source: string;
  readonly bounds: UploadsBounds;
  /** The concurrent burst: first create to the last processing job's end (ms). */
  readonly burst: { readonly from: number; readonly to: number };
  /** The soak's span; null when it was skipped. */
  readonly soak: { readonly from: number; readonly to: number } | null;
  readonly uploads: readonly UploadRecord[];
  /** Every upload that got an id, as Postgres holds it after the run. */
  readonly stored: readonly StoredUpload[];
  readonly queue: readonly QueueSample[];
  /** Every instance's memory samples over the run (what their samplers persisted). */
  readonly memory: readonly MemoryPoint[];
}
