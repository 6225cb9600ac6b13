import type { Sql } from "@scaleproof/db/client";
import {
  type BarsRequestEvent,
  insertBarsRequestEvents,
} from "@scaleproof/db/queries/insertBarsRequestEvents";
import type { Logger } from "pino";
import { dependencyDown } from "../edge/dependencies.ts";

/** While Postgres is down, at most this many events wait in memory; retried this often. */
const MAX_BUFFERED = 50_000;
const RETRY_MS = 1_000;

/**
 * Persists bars request events in batches, off the request path: a HIT never waits
 * for Postgres. `flush()` drains everything (on shutdown, and before evidence is read).
 */
export class BarsEventSink {
  #buffer: BarsRequestEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  private readonly sql: Sql;
  private readonly log: Logger;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  constructor(sql: Sql, log: Logger, maxBatch: number = 200, maxDelayMs: number = 50) {
    this.sql = sql;
    this.log = log;
    this.maxBatch = maxBatch;
    this.maxDelayMs = maxDelayMs;
  }

  push(event: BarsRequestEvent): void {
    this.#buffer.push(event);
    if (this.#buffer.length >= this.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.maxDelayMs);
  }

  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#writing = this.#writing.then(async () => {
      if (batch.length === 0) return;
      try {
        await insertBarsRequestEvents(this.sql, batch);
      } catch (error) {
        if (!dependencyDown(error)) {
          this.log.error(
            { err: error, lost: batch.length },
            "could not persist bars request events",
          );
          return;
        }
        // Postgres is down: keep the events (bounded) and try again shortly, so a short
        // outage loses no evidence.
        const kept = [...batch, ...this.#buffer];
        const lost = Math.max(0, kept.length - MAX_BUFFERED);
        this.#buffer = kept.slice(lost);
        if (lost > 0)
          this.log.error({ lost }, "bars request events dropped: Postgres down too long");
        this.#timer ??= setTimeout(() => void this.flush(), RETRY_MS);
      }
    });
    return this.#writing;
  }
}
