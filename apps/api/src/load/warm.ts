import { Pool } from "undici";
import { type Outcome, type ServedBy, send } from "./send.ts";
import type { HeadersFor } from "./types.ts";
import type { Workload } from "./workload.ts";

/**
 * Asks each of the workload's cached keys once, one after another, before the first
 * level, so `barsCached` requests find them cached. Returns how each went (a profile
 * should refuse to start its levels if any was not answered).
 */
export const warmCachedKeys = async (o: {
  readonly target: string;
  readonly workload: Workload;
  readonly headersFor?: HeadersFor;
  readonly signal?: AbortSignal;
}): Promise<
  readonly { readonly path: string; readonly outcome: Outcome; readonly by: ServedBy | null }[]
> => {
  const pool = new Pool(new URL(o.target).origin, { connections: 1 });
  try {
    const out: { path: string; outcome: Outcome; by: ServedBy | null }[] = [];
    for (const path of o.workload.cachedPaths) {
      if (o.signal?.aborted) break;
      const req = { kind: "barsCached", method: "GET", path } as const;
      out.push(
        await new Promise((resolve) =>
          send(pool, req, o.headersFor, (outcome, by) => resolve({ path, outcome, by })),
        ),
      );
    }
    return out;
  } finally {
    await pool.destroy().catch(() => undefined);
  }
};
