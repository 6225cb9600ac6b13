import { Context, Effect, Layer } from "effect";

/** One progress stream the runner held open, as it ended. */
export interface StreamReport {
  /** The instance that served it (its `x-instance-id`); null if it never connected. */
  readonly instanceId: string | null;
  /** Progress events received. */
  readonly events: number;
  /** It ended before the runner closed it (server end, error, or never connected). */
  readonly dropped: boolean;
  readonly detail: string | null;
}

/** An instance's database query counter (`scaleproof_pg_queries_total`) at one moment. */
export interface QueryReading {
  readonly instanceId: string;
  readonly at: number;
  /** null: the instance did not answer for itself. */
  readonly queries: number | null;
}

/**
 * Long-lived connections to the system under test: the runner's own run-progress
 * subscription (SSE) opened many times through the front door, and each instance's
 * query counter read pinned to it.
 */
export class Streams extends Context.Service<
  Streams,
  {
    /** Opens `count` streams; resolves once each is connected (or has failed to). */
    readonly open: (count: number) => Effect.Effect<void>;
    /** The streams so far, without closing them. */
    readonly reports: Effect.Effect<readonly StreamReport[]>;
    /** Closes every stream the runner still holds; their reports. */
    readonly close: Effect.Effect<readonly StreamReport[]>;
    readonly queries: (instanceIds: readonly string[]) => Effect.Effect<readonly QueryReading[]>;
  }
>()("@scaleproof/core/Streams") {
  /**
   * In memory: streams spread round-robin over two instances, one event per second
   * each; each instance counts one query per second whatever its subscribers (a fan-out).
   */
  static readonly layerTest = Layer.sync(Streams, () => {
    const instances = ["i1", "i2"];
    let opened: { instanceId: string; at: number }[] = [];
    let closedAt: number | null = null;
    const reportsAt = (now: number): StreamReport[] =>
      opened.map((s) => ({
        instanceId: s.instanceId,
        events: 1 + Math.floor(((closedAt ?? now) - s.at) / 1000),
        dropped: false,
        detail: null,
      }));
    return Streams.of({
      open: (count) =>
        Effect.clockWith((c) =>
          Effect.sync(() => {
            const at = c.currentTimeMillisUnsafe();
            closedAt = null;
            opened = Array.from({ length: count }, (_, i) => ({
              instanceId: instances[i % instances.length] as string,
              at,
            }));
          }),
        ),
      reports: Effect.clockWith((c) => Effect.sync(() => reportsAt(c.currentTimeMillisUnsafe()))),
      close: Effect.clockWith((c) =>
        Effect.sync(() => {
          const now = c.currentTimeMillisUnsafe();
          const r = reportsAt(now);
          closedAt = now;
          opened = [];
          return r;
        }),
      ),
      queries: (ids) =>
        Effect.clockWith((c) =>
          Effect.sync(() => {
            const at = c.currentTimeMillisUnsafe();
            return ids.map((instanceId) => ({ instanceId, at, queries: Math.floor(at / 1000) }));
          }),
        ),
    });
  });
}
