import { Clock, Effect, Schedule } from "effect";
import { responsesOf } from "../../answers.ts";
import type { Answer } from "../../data.ts";
import { pollUntil } from "../../poll.ts";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { DbEvidence } from "../../services/dbEvidence.ts";
import { Evidence } from "../../services/evidence.ts";
import { JobEvidence } from "../../services/jobEvidence.ts";
import { lastTradingDays } from "../../tradingDays.ts";
import { coldReadBurst, creationBurst } from "./bursts.ts";
import type { BurstRound, DbProfileEvidence } from "./evidence.ts";
import { gatesOf } from "./gates.ts";
import { judgeDb } from "./judge.ts";
import { DB_DEFAULT_MIN, dbDurationMs, dbPlan, JOBS_WAIT_MS, ROUND_MS } from "./plan.ts";

/**
 * Database health under scale-out: the hot queries' plans on the data as it is (no
 * whole-table reads of large tables), a burst of backtest creations through the
 * balancer (fast, complete, no deadlocks or serialization failures) and a burst of cold
 * bars reads over distinct keys with every pool watched. Full runs repeat both bursts
 * once a minute for the duration; the index usage of the whole run is reported.
 */
export const dbProfile: Profile = {
  name: "db",
  title: "Database health",
  defaultDurationMin: DB_DEFAULT_MIN,
  plan: dbPlan,
  run: (params) => runDb(params),
};

/** The answers as evidence: a creation's answer body (the job record) is never judged, so it is not kept. */
const withoutBodies = (answers: readonly Answer[]): Answer[] =>
  answers.map((a) => {
    if (a._tag !== "Answered" || !("json" in a.response)) return a;
    const { json: _, ...response } = a.response as typeof a.response & { json: unknown };
    return { _tag: "Answered", response };
  });

const runDb = Effect.fn("dbProfile")(function* (params: RunParams) {
  const tracker = yield* makeTracker(dbPlan(params));
  const db = yield* DbEvidence;
  const evidence = yield* Evidence;
  const gates = gatesOf(params);

  yield* tracker.at("setup");
  const range = params.ranges?.[0] ?? lastTradingDays(yield* evidence.availableRange, 1);
  const expected = yield* evidence.expectedInstances;
  const statsBefore = yield* db.stats;

  yield* tracker.at("explain");
  const explained = yield* db.explainHotQueries;
  const statements = explained.statements.map((st) => ({ ...st, plan: st.plan ?? null }));
  const { relations } = explained;

  const rounds: BurstRound[] = [];
  const burstRound = Effect.fn("dbProfile.round")(function* (first: boolean) {
    if (first) yield* tracker.at("creations");
    const creations = yield* creationBurst(params, gates, range, rounds.length);
    const instances = [
      ...new Set(responsesOf(creations.answers).flatMap((r) => r.instanceId ?? [])),
    ];
    if (first) yield* tracker.at("cold-reads");
    const coldReads = yield* coldReadBurst(params, gates, range, instances);
    rounds.push({
      creations: { ...creations, answers: withoutBodies(creations.answers) },
      coldReads,
    });
  });
  yield* burstRound(true);
  if (!params.quick) {
    yield* tracker.at("rounds");
    const deadline = tracker.startedAt + dbDurationMs(params) - 15_000;
    const progress = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis;
      yield* tracker.at("rounds", (now - tracker.startedAt) / dbDurationMs(params));
      return now;
    });
    // A round a minute after the last one ended, while that minute ends before the
    // deadline: no minute is waited out once no round can follow it (the run idled a
    // minute after its last round, past its duration).
    const another = (endedAt: number) => endedAt + ROUND_MS < deadline;
    if (another(yield* progress)) {
      yield* Effect.sleep(`${ROUND_MS} millis`);
      yield* burstRound(false).pipe(
        Effect.andThen(progress),
        Effect.repeat({ schedule: Schedule.spaced(`${ROUND_MS} millis`), while: another }),
      );
    }
  }

  // settle: the created backtests run to their end, so their load stays in this run
  yield* tracker.at("settle");
  const created = new Set(rounds.flatMap((r) => r.creations.jobIds));
  const ended = (jobs: readonly { id: string; status: string }[]) =>
    jobs.filter((j) => created.has(j.id) && (j.status === "completed" || j.status === "failed"))
      .length;
  const history = yield* pollUntil(
    (yield* JobEvidence).history,
    (h) => ended(h.jobs) >= created.size,
    "250 millis",
    `${JOBS_WAIT_MS} millis`,
  );

  yield* tracker.at("verify");
  const ev: DbProfileEvidence = {
    gates,
    expected,
    statements,
    relations,
    statsBefore,
    statsAfter: yield* db.stats,
    rounds,
    jobs: { accepted: created.size, ended: ended(history.jobs) },
  };
  const result = yield* publish(judgeDb(ev));
  yield* tracker.at("verdict");
  return { ...result, evidence: { profile: "db", db: ev } } satisfies Judged;
});
