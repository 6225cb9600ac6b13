import { Effect } from "effect";
import type { ExecutionEvent } from "../../../jobs/events.ts";
import type { Answer } from "../../data.ts";
import { ask, pollUntil } from "../../poll.ts";
import { JobEvidence } from "../../services/jobEvidence.ts";
import { Target } from "../../services/target.ts";
import type { Restart } from "./evidence.ts";
import { lateFinishes, orphanedAttempts } from "./judge.ts";
import { RESTART_WAIT_MS, ZOMBIE_WAIT_MS } from "./plan.ts";

/** A zombie's late completion has arrived, fenced off or (fencing broken) accepted. */
export const zombieCompleted = (events: readonly ExecutionEvent[]): boolean =>
  events.some((e) => e.kind === "completion_rejected") || lateFinishes(events).length > 0;

/** A zombie finishes after its job was completed by the retry: give its completion time to arrive. */
export const awaitZombie = JobEvidence.use((jobs) =>
  pollUntil(
    jobs.history,
    (h) => zombieCompleted(h.events),
    "250 millis",
    `${ZOMBIE_WAIT_MS} millis`,
  ),
);

/**
 * After a crash the platform (or the front door) restarts the instance: poll its health,
 * pinned to it, until it answers with a new boot id. Unanswered polls are expected while
 * it is down: they mean "not back yet".
 */
export const awaitRestart = (events: readonly ExecutionEvent[]) =>
  Effect.gen(function* () {
    const orphan = orphanedAttempts(events)[0];
    if (!orphan) return null;
    const target = yield* Target;
    const back = (a: Answer) =>
      a._tag === "Answered" &&
      a.response.instanceId === orphan.instanceId &&
      a.response.bootId !== null &&
      a.response.bootId !== orphan.bootId;
    const last = yield* pollUntil(
      ask(target.get({ path: "/ops/health", pin: orphan.instanceId })),
      back,
      "250 millis",
      `${RESTART_WAIT_MS} millis`,
    );
    return {
      instanceId: orphan.instanceId,
      crashedBoot: orphan.bootId,
      seenBoot: back(last) && last._tag === "Answered" ? last.response.bootId : null,
    } satisfies Restart;
  });
