import { Duration, Effect, Schedule } from "effect";
import { dependencyDown } from "../edge/dependencies.ts";

/**
 * How long the runner rides out Redis or Postgres being down (a restart, a failover)
 * before it gives up: well under the run lease, so the run ends with the true cause
 * before any other instance could call the runner dead.
 */
export const RIDE_OUT_MS = 10_000;

/**
 * How long a runner keeps trying to record its run's end: its cause is worth waiting for
 * (if the lease expired meanwhile, the runner's own end replaces the reaper's guess).
 */
export const RECORD_END_MS = 5 * 60_000;

const whileDown = (budgetMs: number) =>
  Schedule.min([
    Schedule.exponential("100 millis"),
    Schedule.spaced("1 second"), // cap: no single wait is longer
  ]).pipe(Schedule.upTo({ duration: Duration.millis(budgetMs) }));

/** A dependency is still down after the ride-out budget: the run ends naming it. */
export class DependencyDown extends Error {
  readonly dependency: "redis" | "postgres";
  override readonly cause: unknown;
  constructor(dependency: "redis" | "postgres", cause: unknown, budgetMs = RIDE_OUT_MS) {
    super(
      `${dependency === "redis" ? "Redis" : "Postgres"} was unavailable for over ${budgetMs / 1000} s` +
        ` (${cause instanceof Error ? ((cause as { code?: string }).code ?? cause.name) : "error"})`,
    );
    this.dependency = dependency;
    this.cause = cause;
    this.name = dependency === "redis" ? "REDIS_UNAVAILABLE" : "DATABASE_UNAVAILABLE";
  }
}

/** The outages ridden out by default: whatever says Redis or Postgres is down. */
const isDown = (error: unknown): boolean => dependencyDown(error) !== undefined;

/**
 * One read or write of run state or evidence that rides out a short outage: retried with
 * backoff while the error says Redis or Postgres is down (`down`), up to RIDE_OUT_MS; any
 * other error, or an outage that lasts, is a defect naming the dependency.
 */
export const ridingOut = <A>(
  f: () => Promise<A>,
  budgetMs = RIDE_OUT_MS,
  down: (error: unknown) => boolean = isDown,
): Effect.Effect<A> =>
  Effect.tryPromise({ try: f, catch: (error) => error }).pipe(
    Effect.retry({ schedule: whileDown(budgetMs), while: down }),
    Effect.catch((error) => {
      const down = dependencyDown(error);
      return Effect.die(down ? new DependencyDown(down, error, budgetMs) : error);
    }),
  );

/** The same for plain async code (the run's progress and its end). */
export const ridingOutAsync = <A>(
  f: () => Promise<A>,
  budgetMs = RIDE_OUT_MS,
  down: (error: unknown) => boolean = isDown,
): Promise<A> => Effect.runPromise(ridingOut(f, budgetMs, down));
