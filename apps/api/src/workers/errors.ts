import { Schema } from "effect";

/** The cluster-wide cap on pending jobs (queued + running) is reached: come back later. */
export class QueueFull extends Schema.TaggedError<QueueFull>()("QueueFull", {
  pending: Schema.Number,
  cap: Schema.Number,
  retryAfterSec: Schema.Number,
}) {}
