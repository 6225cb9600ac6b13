/**
 * Plain data the `Uploads` service exchanges with the uploads profile: what an upload is
 * made of, the queue's depth, and what Postgres holds afterwards.
 */

/** One upload the runner makes: its bytes are generated from (run, index), so any pass repeats them. */
export interface UploadSpec {
  readonly index: number;
  readonly filename: string;
  readonly size: number;
  readonly chunkBytes: number;
}

export interface ChunkDigest {
  readonly n: number;
  readonly size: number;
  /** sha256 hex of the chunk's bytes. */
  readonly sha256: string;
}

/** An upload's digests, taken in a first pass over its bytes (the whole file's is declared at create). */
export interface PreparedUpload {
  readonly spec: UploadSpec;
  readonly sha256: string;
  readonly chunks: readonly ChunkDigest[];
}

/** The cluster's job queue, as `GET /ops/workers` answers it. */
export interface QueueSample {
  /** Runner's clock, ms. */
  readonly at: number;
  /** Jobs queued or running, cluster-wide. */
  readonly pending: number;
  readonly cap: number;
}

export interface StoredChunk {
  readonly n: number;
  readonly size: number;
  /** The sha256 recorded when the chunk arrived. */
  readonly sha256: string;
  /** The sha256 of the bytes Postgres holds now, computed by Postgres. */
  readonly actualSha256: string;
}

export type JobStatus = "queued" | "running" | "completed" | "failed" | null;

/** One upload as Postgres holds it, with its processing job(s). */
export interface StoredUpload {
  readonly id: string;
  readonly status: "open" | "finalized";
  readonly declaredSize: number;
  readonly declaredSha256: string;
  readonly chunks: readonly StoredChunk[];
  /** Processing jobs made for this upload (its idempotency key): exactly one once finalized. */
  readonly jobs: number;
  readonly jobStatus: JobStatus;
  /** The job's own verdict on the bytes (it re-reads and re-hashes them); null before it ends. */
  readonly jobVerified: boolean | null;
  readonly jobSha256: string | null;
  /** Accepted finishes recorded for the job (its execution history). */
  readonly jobFinishes: number;
}
