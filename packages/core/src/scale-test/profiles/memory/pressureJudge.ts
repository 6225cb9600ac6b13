import { describeAnswer } from "../../answers.ts";
import { check, type ProfileResult } from "../../check.ts";
import type { Answer, MemoryPoint } from "../../data.ts";
import { measured } from "../../metrics/split.ts";
import { round } from "../../stats.ts";
import type { PressureEvidence } from "./evidence.ts";
import { MORE_REQUESTS } from "./plan.ts";
import { isServed, isShed } from "./soak.ts";

const proven = (a: unknown) => typeof a === "string" && !a.startsWith("not proven");

/**
 * Shedding under pressure, and recovery, from the pressure step's evidence: FAIL as "not
 * proven" when no pressure was applied or it never reached the shedding line.
 */
export const judgePressure = (
  p: PressureEvidence,
  samples: readonly MemoryPoint[],
): ProfileResult => {
  const id = p.instanceId;
  const mine = samples.filter((s) => s.instanceId === id);
  const armedAt = p.armedAt ?? Number.POSITIVE_INFINITY;
  const releasedAt = p.releasedAt ?? Number.POSITIVE_INFINITY;
  const before = mine.filter((s) => s.at < armedAt).at(-1)?.bootId ?? mine[0]?.bootId;
  const since = mine.filter((s) => s.at >= armedAt);
  const held = since.filter((s) => s.at <= releasedAt);
  const boots = [...new Set(since.map((s) => s.bootId))].filter((b) => b !== before);
  const sameBoot = before !== undefined && boots.length === 0;
  const fromIt = (a: Answer) => a._tag === "Answered" && a.response.instanceId === id;
  const shed = p.during.filter((a) => isShed(a) && fromIt(a)).length;
  // unreachable answers carry no instance: a dying instance drops its connections
  const broken = [...p.during, ...p.after].filter(
    (a) => !isServed(a) && !isShed(a) && (a._tag === "Unreachable" || fromIt(a)),
  );
  const peak = Math.max(0, ...held.map((s) => s.pressure));
  const reached = shed > 0 || held.some((s) => s.shedding);
  const lightOk = p.light.length > 0 && p.light.every(isServed);
  const stopped = mine.some((s) => s.at >= releasedAt && !s.shedding);
  // the last heavy requests after the release were all served by it
  const tail = p.after.slice(-MORE_REQUESTS);
  const serving = tail.length === MORE_REQUESTS && tail.every((a) => isServed(a) && fromIt(a));

  const notProven =
    p.notApplied !== null
      ? `not proven: ${p.notApplied}`
      : reached
        ? null
        : `not proven: pressure never reached the shedding line on ${id} (peak ${round(peak, 3)})`;
  const bootNote = sameBoot ? "same boot" : `boot changed (${boots.join(", ") || "unknown"})`;
  const sheds = check(
    "pressure",
    "memory.sheds_instead_of_crashing",
    "ballast on an instance other than the runner's: 503 MEMORY_PRESSURE served, health answered, same boot id, no failed request",
    notProven ??
      `${id}: ${shed} shed, ${broken.length} failed, health ${lightOk ? "answered" : "not answered"}, ${bootNote}`,
    (a) => proven(a) && shed > 0 && broken.length === 0 && lightOk && sameBoot,
    broken.length ? broken.slice(0, 5).map(describeAnswer).join("; ") : undefined,
  );
  const recovers = check(
    "pressure",
    "memory.recovers_after_pressure",
    "ballast released: shedding stops and heavy requests succeed again, same boot id",
    notProven ??
      `${id}: ${stopped ? "shedding stopped" : "still shedding"}, ${serving ? "serving again" : "not serving"}, ${bootNote}`,
    (a) => proven(a) && stopped && serving && sameBoot,
  );
  return {
    checks: [sheds, recovers],
    notes: id === null ? {} : { "pressure.instance": id },
    metrics: measured({
      "pressure.peak_ratio": round(peak, 3),
      "pressure.shed_503_count": shed,
      "pressure.recovery_ms":
        p.releasedAt === null || !stopped
          ? null
          : Math.max(
              0,
              (mine.find((s) => s.at >= releasedAt && !s.shedding)?.at ?? 0) - p.releasedAt,
            ),
    }),
  };
};
