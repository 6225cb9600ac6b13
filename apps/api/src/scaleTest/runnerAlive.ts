/**
 * The runner's heartbeat beside its lease: while Postgres is down it cannot renew the
 * lease, but it can still say in Redis that it is alive, so no other instance ends its
 * run with the guess "stopped renewing its lease": the runner records the true cause
 * itself once Postgres is back. A dead or hung runner stops beating and is reaped as
 * before; with Redis down too, the lease alone decides.
 */
const keyOf = (runId: string) => `scaleTest:{${runId}}:runner`;

/** What a beat needs of a Redis client (one Redis or a cluster: one key per command). */
export interface BeatStore {
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

/** One beat, good for `ttlMs` (the lease). Never throws: a missed beat is the lease's business. */
export const beat = (
  redis: BeatStore,
  runId: string,
  bootId: string,
  ttlMs: number,
): Promise<void> =>
  redis.set(keyOf(runId), bootId, "PX", ttlMs).then(
    () => undefined,
    () => undefined,
  );

/** Which of these runs have a runner (that very boot) still beating; none if Redis cannot say. */
export const beating = async (
  redis: BeatStore,
  runs: readonly { id: string; runnerBootId: string }[],
): Promise<string[]> => {
  const beats = await Promise.all(runs.map((r) => redis.get(keyOf(r.id)).catch(() => null)));
  return runs.filter((r, i) => beats[i] === r.runnerBootId).map((r) => r.id);
};
