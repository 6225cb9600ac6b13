import { Schema } from "effect";

/** An idempotency key reused with different parameters: the key already names another job. */
export class IdempotencyConflict extends Schema.TaggedError<IdempotencyConflict>()(
  "IdempotencyConflict",
  { idempotencyKey: Schema.String, jobId: Schema.String },
) {}
