import { Cause, Clock, Effect, Exit } from "effect";
import type { BarsRange } from "../../data.ts";
import { Scaler } from "../../services/scaler.ts";
import type { ScaleHold, ScaleOutInEvidence } from "./evidence.ts";
import { redisFetches } from "./scaleOutInCounts.ts";
import { holdLeases } from "./scaleOutInHold.ts";

export type { ScaleOutInEvidence };

/** Into the sustained level: add at 20 % of it, stop at 70 % (or at once, if the add took longer). */
export const ADD_AT = 0.2;
export const STOP_AT = 0.7;

const reason = (cause: Cause.Cause<unknown>) => {
  const e = Cause.squash(cause);
  return e instanceof Error ? e.message : String(e);
};

/** What the steps during the level leave: the job and fetch evidence is read after it (scaleOutInAfter.ts). */
export type ScaleSteps = Pick<
  ScaleOutInEvidence,
  "added" | "addedAt" | "stopped" | "stoppedAt" | "error"
> & {
  readonly hold: ScaleHold | null;
  /** The run's Redis `provider_fetch` counter as the level began (null: unreadable). */
  readonly redisBefore: number | null;
};

/**
 * Runs alongside the sustained level: the add; at the stop's time, jobs that hold leases
 * (the added instance's among them, bounded wait), then the graceful stop while they
 * still hold them; with their times.
 */
export const scaleOutIn = Effect.fn("loadProfile.scaleOutIn")(function* (
  durationMs: number,
  bars: Pick<BarsRange, "symbol" | "tf">,
) {
  const scaler = yield* Scaler;
  // First, before the level's first new key can be fetched: its first arrival is a
  // Poisson offset away, and a fetch is counted only after that request reached an
  // instance and missed. Were a fetch counted before this read, the Redis count would
  // fall short of the events and the fetch check FAIL: never a PASS by mistake.
  const redisBefore = yield* redisFetches;
  const start = yield* Clock.currentTimeMillis;
  yield* Effect.sleep(Math.round(durationMs * ADD_AT));
  const added = yield* Effect.exit(scaler.add);
  if (Exit.isFailure(added)) {
    return {
      added: null,
      addedAt: null,
      stopped: null,
      stoppedAt: null,
      error: `scale-out: ${reason(added.cause)}`,
      hold: null,
      redisBefore,
    } satisfies ScaleSteps;
  }
  const addedAt = yield* Clock.currentTimeMillis;
  const wait = start + Math.round(durationMs * STOP_AT) - addedAt;
  if (wait > 0) yield* Effect.sleep(wait);
  // the upstream stays slow for the held jobs until the stop has ended
  const [hold, stopped] = yield* Effect.scoped(
    Effect.gen(function* () {
      const hold = yield* holdLeases(added.value, bars.symbol, bars.tf);
      return [hold, yield* Effect.exit(scaler.stop(added.value))] as const;
    }),
  );
  const stoppedAt = yield* Clock.currentTimeMillis;
  return (
    Exit.isFailure(stopped)
      ? {
          added: added.value,
          addedAt,
          stopped: null,
          stoppedAt: null,
          error: `scale-in: ${reason(stopped.cause)}`,
          hold,
          redisBefore,
        }
      : {
          added: added.value,
          addedAt,
          stopped: added.value,
          stoppedAt,
          error: null,
          hold,
          redisBefore,
        }
  ) satisfies ScaleSteps;
});
