import { Clock, Duration, Effect } from "effect";
import { pollUntil } from "../../poll.ts";
import { Faults } from "../../services/faults.ts";
import { Ingest } from "../../services/ingest.ts";
import { Target } from "../../services/target.ts";
import type { CrashEvidence } from "./evidence.ts";
import type { Seen } from "./level.ts";
import { RESTART_WAIT_MS } from "./plan.ts";

export const INGEST_CRASH = "ingest-crash";

export type Armed = Omit<CrashEvidence, "bootAfter" | "backAt">;

/**
 * Arms the one-shot `ingest-crash` fault at one instance that is not the runner's own
 * (the first other one seen answering): it SIGKILLs itself on the next snapshot it
 * receives. Its boot id is read first, pinned to it, so its return is recognised.
 */
export const armCrash = (level: number, seen: Seen) =>
  Effect.gen(function* () {
    const faults = yield* Faults;
    const ingest = yield* Ingest;
    const { runId } = yield* Target;
    const none = (notApplied: string): Armed => ({
      requested: true,
      notApplied,
      victim: null,
      level,
      armedAt: null,
      bootBefore: null,
    });
    const victim = [...seen.keys()].sort().find((i) => i !== faults.spared);
    if (victim === undefined) {
      return none(`no instance other than the runner's (${faults.spared ?? "?"}) answered`);
    }
    const before = yield* ingest.stats(victim);
    const bootBefore = before?.bootId ?? seen.get(victim) ?? null;
    if (bootBefore === null) return none(`${victim} did not say which boot it is`);
    if (!(yield* faults.inject(INGEST_CRASH, { runId }, victim))) {
      return none("fault injection is disabled on this deployment");
    }
    return {
      requested: true,
      notApplied: null,
      victim,
      level,
      armedAt: yield* Clock.currentTimeMillis,
      bootBefore,
    } satisfies Armed;
  });

/** Arms the crash halfway through its level. */
export const crashMidLevel = (level: number, durationMs: number, seen: Seen) =>
  Effect.sleep(Duration.millis(durationMs / 2)).pipe(Effect.andThen(armCrash(level, seen)));

/**
 * After the ladder: the platform restarts a killed instance (same instance id, new boot
 * id). Polls its stats, pinned to it, until it answers as a new boot; unanswered polls
 * while it is down just mean "not back yet".
 */
export const awaitBack = (armed: Armed) =>
  Effect.gen(function* () {
    if (armed.victim === null || armed.bootBefore === null) {
      return { ...armed, bootAfter: null, backAt: null } satisfies CrashEvidence;
    }
    const ingest = yield* Ingest;
    const { victim, bootBefore } = armed;
    const back = (s: { readonly bootId: string } | null) => s !== null && s.bootId !== bootBefore;
    const last = yield* pollUntil(
      ingest.stats(victim),
      back,
      "250 millis",
      Duration.millis(RESTART_WAIT_MS),
    );
    return {
      ...armed,
      bootAfter: back(last) ? (last?.bootId ?? null) : null,
      backAt: back(last) ? yield* Clock.currentTimeMillis : null,
    } satisfies CrashEvidence;
  });
