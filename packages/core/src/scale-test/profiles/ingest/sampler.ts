import { Duration, Effect, Schedule } from "effect";
import { Ingest } from "../../services/ingest.ts";
import type { IngestStatsSample } from "./data.ts";
import type { Seen } from "./level.ts";

/**
 * Every `everyMs`, each instance seen so far is asked for its buffer and flush stats,
 * pinned to it; what comes back is appended to `into` (an answer from another instance,
 * the balancer's fallback for a downed one, is dropped by the service). Runs until
 * interrupted.
 */
export const sampleStats = (seen: Seen, into: IngestStatsSample[], everyMs: number) =>
  Ingest.use((ingest) =>
    // Suspended: the instances seen are read again at every tick.
    Effect.suspend(() =>
      Effect.forEach([...seen.keys()], ingest.stats, { concurrency: "unbounded" }),
    ).pipe(
      Effect.tap((samples) =>
        Effect.sync(() => {
          for (const s of samples) if (s !== null) into.push(s);
        }),
      ),
      Effect.repeat(Schedule.spaced(Duration.millis(everyMs))),
    ),
  );
