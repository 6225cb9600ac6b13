import { atMost, check, equals, type ProfileResult } from "../check.ts";
import type { PgSettings } from "../dbData.ts";
import { measured } from "../metrics/split.ts";
import type { Check } from "../schema.ts";
import { LISTENER, type PreflightEvidence, SPARE } from "./evidence.ts";

/** The connection budget: what the instances may open against what the server allows. */
export interface Budget {
  readonly instances: number;
  readonly needed: number;
  readonly available: number;
  /** `2 instances x (pool 10 + 1 listener + 1 spare) = 24` */
  readonly sum: string;
  /** `max_connections 100 - superuser_reserved_connections 3 - margin 5 = 92` */
  readonly limit: string;
}

/**
 * Every expected instance counts, seen or not: an instance whose pool was not read is
 * counted with the largest pool seen (else the runner's own).
 */
export const budgetOf = (ev: PreflightEvidence, settings: PgSettings): Budget => {
  const instances = Math.max(ev.expected ?? 0, ev.instances.length);
  const maxes = ev.pools.map((p) => p.max);
  const fallback = Math.max(settings.runnerPoolMax, ...maxes);
  const all = [
    ...maxes,
    ...Array.from({ length: Math.max(0, instances - maxes.length) }, () => fallback),
  ];
  const needed = all.reduce((a, max) => a + max + LISTENER + SPARE, 0);
  const distinct = [...new Set(all)];
  const sum =
    distinct.length === 1
      ? `${instances} instance${instances === 1 ? "" : "s"} x (pool ${distinct[0]} + ${LISTENER} listener + ${SPARE} spare) = ${needed}`
      : `${all.map((m) => `(${m} + ${LISTENER + SPARE})`).join(" + ")} = ${needed}`;
  const reserved = settings.reserved > 0 ? ` - reserved_connections ${settings.reserved}` : "";
  const available =
    settings.maxConnections - settings.superuserReserved - settings.reserved - ev.margin;
  return {
    instances,
    needed,
    available,
    sum,
    limit: `max_connections ${settings.maxConnections} - superuser_reserved_connections ${settings.superuserReserved}${reserved} - margin ${ev.margin} = ${available}`,
  };
};

export interface PreflightVerdict {
  readonly result: ProfileResult;
  /** Why the run is refused (every failed rule with its numbers); null: it may go ahead. */
  readonly refused: string | null;
}

/**
 * The rules every run must pass before it sends traffic: every expected instance reached
 * through the balancer and healthy, Postgres reachable from the runner, and the cluster's
 * connections within what Postgres allows.
 */
export const judgePreflight = (ev: PreflightEvidence): PreflightVerdict => {
  const ids = ev.instances.map((i) => i.instanceId).sort();
  const unhealthy = ev.instances.filter((i) => i.status !== 200);
  const problems = [
    ...unhealthy.map((i) => `${i.instanceId} answers /ops/health ${i.status}`),
    ...(ev.settings === null ? ["the runner cannot read Postgres"] : []),
  ];
  const budget = ev.settings === null ? null : budgetOf(ev, ev.settings);
  const checks: Check[] = [
    check(
      "preflight",
      "preflight.instances_reachable",
      ev.expected === null
        ? ">= 1 (instance count unknown)"
        : `>= ${ev.expected} (CLUSTER_INSTANCES)`,
      ids.length,
      (a) => typeof a === "number" && a >= Math.max(1, ev.expected ?? 1),
      `${ids.join(", ") || "none"} in ${ev.probes} probes through the balancer${ev.unreachable ? `, ${ev.unreachable} unanswered` : ""}`,
    ),
    check(
      "preflight",
      "preflight.dependencies",
      "= 0 (Redis and Postgres reachable from every instance and the runner)",
      problems.length,
      equals(0),
      problems.join("; ") || undefined,
    ),
    check(
      "preflight",
      "preflight.connection_budget",
      budget ? `<= ${budget.available} (${budget.limit})` : "<= max_connections - reserve",
      budget ? budget.needed : null,
      budget ? atMost(budget.available) : () => false,
      budget ? budget.sum : "not measured: Postgres's settings could not be read",
    ),
  ];
  const failed = checks.filter((c) => !c.pass);
  return {
    result: {
      checks,
      metrics: measured({
        "preflight.instances_seen_count": ids.length,
        "preflight.connections_needed_count": budget?.needed ?? null,
        "preflight.connections_available_count": budget?.available ?? null,
        "pg.max_connections_count": ev.settings?.maxConnections ?? null,
      }),
    },
    refused: failed.length
      ? `refused by the preflight: ${failed.map((c) => `${c.name} ${c.actual ?? "unknown"}, expected ${c.expected}${c.detail ? ` (${c.detail})` : ""}`).join("; ")}`
      : null,
  };
};

/** Zero pool-exhaustion events over the run, from the cluster's own counters. */
export const judgeExhaustion = (before: number | null, after: number | null): ProfileResult => {
  const delta = before === null || after === null ? null : after - before;
  return {
    checks: [
      check(
        "pool",
        "pool.exhaustion_events",
        "= 0 (connect timeouts, 53300 too many connections)",
        delta,
        equals(0),
        delta === null
          ? "not measured: the counters could not be read"
          : "every instance, every boot",
      ),
    ],
    metrics: measured({ "pool.exhaustion_events_count": delta }),
  };
};
