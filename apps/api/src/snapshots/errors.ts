import { Schema } from "effect";

/** Snapshot ids already stored (or sent twice in one call) with other content: nothing of the call was stored. */
export class SnapshotConflict extends Schema.TaggedError<SnapshotConflict>()("SnapshotConflict", {
  ids: Schema.Array(Schema.String),
}) {}

/** This instance's ingest buffer is full (its flushes are behind): come back shortly. */
export class IngestBacklogged extends Schema.TaggedError<IngestBacklogged>()("IngestBacklogged", {
  bufferedRows: Schema.Number,
  retryAfterSec: Schema.Number,
}) {}
