import type { Sql } from "@scaleproof/db/client";
import { Counter, Gauge, type Registry } from "prom-client";

/** The part of a postgres.js query object this file relies on (postgres 3.4). */
interface QueryInternals extends Promise<unknown> {
  /** Called once, when the query is handed to the pool (on its first await). */
  handler: (query: QueryInternals) => void;
}

/**
 * postgres.js exposes no pool counters, so they are counted at the edge: `sql` is wrapped
 * in a proxy that sees every query from the moment it is handed to the pool until it is
 * answered, and every transaction (`sql.begin`) from its start to its end, as it holds a
 * connection for that long. Queries inside a transaction run on its connection and are
 * not counted again; LISTEN uses a connection of its own, outside the pool.
 *
 * `waiting` is derived, a lower bound: pool queries beyond the connections left free by
 * transactions cannot each have a connection, so they sit pipelined behind another
 * query or queued for one. Queries that wait while a connection is being opened are
 * not in it.
 */
export const countQueries = (sql: Sql, registry: Registry, poolMax: number): Sql => {
  let inFlight = 0;
  let transactions = 0;
  const queries = new Counter({
    name: "scaleproof_pg_queries_total",
    help: "Queries issued through the instance's pool (outside transactions), by result",
    labelNames: ["result"],
    registers: [registry],
  });
  for (const result of ["ok", "error"]) queries.inc({ result }, 0);
  new Gauge({
    name: "scaleproof_pg_queries_in_flight",
    help: "Queries handed to the pool and not yet answered (running, pipelined or queued)",
    registers: [registry],
    collect() {
      this.set(inFlight);
    },
  });
  new Gauge({
    name: "scaleproof_pg_queries_waiting",
    help: "Lower bound of pool queries without a connection of their own: in flight beyond the pool size less the connections transactions hold",
    registers: [registry],
    collect() {
      this.set(Math.max(0, inFlight - Math.max(0, poolMax - transactions)));
    },
  });
  new Gauge({
    name: "scaleproof_pg_transactions_open",
    help: "Transactions begun and not yet ended (each holds, or waits for, one pool connection)",
    registers: [registry],
    collect() {
      this.set(transactions);
    },
  });
  new Gauge({
    name: "scaleproof_pg_pool_max",
    help: "Connections the pool may open (DB_POOL_MAX)",
    registers: [registry],
  }).set(poolMax);

  const settled = (result: "ok" | "error") => () => {
    inFlight--;
    queries.inc({ result });
  };
  /** Only queries are promises; `sql(values)` helpers used inside templates are not. */
  const track = <T>(value: T): T => {
    if (!(value instanceof Promise)) return value;
    const query = value as unknown as QueryInternals;
    const handler = query.handler;
    if (typeof handler !== "function") return value;
    query.handler = (q) => {
      inFlight++;
      // The base class's then: observes the answer without running the query again.
      Promise.prototype.then.call(q, settled("ok"), settled("error"));
      handler(q);
    };
    return value;
  };
  const begin = async (...args: unknown[]) => {
    transactions++;
    try {
      return await (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args);
    } finally {
      transactions--;
    }
  };
  const unsafe = (...args: Parameters<Sql["unsafe"]>) => track(sql.unsafe(...args));
  return new Proxy(sql, {
    apply: (target, self, args) => track(Reflect.apply(target, self, args)),
    get: (target, key, receiver) => {
      if (key === "begin") return begin;
      if (key === "unsafe") return unsafe;
      return Reflect.get(target, key, receiver);
    },
  });
};
