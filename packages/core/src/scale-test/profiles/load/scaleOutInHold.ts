import { Array as Arr, Clock, Effect } from "effect";
import type { BarsRange } from "../../data.ts";
import { pollUntil } from "../../poll.ts";
import { Evidence } from "../../services/evidence.ts";
import { Load } from "../../services/load.ts";
import { Target } from "../../services/target.ts";
import { enqueueOne } from "../jobs/enqueue.ts";
import type { ScaleHold } from "./evidence.ts";

/** Backtests enqueued to hold leases: more than two instances' job slots (2 each by default). */
export const HOLD_JOBS = 6;
/**
 * How long their bars fetch takes (replay upstream): the stop must come while it lasts,
 * on a busy machine too (a stopping worker does not wait for the bars: it hands back at once).
 */
export const HOLD_FETCH_MS = 8_000;
/** How long the runner waits for the added instance to hold a job lease before stopping it anyway. */
export const HOLD_WAIT_MS = 5_000;

/**
 * A 3-hour window: the load's new keys are 15 min to 2 h 15 long and its cached keys a
 * whole 6 h 30 session, so no other request of the run asks for this one.
 */
const holdRange = (symbol: string, tf: BarsRange["tf"]): BarsRange => ({
  symbol,
  tf,
  start: "2013-10-09T14:00:00.000Z",
  end: "2013-10-09T17:00:00.000Z",
});

const idOf = (json: unknown): string | null =>
  typeof json === "object" && json !== null && "id" in json && typeof json.id === "string"
    ? json.id
    : null;

/**
 * Makes the stop hand a lease back (issue 14 #5): backtests on a range dropped from the
 * cache whose fetch the upstream slows (until the caller's scope closes), so whichever
 * instances claim them hold their leases for the fetch; then the added instance's
 * jobs-active gauge is polled until it holds one (bounded). Runs in the caller's scope:
 * the stop must come while the fetch is still slow.
 */
export const holdLeases = Effect.fn("loadProfile.holdLeases")(function* (
  added: string,
  symbol: string,
  tf: BarsRange["tf"],
) {
  const evidence = yield* Evidence;
  const load = yield* Load;
  const runId = (yield* Target).runId;
  const range = holdRange(symbol, tf);
  const began = yield* Clock.currentTimeMillis;
  // not cached (an earlier run's fill), or the held jobs would not fetch at all
  yield* Effect.ignore(evidence.forgetBars(range));
  const slowed = yield* evidence.slowFetches(range, HOLD_FETCH_MS);
  const enqueued = yield* Effect.forEach(
    Arr.range(1, HOLD_JOBS),
    (i) =>
      Effect.result(
        enqueueOne({
          ...range,
          fast: 5 + i,
          slow: 30 + i,
          maxAttempts: 3,
          idempotencyKey: `${runId}:scale-hold:${i}`,
        }),
      ),
    { concurrency: "unbounded" },
  );
  const jobs = Arr.getSuccesses(enqueued).flatMap((r) => {
    const id = r.status === 202 ? idOf(r.json) : null;
    return id === null ? [] : [id];
  });
  const active = (ps: readonly { instanceId: string; jobsActive: number | null }[]) =>
    ps.find((p) => p.instanceId === added)?.jobsActive ?? null;
  const last = yield* pollUntil(
    load.probe([added]),
    (ps) => (active(ps) ?? 0) >= 1,
    "100 millis",
    `${HOLD_WAIT_MS} millis`,
  );
  const waitedMs = (yield* Clock.currentTimeMillis) - began;
  return { jobs, slowed, activeAtStop: active(last), waitedMs } satisfies ScaleHold;
});
