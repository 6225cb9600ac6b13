import type { RunOutcome } from "@scaleproof/core/scale-test/registry";
import { runProfile } from "@scaleproof/core/scale-test/registry";
import type { RunParams } from "@scaleproof/core/scale-test/schema";
import { Faults, runnerSpare } from "@scaleproof/core/scale-test/services/faults";
import { finishScaleTestRun, type RunEnding } from "@scaleproof/db/queries/finishScaleTestRun";
import { renewScaleTestRunLease } from "@scaleproof/db/queries/renewScaleTestRunLease";
import type { ScaleTestRunRow } from "@scaleproof/db/queries/scaleTestRunRow";
import { Cause, Effect, Exit, Layer } from "effect";
import type { InstanceDeps } from "../deps.ts";
import { dependencyDown } from "../edge/dependencies.ts";
import { faultInput } from "../faults/catalog.ts";
import { publishRunChanged } from "../runs/progressFeed.ts";
import { dbEvidenceLayer } from "./dbEvidence.ts";
import { evidenceLayer } from "./evidence.ts";
import { infraLayer } from "./infra.ts";
import { ingestLayer } from "./ingest.ts";
import { jobEvidenceLayer } from "./jobEvidence.ts";
import { loadLayer } from "./load.ts";
import { memoryEvidenceLayer } from "./memoryEvidence.ts";
import { RunRecorder } from "./recorder.ts";
import { DependencyDown, RECORD_END_MS, ridingOutAsync } from "./ridingOut.ts";
import { beat } from "./runnerAlive.ts";
import { scalerLayer } from "./scaler.ts";
import { streamsLayer } from "./streams.ts";
import { targetLayer } from "./target.ts";
import { uploadsLayer } from "./uploads.ts";

/** The run this instance is the runner of. */
export interface LocalRun {
  readonly id: string;
  readonly abort: AbortController;
  reason: string | undefined;
  done: Promise<void>;
}

/**
 * Runs a scale test's profile on this instance (the runner): its layers, the lease
 * renewals and heartbeat, and the recorded ending. `finished` is told when the run's end
 * is recorded. Loaded by the coordinator on the first run, not at boot: the profiles
 * and their services are about 5 MB of heap and 6 MB of an idle instance's
 * anonymous rss (issue 17 #5) that an instance which never runs a scale test need not carry.
 */
