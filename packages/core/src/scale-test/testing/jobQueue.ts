import { Effect, Layer } from "effect";
import type { ExecutionEvent, JobRecord } from "../../jobs/events.ts";
import { runnerSpare } from "../services/faults.ts";
import { JobEvidence } from "../services/jobEvidence.ts";
import { World, type WorldState } from "./world.ts";

/** How the in-memory queue's workers behave: healthy unless a test breaks one. */
export interface QueueOptions {
  /** Instances whose completion is not fenced (`jobs-no-fence` on them only). */
  readonly unfencedOn?: readonly string[];
}

/**
 * The instance an armed one-shot fault fires on, as the real registry decides: where it
 * is aimed (anywhere when not), never the runner's unless it is aimed there and cannot
 * take the runner down; the first such instance in the balancer's order. Null: none.
 */
export const firesOn = (world: WorldState, name: string): string | null => {
  if (!world.aims.has(name)) return null;
  const aim = world.aims.get(name) ?? undefined;
  const spare = runnerSpare(name, aim, world.options.runner ?? "i1").spareInstance;
  return world.instances.find((i) => (aim === undefined || aim === i) && i !== spare) ?? null;
};

type History = { jobs: JobRecord[]; events: ExecutionEvent[] };

/**
 * The job queue the profile's enqueues reach, with the armed crash and stall playing out
 * on the instances they fire on. Job k starts on instance k mod n. The crash kills the
 * first job on its instance; the stall takes the first job on its instance, and when the
 * crash hits that same instance it comes while the zombie waits out its lease (the next
 * job there), killing the zombie too. Each retry runs on another instance after the lease
 * expired; a zombie that lives completes late: fenced off, or accepted where unfenced.
 */
export const queueHistory = (world: WorldState, q: QueueOptions = {}): History => {
  const n = world.instances.length;
  const on = (k: number) => world.instances[k % n] ?? "i1";
  const first = (inst: string | null, skip = -1) =>
    inst === null ? -1 : world.enqueued.findIndex((_, k) => on(k) === inst && k !== skip);
  const stallOn = firesOn(world, "stall-heartbeat");
  const crashOn = firesOn(world, "crash");
  const stalled = first(stallOn);
  const crashed = first(crashOn, stalled);
  const zombieDies = stallOn !== null && stallOn === crashOn;
  const events = world.enqueued.flatMap((jobId, k): ExecutionEvent[] => {
    const instanceId = on(k);
    const bootId = `b-${instanceId}`;
    const at = k * 10;
    const start = { jobId, attempt: 1, kind: "start", at, instanceId, bootId } as const;
    if (k !== stalled && k !== crashed) return [start, { ...start, kind: "finish", at: at + 5 }];
    const other = world.instances.find((i) => i !== instanceId) ?? instanceId;
    const retry = { jobId, attempt: 2, instanceId: other, bootId: `b-${other}` };
    const retried: ExecutionEvent[] = [
      start,
      { ...retry, kind: "start", at: at + 3000, previousLeaseExpiresAt: at + 2000 },
      { ...retry, kind: "finish", at: at + 3100 },
    ];
    if (k === crashed || zombieDies) return retried;
    const unfenced = q.unfencedOn?.includes(instanceId) ?? false;
    return [
      ...retried,
      { ...start, kind: unfenced ? "finish" : "completion_rejected", at: at + 6000 },
    ];
  });
  const jobs = world.enqueued.map(
    (id, k): JobRecord => ({
      id,
      status: "completed",
      attemptCount: k === stalled || k === crashed ? 2 : 1,
    }),
  );
  return { jobs, events };
};

/** JobEvidence over `queueHistory`: put it after `layerTestSystem` to replace its static history. */
export const layerQueue = (q: QueueOptions = {}) =>
  Layer.effect(
    JobEvidence,
    World.useSync((world) =>
      JobEvidence.of({ history: Effect.sync(() => queueHistory(world, q)) }),
    ),
  );
