import { responsesOf, sampleFailures } from "../../answers.ts";
import { atLeast, check, equals } from "../../check.ts";
import type { Answer } from "../../data.ts";
import type { Check } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import type { DbProfileEvidence } from "./evidence.ts";

const below = (max: number) => (a: Check["actual"]) => typeof a === "number" && a < max;
const failedOf = (answers: readonly Answer[], ok: number) =>
  answers.filter((a) => a._tag === "Unreachable" || a.response.status !== ok);
export const p95Of = (answers: readonly Answer[], ok: number) =>
  percentile(
    responsesOf(answers)
      .filter((r) => r.status === ok)
      .map((r) => r.durationMs),
    95,
  );
export const worst = (xs: readonly (number | null)[]): number | null =>
  xs.some((x) => x === null) || xs.length === 0 ? null : round(Math.max(...(xs as number[])));
const SERIALIZATION = /SERIALIZ|DEADLOCK|40001|40P01/i;

/** The creation bursts: fast, complete, free of deadlocks and serialization failures, on two instances. */
export const creationChecks = (ev: DbProfileEvidence): Check[] => {
  const bursts = ev.rounds.map((r) => r.creations);
  const answers = bursts.flatMap((b) => b.answers);
  const failed = failedOf(answers, 202);
  const serialization = responsesOf(failed).filter((r) =>
    SERIALIZATION.test(r.errorCode ?? ""),
  ).length;
  const instances = new Set(
    responsesOf(answers)
      .filter((r) => r.status === 202)
      .map((r) => r.instanceId),
  );
  const want = Math.min(2, ev.expected ?? 2);
  const g = ev.gates;
  const rounds = bursts.length > 1 ? `, worst of ${bursts.length} rounds` : "";
  return [
    check(
      "creations",
      "creations.failures",
      "= 0",
      failed.length,
      equals(0),
      sampleFailures(failed),
    ),
    check(
      "creations",
      "creations.p95_ms",
      `< ${g.creationP95Ms}`,
      worst(bursts.map((b) => p95Of(b.answers, 202))),
      below(g.creationP95Ms),
      `${g.creations} at once${rounds}`,
    ),
    check(
      "creations",
      "creations.within_s",
      `<= ${g.creationWithinS}`,
      worst(bursts.map((b) => b.wallMs / 1000)),
      (a) => typeof a === "number" && a <= g.creationWithinS,
      "first send to last answer",
    ),
    check(
      "creations",
      "creations.deadlocks",
      "= 0",
      bursts.reduce((a, b) => a + b.deadlocks, 0),
      equals(0),
      "pg_stat_database.deadlocks during the bursts",
    ),
    check(
      "creations",
      "creations.serialization_failures",
      "= 0",
      serialization,
      equals(0),
      "answers naming a serialization failure or deadlock",
    ),
    check(
      "creations",
      "creations.instances",
      `>= ${want}`,
      instances.size,
      atLeast(want),
      [...instances].sort().join(", ") || undefined,
    ),
  ];
};

/** The cold read bursts: fast, complete and really cold. */
export const coldReadChecks = (ev: DbProfileEvidence): Check[] => {
  const bursts = ev.rounds.map((r) => r.coldReads);
  const answers = bursts.flatMap((b) => b.answers);
  const failed = failedOf(answers, 200);
  const cold = responsesOf(answers).filter((r) => r.status === 200 && r.cache === "MISS").length;
  const g = ev.gates;
  const rounds = bursts.length > 1 ? `, worst of ${bursts.length} rounds` : "";
  return [
    check(
      "cold-reads",
      "cold_reads.failures",
      "= 0",
      failed.length,
      equals(0),
      sampleFailures(failed),
    ),
    check(
      "cold-reads",
      "cold_reads.cold",
      `= ${answers.length} (every read a MISS on its own key)`,
      cold,
      equals(answers.length),
    ),
    check(
      "cold-reads",
      "cold_reads.p95_ms",
      `< ${g.coldReadP95Ms}`,
      worst(bursts.map((b) => p95Of(b.answers, 200))),
      below(g.coldReadP95Ms),
      `${g.coldReads} at once${rounds}`,
    ),
  ];
};