export const launchRun = (
  deps: InstanceDeps,
  row: ScaleTestRunRow,
  params: RunParams,
  targetUrl: string,
  finished: (run: LocalRun) => void,
): LocalRun => {
  const recorder = new RunRecorder(deps.sql, row.id, deps.identity.bootId, deps.log, () =>
    publishRunChanged(deps, row.id),
  );
  const layer = Layer.mergeAll(
    targetLayer(targetUrl, row.id, deps.env.ADMIN_TOKEN),
    evidenceLayer(deps, row.id),
    recorder.layer(),
    jobEvidenceLayer(deps.sql, row.id),
    memoryEvidenceLayer(deps.sql, deps.env, row.id),
    scalerLayer(deps.env),
    infraLayer(deps.env),
    loadLayer({
      sql: deps.sql,
      env: deps.env,
      url: targetUrl,
      runId: row.id,
      symbol: params.symbol,
      tf: params.tf,
    }),
    dbEvidenceLayer(deps, row.id, targetUrl),
    streamsLayer(targetUrl, row.id, deps.env.ADMIN_TOKEN),
    ingestLayer({
      sql: deps.sql,
      url: targetUrl,
      runId: row.id,
      adminToken: deps.env.ADMIN_TOKEN,
    }),
    uploadsLayer({
      sql: deps.sql,
      url: targetUrl,
      runId: row.id,
      adminToken: deps.env.ADMIN_TOKEN,
    }),
    Layer.succeed(
      Faults,
      Faults.of({
        active: Effect.sync(() =>
          deps.faults.list().map((f) => ({
            name: f.name,
            params: f.params,
            instanceId: f.instanceId ?? null,
          })),
        ),
        inject: (name, params, instanceId) =>
          Effect.promise(async () => {
            // A fault armed by a run never takes down the run's own runner.
            const parsed = faultInput.safeParse({
              name,
              ...(instanceId === undefined ? {} : { instanceId }),
              params: { ...params, ...runnerSpare(name, instanceId, deps.identity.instanceId) },
            });
            if (!deps.env.FAULTS_ENABLED || !parsed.success) return false;
            await deps.faults.set(parsed.data);
            return true;
          }),
        clear: (name) =>
          Effect.promise(async () => {
            const parsed = faultInput.shape.name.safeParse(name);
            if (parsed.success) await deps.faults.clear(parsed.data);
          }),
        spared: deps.identity.instanceId,
      }),
    ),
  );
  const abort = new AbortController();
  const local: LocalRun = {
    id: row.id,
    abort,
    reason: undefined,
    done: Promise.resolve(),
  };
  const stop = (reason: string) => {
    local.reason ??= reason;
    abort.abort();
  };
  // When renewals fail because a dependency is down, the runner remembers which. If its
  // lease ran out meanwhile (Postgres says so when a renewal lands again), that outage
  // is the run's true cause: the runner, still beating in Redis so nobody reaped it,
  // ends the run naming it.
  const leaseMs = deps.env.SCALE_TEST_LEASE_MS;
  let down: string | undefined;
  let renewing = false;
  const lapse = () =>
    `${down ? `${down}: unreachable, so` : "LEASE_LAPSED:"} the run's lease (${leaseMs / 1000} s) expired before the runner could renew it; the run's evidence cannot be trusted`;
  const lease = setInterval(
    async () => {
      void beat(deps.redis, row.id, deps.identity.bootId, leaseMs);
      if (renewing) return; // one renewal at a time: their answers come in order
      renewing = true;
      try {
        const r = await renewScaleTestRunLease(deps.sql, row.id, deps.identity.bootId, leaseMs);
        if (!r) stop(down ? lapse() : "the runner lost its lease");
        else if (r.lapsed) stop(lapse());
        else if (r.cancelRequested) stop("cancelled by an admin");
        down = undefined;
      } catch (error) {
        const which = dependencyDown(error);
        if (which) down = which === "redis" ? "REDIS_UNAVAILABLE" : "DATABASE_UNAVAILABLE";
        // Renewals come every lease/3: a blip shorter than the lease misses one or two.
        deps.log.warn({ err: error, runId: row.id }, "lease renewal failed; retrying");
      } finally {
        renewing = false;
      }
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  void beat(deps.redis, row.id, deps.identity.bootId, leaseMs);
  deps.log.info({ event: "scale_test_started", runId: row.id, params }, "run started");
  const done = Effect.runPromiseExit(runProfile(params).pipe(Effect.provide(layer)), {
    signal: abort.signal,
  }).then(async (exit) => {
    // The lease keeps being renewed until the run's end is recorded: a database blip
    // while finishing must not let another instance call this runner dead.
    await recorder.flush();
    // The evidence the verdict was judged from goes in before the run is seen to end,
    // so an export made as soon as it has ended carries it.
    if (Exit.isSuccess(exit) && exit.value.evidence) {
      await recorder.saveEvidence(exit.value.evidence);
    }
    const ending = endingOf(exit, recorder, local.reason);
    const ended = await ridingOutAsync(
      () => finishScaleTestRun(deps.sql, row.id, deps.identity.bootId, ending),
      RECORD_END_MS,
    ).catch((error: unknown) => {
      deps.log.error({ err: error, runId: row.id }, "could not record the run's end");
      return false;
    });
    clearInterval(lease);
    await publishRunChanged(deps, row.id);
    deps.log.info(
      {
        event: "scale_test_finished",
        runId: row.id,
        status: ending.status,
        recorded: ended,
        reason: ending.reason,
      },
      "run finished",
    );
    finished(local);
  });
  // However the ending went, the heartbeat stops: a run left active is then reaped.
  void done.finally(() => clearInterval(lease)).catch(() => {});
  local.done = done;
  return local;
};

const endingOf = (
  exit: Exit.Exit<RunOutcome, unknown>,
  recorder: RunRecorder,
  stopReason: string | undefined,
): RunEnding => {
  if (Exit.isSuccess(exit)) {
    const { checks, metrics, notes, series, verdict } = exit.value;
    return {
      status: verdict === "PASS" ? "passed" : "failed",
      verdict,
      checks: [...checks],
      // the run's record: its metrics with the notes and series the export splits out
      metrics: { ...metrics, ...notes, ...series },
      reason: null,
    };
  }
  const cause = exit.cause;
  const reason = Cause.hasInterruptsOnly(cause)
    ? (stopReason ?? "interrupted")
    : describeFailure(Cause.squash(cause));
  return {
    status: "aborted",
    verdict: null,
    checks: recorder.checks,
    metrics: recorder.metrics,
    reason,
  };
};

const describeFailure = (error: unknown): string => {
  if (error instanceof DependencyDown) return `${error.name}: ${error.message}`;
  const down = dependencyDown(error);
  if (down) return `${down === "redis" ? "REDIS" : "DATABASE"}_UNAVAILABLE: ${String(error)}`;
  if (typeof error === "object" && error !== null && "_tag" in error) {
    const e = error as { _tag: string; message?: string };
    return `${e._tag}: ${e.message ?? ""}`;
  }
  return error instanceof Error
    ? `runner error: ${error.message}`
    : `runner error: ${String(error)}`;
};
