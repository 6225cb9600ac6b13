import type { Check, Readings } from "@scaleproof/core/scale-test/schema";
import { Progress } from "@scaleproof/core/scale-test/services/progress";
import type { RunEvidence } from "@scaleproof/core/scale-test/verdict/evidence";
import type { Sql } from "@scaleproof/db/client";
import {
  insertScaleTestEvents,
  type ScaleTestEvent,
} from "@scaleproof/db/queries/insertScaleTestEvents";
import { saveScaleTestRunEvidence } from "@scaleproof/db/queries/saveScaleTestRunEvidence";
import { updateScaleTestRunProgress } from "@scaleproof/db/queries/updateScaleTestRunProgress";
import { Effect, Layer } from "effect";
import type { Logger } from "pino";
import { ridingOutAsync } from "./ridingOut.ts";

const FLUSH_MS = 200;

/**
 * A run's live state: step, progress, checks and metrics as they happen, written to its
 * row (fenced by the runner's boot id, coalesced to one write per 200 ms) so every
 * instance's status answer and the progress subscription see them; plus one
 * `scale_test_events` row per step, check and request.
 */
export class RunRecorder {
  progress = 0;
  step: string | null = null;
  readonly checks: Check[] = [];
  readonly metrics: Readings = {};
  #events: ScaleTestEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  private readonly sql: Sql;
  readonly runId: string;
  private readonly bootId: string;
  private readonly log: Logger;
  /** Tells progress subscribers on every instance that the row changed (after each write). */
  private readonly changed: () => Promise<void>;
  constructor(
    sql: Sql,
    runId: string,
    bootId: string,
    log: Logger,
    changed: () => Promise<void> = async () => {},
  ) {
    this.sql = sql;
    this.runId = runId;
    this.bootId = bootId;
    this.log = log;
    this.changed = changed;
  }

  event(kind: string, data: Record<string, unknown>, extra: Partial<ScaleTestEvent> = {}): void {
    this.#events.push({
      runId: this.runId,
      kind,
      step: this.step,
      instanceId: null,
      bootId: null,
      data,
      at: new Date(),
      ...extra,
    });
    this.#schedule();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what has changed; resolves when it is in Postgres. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const events = this.#events;
    this.#events = [];
    const snapshot = {
      progress: this.progress,
      currentStep: this.step,
      checks: [...this.checks],
      metrics: { ...this.metrics },
    };
    this.#writing = this.#writing.then(async () => {
      try {
        // Rides out a short outage; events are written before progress, once each.
        await ridingOutAsync(() => insertScaleTestEvents(this.sql, events));
        await ridingOutAsync(() =>
          updateScaleTestRunProgress(this.sql, this.runId, this.bootId, snapshot),
        );
        await this.changed();
      } catch (error) {
        this.log.error({ err: error, runId: this.runId }, "could not record run progress");
      }
    });
    return this.#writing;
  }

  /**
   * When the run ends: the evidence its verdict was judged from, kept with the run for
   * the export (`scaleproof judge` re-computes the verdict from it). A failure is logged;
   * the run still ends with its verdict, only without re-judgeable evidence.
   */
  async saveEvidence(evidence: RunEvidence): Promise<void> {
    try {
      await saveScaleTestRunEvidence(this.sql, this.runId, evidence);
    } catch (error) {
      this.log.error({ err: error, runId: this.runId }, "could not record the run's evidence");
    }
  }

  layer(): Layer.Layer<Progress> {
    return Layer.succeed(
      Progress,
      Progress.of({
        // A new step is an event and written at once; progress within a step (every
        // second or so during a sustain, waves or a soak) rides the coalesced write.
        report: (r) =>
          Effect.promise(() => {
            this.progress = Math.max(this.progress, Math.min(1, r.fraction));
            if (r.step === this.step) {
              this.#schedule();
              return Promise.resolve();
            }
            this.step = r.step;
            this.event("step", {
              progress: this.progress,
              plannedMs: r.plannedMs,
              remainingMs: r.remainingMs,
              elapsedMs: r.elapsedMs,
            });
            this.log.info(
              {
                event: "scale_test_step",
                runId: this.runId,
                step: r.step,
                remainingMs: r.remainingMs,
              },
              "run step",
            );
            return this.flush();
          }),
        check: (c) =>
          Effect.sync(() => {
            this.checks.push(c);
            this.event("check", c, { step: c.step });
            if (!c.pass) {
              this.log.warn(
                { event: "scale_test_check_failed", runId: this.runId, check: c },
                "check failed",
              );
            }
          }),
        metric: (name, value) =>
          Effect.sync(() => {
            this.metrics[name] = value;
            this.#schedule();
          }),
        observe: (step, r, label) =>
          Effect.sync(() =>
            this.event(
              "request",
              {
                label,
                status: r.status,
                cache: r.cache,
                cacheKey: r.cacheKey,
                version: r.version,
                ms: Math.round(r.durationMs * 100) / 100,
                bytes: r.bytes,
                errorCode: r.errorCode,
              },
              { step, instanceId: r.instanceId, bootId: r.bootId },
            ),
          ),
      }),
    );
  }
}
