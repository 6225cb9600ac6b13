import { randomBytes } from "node:crypto";
import type { RunParams } from "@scaleproof/core/scale-test/schema";
import { abortExpiredScaleTestRuns } from "@scaleproof/db/queries/abortExpiredScaleTestRuns";
import { expiredScaleTestRuns } from "@scaleproof/db/queries/expiredScaleTestRuns";
import { insertScaleTestRun } from "@scaleproof/db/queries/insertScaleTestRun";
import { isUniqueViolation, type ScaleTestRunRow } from "@scaleproof/db/queries/scaleTestRunRow";
import type { InstanceDeps } from "../deps.ts";
import { VERSION } from "../instance/version.ts";
import { RunRefused } from "./errors.ts";
import type { LocalRun } from "./launch.ts";
import { beating } from "./runnerAlive.ts";

/**
 * Runs scale tests on this instance and keeps the cluster's runs honest:
 * - a run is started by whichever instance receives the request, as its runner, under a
 *   lease in Postgres that it renews every lease/3 (one active run cluster-wide: a
 *   unique index, so two instances cannot both start one);
 * - every instance reaps: a run whose lease expired (its runner died) ends `aborted`
 *   with the reason, so nothing stays "running" forever; a runner known to be alive
 *   (this instance's own, or one still beating in Redis while cut off from Postgres)
 *   is spared: it ends its run itself, with the true cause;
 * - cancel is a flag on the row, seen by the runner at its next renewal.
 */
export class ScaleTestCoordinator {
  #local: LocalRun | undefined;
  readonly #reaper: NodeJS.Timeout;
  #reaping: Promise<void> | undefined;

  private readonly deps: InstanceDeps;
  constructor(deps: InstanceDeps) {
    this.deps = deps;
    this.#reaper = setInterval(() => void this.reap(), deps.env.SCALE_TEST_REAP_MS);
    this.#reaper.unref();
  }

  async reap(): Promise<void> {
    // One sweep at a time: while Postgres is slow or down, sweeps must not pile up.
    if (this.#reaping) return this.#reaping;
    this.#reaping = this.#sweep().finally(() => {
      this.#reaping = undefined;
    });
    return this.#reaping;
  }

  async #sweep(): Promise<void> {
    try {
      const expired = await expiredScaleTestRuns(this.deps.sql);
      if (expired.length === 0) return;
      const spare = await beating(this.deps.redis, expired);
      if (this.#local) spare.push(this.#local.id);
      for (const r of await abortExpiredScaleTestRuns(this.deps.sql, spare)) {
        this.deps.log.warn(
          { event: "scale_test_aborted", runId: r.id, runner: r.runnerInstanceId },
          "run aborted: its runner's lease expired",
        );
      }
    } catch (error) {
      this.deps.log.error({ err: error }, "reaper failed");
    }
  }

  async start(params: RunParams): Promise<ScaleTestRunRow> {
    const { env, identity, sql } = this.deps;
    const targetUrl = env.SCALE_TEST_TARGET_URL;
    if (!targetUrl) {
      throw new RunRefused(
        "PRECONDITION_FAILED",
        "SCALE_TEST_TARGET_URL is not set on this instance: set it to the deployment's public URL",
      );
    }
    // The runner is loaded before the run's row exists: a row never waits on an import.
    const { launchRun } = await import("./launch.ts");
    await this.reap(); // a dead runner's expired run must not block a new one
    const id = `run_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${randomBytes(4).toString("hex")}`;
    let row: ScaleTestRunRow;
    try {
      row = await insertScaleTestRun(sql, {
        id,
        profile: params.profile,
        params: params as unknown as Record<string, unknown>,
        targetUrl,
        runnerInstanceId: identity.instanceId,
        runnerBootId: identity.bootId,
        runnerVersion: VERSION,
        leaseMs: env.SCALE_TEST_LEASE_MS,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const [active] = await sql<{ id: string; runner_instance_id: string }[]>`
        select id, runner_instance_id from scale_test_runs where status in ('queued', 'running')`;
      throw new RunRefused(
        "CONFLICT",
        `run ${active?.id ?? "?"} is active (runner ${active?.runner_instance_id ?? "?"}); one run at a time`,
      );
    }
    this.#local = launchRun(this.deps, row, params, targetUrl, (run) => {
      if (this.#local === run) this.#local = undefined;
    });
    return row;
  }

  /** On shutdown: stop the local run (it ends `aborted` with the reason) and the reaper. */
  async close(): Promise<void> {
    clearInterval(this.#reaper);
    const local = this.#local;
    if (local) {
      local.reason ??= "the runner instance shut down";
      local.abort.abort();
      await local.done;
    }
  }
}
