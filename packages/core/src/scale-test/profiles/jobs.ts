import { Clock, Effect } from "effect";
import { checkHistory, type ExecutionEvent } from "../../jobs/history.ts";
import { atLeast, check, equals, type ProfileResult } from "../check.ts";
import { findings } from "../findings.ts";
import type { Profile } from "../profile.ts";
import type { Check, RunParams } from "../schema.ts";
import {
  Evidence,
  Faults,
  JobEvidence,
  Progress,
  Target,
  type TargetResponse,
} from "../services.ts";
import { percentile, round } from "../stats.ts";
import { lastTradingDays } from "../tradingDays.ts";

const STEPS = ["setup", "arm", "enqueue", "execute", "verify", "verdict"];
const QUICK_DEADLINE_MS = 120_000;
const WAVE_MS = 60_000;
const RESTART_WAIT_MS = 60_000;
const ZOMBIE_WAIT_MS = 60_000;

/**
 * Seed PROFILE 2: no backtest runs twice while several instances work the queue, even
 * when one instance dies mid-job (crash) or a worker stalls (zombie). The verdict comes
 * from the recorded execution history (checkHistory), not from the queue's own status.
 */
export const jobsProfile: Profile = {
  name: "jobs",
  title: "Job duplication",
  defaultDurationMin: 15,
  steps: STEPS,
  run: (params) => runJobs(params),
};

