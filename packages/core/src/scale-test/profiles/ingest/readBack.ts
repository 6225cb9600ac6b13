import { Duration, Effect } from "effect";
import { pollUntil } from "../../poll.ts";
import { Ingest } from "../../services/ingest.ts";
import type { StoredSnapshot } from "./data.ts";
import type { Seen } from "./level.ts";
import { DRAIN_WAIT_MS } from "./plan.ts";

/** Until no instance has anything waiting in its buffer (bounded): what waits now is not lost yet. */
const buffersDrained = (seen: Seen) =>
  Ingest.use((ingest) =>
    pollUntil(
      Effect.suspend(() =>
        Effect.forEach([...seen.keys()], ingest.stats, { concurrency: "unbounded" }),
      ),
      (samples) => samples.every((s) => s !== null && s.rows === 0),
      "250 millis",
      Duration.millis(DRAIN_WAIT_MS),
    ),
  );

/**
 * The run's rows once every buffer has drained, read until their count holds across
 * `settleMs`: an acknowledgement that is not stored then was lost, not late.
 */
export const settledRows = (seen: Seen, ids: readonly string[], settleMs: number) =>
  Effect.gen(function* () {
    const ingest = yield* Ingest;
    yield* buffersDrained(seen);
    let rows: readonly StoredSnapshot[] = yield* ingest.stored(ids);
    for (let i = 0; i < 10; i++) {
      yield* Effect.sleep(Duration.millis(settleMs));
      const again = yield* ingest.stored(ids);
      if (again.length === rows.length) return again;
      rows = again;
    }
    return rows;
  });
