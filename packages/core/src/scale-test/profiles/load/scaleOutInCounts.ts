import { Effect, Exit } from "effect";
import { Evidence } from "../../services/evidence.ts";

/** The run's Redis `provider_fetch` counter now; null: it could not be read. */
export const redisFetches = Effect.gen(function* () {
  const read = yield* Effect.exit((yield* Evidence).runCounters);
  return Exit.isSuccess(read) ? read.value.provider_fetch : null;
});
