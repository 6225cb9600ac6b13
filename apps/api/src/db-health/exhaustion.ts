import type { Sql } from "@scaleproof/db/client";
import postgres from "postgres";
import { Counter, type Registry } from "prom-client";

export type ExhaustionKind = "connect_timeout" | "too_many_connections";

/**
 * The pool could not get a connection: postgres.js gave up connecting
 * (DB_CONNECT_TIMEOUT_S), or Postgres refused one (53300: max_connections reached, or the
 * rest reserved for superusers). Both are also "Postgres is down" at the edge
 * (edge/dependencies.ts); here they are counted as what they are.
 */
export const poolExhaustionOf = (error: unknown): ExhaustionKind | undefined => {
  if (error instanceof postgres.PostgresError) {
    return error.code === "53300" ? "too_many_connections" : undefined;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return code === "CONNECT_TIMEOUT" ? "connect_timeout" : undefined;
};

/** Pool-exhaustion events of this process, by kind, and who wants to hear of each. */
export class PoolExhaustion {
  readonly counts: Record<ExhaustionKind, number> = {
    connect_timeout: 0,
    too_many_connections: 0,
  };
  lastAt: number | null = null;
  readonly #listeners = new Set<(kind: ExhaustionKind) => void>();
  readonly #seen = new WeakSet<object>();
  readonly #counter: Counter<"kind">;

  constructor(registry: Registry) {
    this.#counter = new Counter({
      name: "scaleproof_pg_pool_exhaustion_total",
      help: "Queries that got no connection: connect timeouts and 53300 too many connections",
      labelNames: ["kind"],
      registers: [registry],
    });
    for (const kind of ["connect_timeout", "too_many_connections"]) this.#counter.inc({ kind }, 0);
  }

  /** One failed connection rejects every query queued on it with the same error: one event. */
  observe(error: unknown): void {
    const kind = poolExhaustionOf(error);
    if (!kind || (typeof error === "object" && error !== null && this.#seen.has(error))) return;
    if (typeof error === "object" && error !== null) this.#seen.add(error);
    this.counts[kind]++;
    this.lastAt = Date.now();
    this.#counter.inc({ kind });
    for (const l of this.#listeners) l(kind);
  }

  onEvent(listener: (kind: ExhaustionKind) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

const trackers = new WeakMap<object, PoolExhaustion>();

/** The tracker `watchPoolExhaustion` attached to this `sql`. */
export const exhaustionTracker = (sql: Sql): PoolExhaustion | undefined => trackers.get(sql);

/**
 * `sql` with every query's failure looked at (never its success, never run twice: the
 * rejection is observed through the base Promise's `then`, which does not start a
 * postgres.js query). Transactions are observed as a whole (`begin` fails when it gets no
 * connection). Counting queries stays with metrics/postgres.ts.
 */
export const watchPoolExhaustion = (sql: Sql, registry: Registry): Sql => {
  const events = new PoolExhaustion(registry);
  const observe = <T>(value: T): T => {
    if (value instanceof Promise) {
      Promise.prototype.then.call(value, undefined, (error: unknown) => events.observe(error));
    }
    return value;
  };
  const watched = new Proxy(sql, {
    apply: (target, self, args) => observe(Reflect.apply(target, self, args)),
    get: (target, key, receiver) => {
      const value = Reflect.get(target, key, receiver);
      if ((key === "begin" || key === "unsafe") && typeof value === "function") {
        return (...args: unknown[]) => observe((value as (...a: unknown[]) => unknown)(...args));
      }
      return value;
    },
  });
  trackers.set(watched, events);
  return watched;
};
