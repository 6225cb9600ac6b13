import { isTerminal, type RunView } from "@scaleproof/core/scale-test/schema";
import type { Client } from "./trpc.ts";
import { isClientError } from "./trpc.ts";

export type { RunView };
export { isTerminal };

export interface WaitOptions {
  /** Between two polls (default 1000 ms). */
  readonly intervalMs?: number;
  /** Give up after this long (default: wait as long as the run takes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Every answer while waiting, the last one included. */
  readonly onUpdate?: (run: RunView) => void;
}

/**
 * Polls a run until it has ended (passed, failed or aborted) and returns its view. Any
 * instance answers; one restarting under us answers 5xx or not at all for a moment, so
 * those are retried. A 4xx (no such run, bad token) is not: it is thrown at once.
 */
export const waitForRun = async (
  client: Client,
  runId: string,
  { intervalMs = 1000, timeoutMs, signal, onUpdate }: WaitOptions = {},
): Promise<RunView> => {
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const { run } = await client.scaleTest.results.query({ runId }, signal ? { signal } : {});
      onUpdate?.(run);
      if (isTerminal(run.status)) return run;
    } catch (error) {
      const status = isClientError(error) ? error.data?.httpStatus : undefined;
      if (signal?.aborted || (status !== undefined && status < 500)) throw error;
    }
    if (Date.now() + intervalMs > deadline) {
      throw new Error(`run ${runId} had not ended after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
