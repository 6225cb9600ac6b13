import { Schema } from "effect";

/** A heartbeat found the lease gone: another worker owns the job now; stop working on it. */
export class LeaseLost extends Schema.TaggedError<LeaseLost>()("LeaseLost", {
  jobId: Schema.String,
  attempt: Schema.Number,
  owner: Schema.String,
}) {}

/** A completion was fenced off: this attempt no longer holds the lease, its result is not stored. */
export class LeaseConflict extends Schema.TaggedError<LeaseConflict>()("LeaseConflict", {
  jobId: Schema.String,
  attempt: Schema.Number,
  owner: Schema.String,
}) {}
