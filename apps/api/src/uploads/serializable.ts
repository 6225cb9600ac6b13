import postgres from "postgres";

/** Serialization failure and deadlock: the transaction did nothing and may simply run again. */
const RETRYABLE = new Set(["40001", "40P01"]);

export const isSerializationFailure = (error: unknown): boolean =>
  error instanceof postgres.PostgresError && RETRYABLE.has(error.code);

/**
 * Runs a SERIALIZABLE transaction again while Postgres refuses it as a serialization
 * failure (40001) or a deadlock (40P01), waiting a jittered exponential backoff between
 * tries (full jitter: concurrent losers do not collide again in lockstep).
 */
export const retrySerializable = async <T>(
  run: () => Promise<T>,
  o: {
    attempts?: number;
    baseMs?: number;
    maxMs?: number;
    onRetry?: (attempt: number) => void;
  } = {},
): Promise<T> => {
  const attempts = o.attempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isSerializationFailure(error) || attempt >= attempts) throw error;
      o.onRetry?.(attempt);
      const cap = Math.min(o.maxMs ?? 250, (o.baseMs ?? 5) * 2 ** (attempt - 1));
      await new Promise((r) => setTimeout(r, Math.random() * cap));
    }
  }
};
