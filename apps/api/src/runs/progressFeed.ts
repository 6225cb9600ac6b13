import { isTerminal } from "@scaleproof/core/scale-test/schema";
import { getScaleTestRun } from "@scaleproof/db/queries/getScaleTestRun";
import type { ScaleTestRunRow } from "@scaleproof/db/queries/scaleTestRunRow";
import type { InstanceDeps } from "../deps.ts";
import { duplicateSubscriber } from "../redis/client.ts";

/** Published (message: the run id) whenever a run's row changed: progress, checks, its end. */
export const runChangedChannel = (prefix: string) => `${prefix}scale-test:v1:run-changed`;

/** Without a note (Redis down, a lost message), watched runs are re-read this often. */
export const SAFETY_POLL_MS = 2_000;

/** Tells every instance's feed that a run changed; never fails the caller (Redis may be down). */
export const publishRunChanged = (deps: Pick<InstanceDeps, "redis" | "env">, runId: string) =>
  deps.redis.publish(runChangedChannel(deps.env.CACHE_KEY_PREFIX), runId).then(
    () => undefined,
    () => undefined,
  );

const stampOf = (row: ScaleTestRunRow) => `${row.updated_at.toISOString()}:${row.status}`;

type Listener = (row: ScaleTestRunRow | null) => void;

/**
 * One watched run on this instance: its row is read once per change note (or safety
 * poll) however many subscribers it has, and each read is handed to all of them.
 */
class Watch {
  readonly listeners = new Set<Listener>();
  latest: ScaleTestRunRow | null | undefined;
  #dirty = true;
  #reading = false;
  #timer: NodeJS.Timeout | undefined;

  private readonly read: () => Promise<ScaleTestRunRow | null>;
  private readonly onIdle: () => void;
  constructor(read: () => Promise<ScaleTestRunRow | null>, onIdle: () => void) {
    this.read = read;
    this.onIdle = onIdle;
  }

  /** A note (or the safety poll): read again, once, after any read in progress. */
  poke(): void {
    this.#dirty = true;
    if (!this.#reading) void this.#refresh();
  }

  async #refresh(): Promise<void> {
    this.#reading = true;
    clearTimeout(this.#timer);
    while (this.#dirty && this.listeners.size > 0) {
      this.#dirty = false;
      const row = await this.read().catch(() => undefined); // a failed read waits for the next poke
      if (row === undefined) continue;
      if (
        this.latest === undefined ||
        row === null ||
        this.latest === null ||
        stampOf(row) !== stampOf(this.latest)
      ) {
        this.latest = row;
        for (const l of this.listeners) l(row);
      }
      if (row === null || isTerminal(row.status)) {
        this.listeners.clear();
      }
    }
    this.#reading = false;
    if (this.listeners.size === 0) this.onIdle();
    else this.#timer = setTimeout(() => this.poke(), SAFETY_POLL_MS);
  }

  close(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * The run-progress fan-out of one instance: one Redis subscription (on a connection of
 * its own, opened on first use) and one row read per change per watched run, shared by
 * every progress subscriber on this instance. Postgres load does not grow with subscribers.
 */
export class ProgressFeed {
  readonly #watches = new Map<string, Watch>();
  /** Settles once the SUBSCRIBE is answered. */
  readonly subscribed: Promise<unknown>;

  private readonly deps: InstanceDeps;
  constructor(deps: InstanceDeps) {
    this.deps = deps;
    const channel = runChangedChannel(deps.env.CACHE_KEY_PREFIX);
    const subscriber = duplicateSubscriber(deps.redis, `${deps.identity.instanceId}:progress`);
    subscriber.on("error", () => {}); // reconnects by itself; the safety poll covers the gap
    subscriber.on("message", (ch: string, runId: string) => {
      if (ch === channel) this.#watches.get(runId)?.poke();
    });
    this.subscribed = subscriber.subscribe(channel).catch(() => undefined);
  }

  /** Subscribers currently watching, over all runs (for tests and health). */
  get subscribers(): number {
    let n = 0;
    for (const w of this.#watches.values()) n += w.listeners.size;
    return n;
  }

  /**
   * The run's row now and at every change until it ends (`null`: there is no such run).
   * Ends when the run is terminal or `signal` aborts.
   */
  async *watch(runId: string, signal?: AbortSignal): AsyncGenerator<ScaleTestRunRow | null> {
    let watch = this.#watches.get(runId);
    if (!watch) {
      const created = new Watch(
        () => getScaleTestRun(this.deps.sql, runId),
        () => {
          created.close();
          if (this.#watches.get(runId) === created) this.#watches.delete(runId);
        },
      );
      watch = created;
      this.#watches.set(runId, watch);
    }
    const queue: (ScaleTestRunRow | null)[] = [];
    let wake: (() => void) | undefined;
    const listener: Listener = (row) => {
      queue.push(row);
      wake?.();
    };
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    const w = watch;
    w.listeners.add(listener);
    if (w.latest !== undefined) queue.push(w.latest);
    else w.poke();
    try {
      for (;;) {
        while (queue.length > 0) {
          const row = queue.shift() as ScaleTestRunRow | null;
          yield row;
          if (row === null || isTerminal(row.status)) return;
        }
        if (signal?.aborted) return;
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      w.listeners.delete(listener);
    }
  }
}

const feeds = new WeakMap<InstanceDeps, ProgressFeed>();

/** This instance's feed, opened on the first progress subscription. */
export const progressFeedOf = (deps: InstanceDeps): ProgressFeed => {
  let feed = feeds.get(deps);
  if (!feed) {
    feed = new ProgressFeed(deps);
    feeds.set(deps, feed);
  }
  return feed;
};
