import { Schema } from "effect";

const FieldProblem = Schema.Struct({ field: Schema.String, message: Schema.String });

export class UploadNotFound extends Schema.TaggedError<UploadNotFound>()("UploadNotFound", {
  uploadId: Schema.String,
}) {}

/** A declared upload or a chunk over its limit (413 with the limit). */
export class UploadTooLarge extends Schema.TaggedError<UploadTooLarge>()("UploadTooLarge", {
  what: Schema.Literals(["upload", "chunk"]),
  limit: Schema.Number,
}) {}

/** Chunk n is stored with other bytes: chunks are written once. */
export class ChunkConflict extends Schema.TaggedError<ChunkConflict>()("ChunkConflict", {
  uploadId: Schema.String,
  n: Schema.Number,
  storedSha256: Schema.String,
  sentSha256: Schema.String,
}) {}

/** A new chunk for an upload that was already finalized. */
export class UploadFinalized extends Schema.TaggedError<UploadFinalized>()("UploadFinalized", {
  uploadId: Schema.String,
}) {}

/** The bytes do not add up: size, sha256, missing or corrupted chunks (422 with the fields). */
export class UploadInvalid extends Schema.TaggedError<UploadInvalid>()("UploadInvalid", {
  uploadId: Schema.String,
  fields: Schema.Array(FieldProblem),
}) {}
