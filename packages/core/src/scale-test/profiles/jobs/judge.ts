import type { ExecutionEvent } from "../../../jobs/events.ts";
import { checkHistory, type HistoryVerdict } from "../../../jobs/history.ts";
import { atLeast, check, equals, type ProfileResult } from "../../check.ts";
import { measured } from "../../metrics/split.ts";
import type { Check } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import type { JobsEvidence, Restart } from "./evidence.ts";
import { judgePgRestart, streamed } from "./pgRestartJudge.ts";

const rounded = (n: number | null) => (n === null ? null : round(n));
const started = (e: ExecutionEvent) => e.kind === "start";

const NOT_ARMED = "no: fault injection is disabled on this deployment";

/** Per accepted finish: time from its attempt's start. */
const executionMs = (events: readonly ExecutionEvent[]): number[] => {
  const starts = new Map(events.filter(started).map((e) => [`${e.jobId}:${e.attempt}`, e.at]));
  return events
    .filter((e) => e.kind === "finish")
    .flatMap((f) => {
      const s = starts.get(`${f.jobId}:${f.attempt}`);
      return s === undefined ? [] : [f.at - s];
    });
};

/** Attempts that never ended (their instance died with them) and were retried: a crash's mark. */
export const orphanedAttempts = (events: readonly ExecutionEvent[]): ExecutionEvent[] => {
  const ended = new Set(events.filter((e) => !started(e)).map((e) => `${e.jobId}:${e.attempt}`));
  const startedKeys = new Set(events.filter(started).map((e) => `${e.jobId}:${e.attempt}`));
  return events.filter(
    (e) =>
      started(e) &&
      !ended.has(`${e.jobId}:${e.attempt}`) &&
      startedKeys.has(`${e.jobId}:${e.attempt + 1}`),
  );
};

/** Finishes by an attempt a later attempt had already taken over: a zombie's result accepted. */
export const lateFinishes = (events: readonly ExecutionEvent[]): ExecutionEvent[] => {
  const starts = new Set(events.filter(started).map((e) => `${e.jobId}:${e.attempt}`));
  return events.filter((e) => e.kind === "finish" && starts.has(`${e.jobId}:${e.attempt + 1}`));
};

/** What became of the stalled worker's late completion, in words. */
const zombieDetail = (events: readonly ExecutionEvent[], rejected: number, crash: boolean) => {
  const late = lateFinishes(events)[0];
  const fenced = events.find((e) => e.kind === "completion_rejected");
  if (rejected > 0 && fenced)
    return `the stalled worker's late result was fenced off (job ${fenced.jobId}, attempt ${fenced.attempt} on ${fenced.instanceId})`;
  if (late)
    return `job ${late.jobId}: attempt ${late.attempt} finished after attempt ${late.attempt + 1} took over (a zombie's result accepted: completion is not fenced)`;
  const died = orphanedAttempts(events).length;
  return crash && died > 1
    ? `no late completion arrived: fencing not exercised, not proven (${died} attempts died mid-job: the stalled worker may have died with the crash)`
    : "no late completion arrived: fencing not exercised, not proven";
};

const crashChecks = (events: readonly ExecutionEvent[], restart: Restart | null): Check[] => {
  const orphans = orphanedAttempts(events);
  const first = orphans[0];
  const retry =
    first &&
    events.find((r) => started(r) && r.jobId === first.jobId && r.attempt === first.attempt + 1);
  const fin = first && events.find((r) => r.kind === "finish" && r.jobId === first.jobId);
  const gap =
    retry?.previousLeaseExpiresAt != null
      ? `${retry.at - retry.previousLeaseExpiresAt} ms after the lease expired`
      : "?";
  const retried = check(
    "verify",
    "crash.job_retried_after_lease_expiry",
    ">= 1 job: attempt died with its instance, retried after the lease expired",
    orphans.length,
    atLeast(1),
    first
      ? `job ${first.jobId}: attempt ${first.attempt} on ${first.instanceId} (boot ${first.bootId.slice(0, 8)}) died; attempt ${retry?.attempt} on ${retry?.instanceId} (boot ${retry?.bootId.slice(0, 8)}) started ${gap}; finished by attempt ${fin?.attempt ?? "none"}`
      : "no attempt died mid-job",
  );
  if (!first) return [retried];
  // The platform (or the front door) restarts the machine: same instance id, new boot id.
  const seen = restart?.seenBoot ?? null;
  return [
    retried,
    check(
      "verify",
      "crash.instance_restarted",
      `${first.instanceId} back with a new boot id`,
      seen ? `${first.instanceId} boot ${seen.slice(0, 8)}` : null,
      (a) => a !== null,
      `crashed boot ${first.bootId.slice(0, 8)}`,
    ),
  ];
};

