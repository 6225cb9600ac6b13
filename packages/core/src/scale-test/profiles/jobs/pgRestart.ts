import { Effect } from "effect";
import type { RunParams } from "../../schema.ts";
import { Infra } from "../../services/infra.ts";
import type { PgRestart } from "./evidence.ts";
import { PG_DOWN_MS } from "./plan.ts";

/**
 * Postgres restarted as the execute step starts, the first wave's jobs in flight (only
 * where the platform may restart it); undefined when the run did not ask for it.
 */
export const pgRestartStep = Effect.fn("jobsProfile.pgRestart")(function* (params: RunParams) {
  if (!params.restarts?.includes("postgres")) return undefined;
  const infra = yield* Infra;
  if (!infra.restartable.postgres) {
    return { notRun: "the platform may not restart Postgres", window: null } satisfies PgRestart;
  }
  const window = yield* infra.restart("postgres", PG_DOWN_MS);
  return { notRun: null, window } satisfies PgRestart;
});