const runJobs = Effect.fn("jobsProfile")(function* (params: RunParams) {
  const target = yield* Target;
  const evidence = yield* Evidence;
  const jobEvidence = yield* JobEvidence;
  const progress = yield* Progress;
  const faults = yield* Faults;
  const startedAt = yield* Clock.currentTimeMillis;
  const { checks, metrics, record, metric } = yield* findings;
  const at = (step: string, within = 0) =>
    progress.step(step, (STEPS.indexOf(step) + within) / STEPS.length);

  yield* at("setup");
  const range = params.ranges?.[0] ?? lastTradingDays(yield* evidence.availableRange, 1);
  yield* metric("range.start", range.start);
  yield* metric("range.end", range.end);

  // arm: one-shot faults scoped to this run's jobs; cleared whatever happens.
  yield* at("arm");
  const armed: string[] = [];
  for (const [wanted, name] of [
    [params.crash, "crash"],
    [params.stall, "stall-heartbeat"],
  ] as const) {
    if (!wanted) continue;
    if (yield* faults.inject(name, { runId: target.runId })) armed.push(name);
    else yield* metric(`${name}.armed`, "no: fault injection is disabled on this deployment");
  }
  yield* metric("faults_armed", armed.join(",") || null);

  const body = Effect.gen(function* () {
    // enqueue: N backtests at once through the balancer (waves of N in a full run).
    yield* at("enqueue");
    const durationMs = (params.durationMin ?? jobsProfile.defaultDurationMin) * 60_000;
    const accepted: string[] = [];
    const refused: string[] = [];
    const wave = (w: number) =>
      Effect.forEach(
        Array.from({ length: params.jobs }, (_, i) => i),
        (i) =>
          enqueueWithRetry(target, {
            symbol: params.symbol,
            tf: params.tf,
            start: range.start,
            end: range.end,
            fast: 5 + ((i + w) % 10),
            slow: 30 + ((i * 7) % 40),
            maxAttempts: 3,
            idempotencyKey: `${target.runId}:${w}:${i}`,
          }),
        { concurrency: 10 },
      ).pipe(
        Effect.tap((rs) =>
          Effect.sync(() => {
            for (const r of rs) {
              const id = (r.json as { id?: unknown } | null)?.id;
              if (r.status === 202 && typeof id === "string") accepted.push(id);
              else refused.push(`${r.status} ${r.errorCode ?? ""}`);
            }
          }),
        ),
      );
    yield* wave(0);
    yield* record(
      check(
        "enqueue",
        "jobs.enqueued",
        `${params.jobs} accepted (202)`,
        accepted.length,
        equals(params.jobs),
        refused.length ? `refused: ${refused.slice(0, 5).join("; ")}` : undefined,
      ),
    );

    // execute: wait until every job has ended (completed or failed), enqueuing more
    // waves until the duration is spent in a full run.
    yield* at("execute");
    let waves = 1;
    const deadline =
      startedAt + (params.quick ? QUICK_DEADLINE_MS : durationMs + QUICK_DEADLINE_MS);
    for (;;) {
      const now = yield* Clock.currentTimeMillis;
      const { jobs } = yield* jobEvidence.history;
      const ended = jobs.filter((j) => j.status === "completed" || j.status === "failed").length;
      yield* metric("jobs.ended", ended);
      yield* at("execute", jobs.length ? (0.9 * ended) / jobs.length : 0);
      if (
        !params.quick &&
        now - startedAt + WAVE_MS < durationMs &&
        now - startedAt >= waves * WAVE_MS
      ) {
        yield* wave(waves++);
        continue;
      }
      const moreWaves = !params.quick && now - startedAt + WAVE_MS < durationMs;
      if ((ended === jobs.length && !moreWaves) || now > deadline) break;
      yield* Effect.sleep("250 millis");
    }
    yield* metric("jobs.waves", waves);

    // verify: judge the recorded history. A zombie finishes after its job was completed by
    // the retry: give its (fenced-off) completion time to arrive.
    yield* at("verify");
    if (armed.includes("stall-heartbeat")) {
      const until = (yield* Clock.currentTimeMillis) + ZOMBIE_WAIT_MS;
      while (
        !(yield* jobEvidence.history).events.some((e) => e.kind === "completion_rejected") &&
        (yield* Clock.currentTimeMillis) < until
      ) {
        yield* Effect.sleep("250 millis");
      }
    }
    const { jobs, events } = yield* jobEvidence.history;
    const v = checkHistory(jobs, events);
    const n = accepted.length + (waves - 1) * params.jobs;
    yield* metric("jobs.completed", v.completed);
    yield* metric("jobs.duplicates", v.duplicates);
    yield* metric("jobs.lost", v.lost);
    yield* metric("jobs.overlaps", v.overlaps);
    yield* metric("jobs.early_retries", v.earlyRetries);
    yield* metric("jobs.retried", v.retried);
    yield* metric("jobs.completion_rejected", v.rejectedCompletions);
    yield* metric("jobs.lease_lost", v.leaseLost);
    const runTimes = executionMs(events);
    yield* metric("jobs.exec_p50_ms", rounded(percentile(runTimes, 50)));
    yield* metric("jobs.exec_p95_ms", rounded(percentile(runTimes, 95)));
    const sample = (kinds: readonly string[]) =>
      v.anomalies
        .filter((a) => kinds.includes(a.kind))
        .slice(0, 3)
        .map((a) => `job ${a.jobId}: ${a.detail}`)
        .join("; ") || undefined;
    yield* record(check("verify", "jobs.completed", `= ${n}`, v.completed, equals(n)));
    yield* record(
      check(
        "verify",
        "jobs.duplicates",
        "= 0",
        v.duplicates,
        equals(0),
        sample(["duplicate", "rerun", "double_attempt"]),
      ),
    );
    yield* record(check("verify", "jobs.lost", "= 0", v.lost, equals(0), sample(["lost"])));
    yield* record(
      check(
        "verify",
        "jobs.overlapping_attempts",
        "= 0",
        v.overlaps,
        equals(0),
        sample(["overlap"]),
      ),
    );
    yield* record(
      check(
        "verify",
        "jobs.retry_before_lease_expired",
        "= 0",
        v.earlyRetries,
        equals(0),
        sample(["early_retry"]),
      ),
    );
    // Both instances took part (a crashed attempt counts: the instance did start the job).
    const working = [
      ...new Set(events.filter((e) => e.kind === "start").map((e) => e.instanceId)),
    ].sort();
    yield* metric("jobs.instances_finishing", v.instances.join(", "));
    yield* record(
      check(
        "verify",
        "jobs.instances_working",
        ">= 2",
        working.length,
        atLeast(2),
        `started jobs: ${working.join(", ")}; finished jobs: ${v.instances.join(", ")}`,
      ),
    );

    if (armed.includes("crash")) yield* crashChecks(events, record);
    if (armed.includes("stall-heartbeat")) {
      yield* record(
        check(
          "verify",
          "stall.zombie_completion_rejected",
          ">= 1 completion_rejected",
          v.rejectedCompletions,
          atLeast(1),
          "the stalled worker's late result was fenced off",
        ),
      );
    }
    yield* at("verdict");
    return { checks, metrics } satisfies ProfileResult;
  });
  return yield* body.pipe(
    Effect.ensuring(Effect.forEach(armed, (f) => faults.clear(f), { discard: true })),
  );
});

