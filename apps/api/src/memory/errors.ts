import { Schema } from "effect";

/** A heavy request refused because this instance sheds load (memory or event-loop pressure). */
export class MemoryPressure extends Schema.TaggedError<MemoryPressure>()("MemoryPressure", {
  message: Schema.String,
  retryAfterSec: Schema.Number,
}) {}