const historyChecks = (v: HistoryVerdict, expected: number): Check[] => {
  const sample = (kinds: readonly string[]) =>
    v.anomalies
      .filter((a) => kinds.includes(a.kind))
      .slice(0, 3)
      .map((a) => `job ${a.jobId}: ${a.detail}`)
      .join("; ") || undefined;
  return [
    check("verify", "jobs.completed", `= ${expected}`, v.completed, equals(expected)),
    check(
      "verify",
      "jobs.duplicates",
      "= 0",
      v.duplicates,
      equals(0),
      sample(["duplicate", "rerun", "double_attempt"]),
    ),
    check("verify", "jobs.lost", "= 0", v.lost, equals(0), sample(["lost"])),
    check("verify", "jobs.overlapping_attempts", "= 0", v.overlaps, equals(0), sample(["overlap"])),
    check(
      "verify",
      "jobs.retry_before_lease_expired",
      "= 0",
      v.earlyRetries,
      equals(0),
      sample(["early_retry"]),
    ),
  ];
};

/**
 * Seed PROFILE 2's verdict from the evidence alone: every accepted job (each wave's,
 * counted once) completed exactly once per the recorded history, no overlapping or early
 * attempts, two instances working, and the armed faults left their marks.
 */
export const judgeJobs = (ev: JobsEvidence): ProfileResult => {
  const { jobs, events } = ev.history;
  const v = checkHistory(jobs, events);
  // the Postgres restart's stream: its jobs are judged as the waves' are
  const stream = streamed(ev);
  const accepted = new Set([...ev.waves.flatMap((w) => w.accepted), ...stream.accepted]).size;
  const refused = [...ev.waves.flatMap((w) => w.refused), ...stream.refused];
  const asked = ev.jobsPerWave * ev.waves.length + stream.accepted.length + stream.refused.length;
  // Both instances took part (a crashed attempt counts: the instance did start the job).
  const working = [...new Set(events.filter(started).map((e) => e.instanceId))].sort();
  const runTimes = executionMs(events);
  const checks: Check[] = [
    check(
      "enqueue",
      "jobs.enqueued",
      `${asked} accepted (202)`,
      accepted,
      equals(asked),
      refused.length ? `refused: ${refused.slice(0, 5).join("; ")}` : undefined,
    ),
    ...historyChecks(v, accepted),
    check(
      "verify",
      "jobs.instances_working",
      ">= 2",
      working.length,
      atLeast(2),
      `started jobs: ${working.join(", ")}; finished jobs: ${v.instances.join(", ")}`,
    ),
    ...(ev.armed.includes("crash") ? crashChecks(events, ev.restart) : []),
    ...(ev.armed.includes("stall-heartbeat")
      ? [
          check(
            "verify",
            "stall.zombie_completion_rejected",
            ">= 1 completion_rejected",
            v.rejectedCompletions,
            atLeast(1),
            zombieDetail(events, v.rejectedCompletions, ev.armed.includes("crash")),
          ),
        ]
      : []),
  ];
  const pg = judgePgRestart(ev);
  return {
    checks: [...checks, ...pg.checks],
    metrics: measured({
      ...pg.metrics,
      "jobs.ended_count": ev.ended,
      "jobs.waves_count": ev.waves.length,
      "jobs.refused_count": refused.length,
      "jobs.completed_count": v.completed,
      "jobs.duplicates_count": v.duplicates,
      "jobs.lost_count": v.lost,
      "jobs.overlaps_count": v.overlaps,
      "jobs.early_retries_count": v.earlyRetries,
      "jobs.retried_count": v.retried,
      "jobs.completion_rejected_count": v.rejectedCompletions,
      "jobs.lease_lost_count": v.leaseLost,
      "jobs.exec_p50_ms": rounded(percentile(runTimes, 50)),
      "jobs.exec_p95_ms": rounded(percentile(runTimes, 95)),
    }),
    notes: {
      ...pg.notes,
      range: `${ev.range.start} .. ${ev.range.end}`,
      ...Object.fromEntries(ev.notArmed.map((f) => [`${f}.armed`, NOT_ARMED])),
      faults_armed: ev.armed.join(",") || "none",
      "jobs.instances_finishing": v.instances.join(", "),
    },
  };
};