const RETRIABLE = new Set([502, 503, 504]);

/**
 * An enqueue through the balancer, retried with the same idempotency key when the answer
 * was lost (an instance died mid-request: 502) — the queue returns the same job.
 */
const enqueueWithRetry = (target: Target["Service"], body: Record<string, unknown>) =>
  Effect.gen(function* () {
    let last: (TargetResponse & { json: unknown }) | undefined;
    for (let attempt = 0; attempt < 6; attempt++) {
      const r = yield* target.post({ path: "/api/backtests", body }).pipe(Effect.option);
      if (r._tag === "Some") {
        last = r.value;
        if (!RETRIABLE.has(r.value.status)) return r.value;
      }
      yield* Effect.sleep(`${200 * (attempt + 1)} millis`);
    }
    return (
      last ??
      ({ status: 0, errorCode: "UNREACHABLE", json: null } as unknown as TargetResponse & {
        json: unknown;
      })
    );
  });

const rounded = (n: number | null) => (n === null ? null : round(n));

/** Per accepted finish: time from its attempt's start. */
const executionMs = (events: readonly ExecutionEvent[]): number[] =>
  events
    .filter((e) => e.kind === "finish")
    .flatMap((f) => {
      const s = events.find(
        (e) => e.kind === "start" && e.jobId === f.jobId && e.attempt === f.attempt,
      );
      return s ? [f.at - s.at] : [];
    });

/**
 * The crash left its mark: an attempt that never ended (its instance died with it), the
 * job retried on another process after the lease expired, and the instance back with a
 * new boot id.
 */
const crashChecks = Effect.fn("jobsProfile.crashChecks")(function* (
  events: readonly ExecutionEvent[],
  record: (c: Check) => Effect.Effect<void>,
) {
  const target = yield* Target;
  const ended = new Set(
    events.filter((e) => e.kind !== "start").map((e) => `${e.jobId}:${e.attempt}`),
  );
  const orphans = events.filter(
    (e) =>
      e.kind === "start" &&
      !ended.has(`${e.jobId}:${e.attempt}`) &&
      events.some((r) => r.kind === "start" && r.jobId === e.jobId && r.attempt === e.attempt + 1),
  );
  const first = orphans[0];
  yield* record(
    check(
      "verify",
      "crash.job_retried_after_lease_expiry",
      ">= 1 job: attempt died with its instance, retried after the lease expired",
      orphans.length,
      atLeast(1),
      first
        ? (() => {
            const retry = events.find(
              (r) =>
                r.kind === "start" && r.jobId === first.jobId && r.attempt === first.attempt + 1,
            );
            const fin = events.find((r) => r.kind === "finish" && r.jobId === first.jobId);
            return `job ${first.jobId}: attempt ${first.attempt} on ${first.instanceId} (boot ${first.bootId.slice(0, 8)}) died; attempt ${retry?.attempt} on ${retry?.instanceId} (boot ${retry?.bootId.slice(0, 8)}) started ${retry?.previousLeaseExpiresAt != null ? `${retry.at - retry.previousLeaseExpiresAt} ms after the lease expired` : "?"}; finished by attempt ${fin?.attempt ?? "none"}`;
          })()
        : "no attempt died mid-job",
    ),
  );
  if (!first) return;
  // The platform (or the front door) restarts the machine: same instance id, new boot id.
  const deadline = (yield* Clock.currentTimeMillis) + RESTART_WAIT_MS;
  let seen: string | null = null;
  for (;;) {
    const r = yield* target.get({ path: "/ops/health", pin: first.instanceId });
    if (r.instanceId === first.instanceId && r.bootId && r.bootId !== first.bootId) {
      seen = r.bootId;
      break;
    }
    if ((yield* Clock.currentTimeMillis) > deadline) break;
    yield* Effect.sleep("250 millis");
  }
  yield* record(
    check(
      "verify",
      "crash.instance_restarted",
      `${first.instanceId} back with a new boot id`,
      seen ? `${first.instanceId} boot ${seen.slice(0, 8)}` : null,
      (a) => a !== null,
      `crashed boot ${first.bootId.slice(0, 8)}`,
    ),
  );
});
