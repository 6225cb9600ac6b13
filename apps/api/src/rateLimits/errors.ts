import { Schema } from "effect";

/** A client used up its allowance of an expensive route for this window: come back later. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  /** What was limited: bars reads, backtest enqueues. */
  what: Schema.String,
  limit: Schema.Number,
  windowSec: Schema.Number,
  retryAfterSec: Schema.Number,
}) {}
