import { Pool } from "undici";
import { type Outcome, sendOne } from "./send.ts";
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
}): Promise<readonly { readonly path: string; readonly outcome: Outcome }[]> => {
  const pool = new Pool(new URL(o.target).origin, { connections: 1 });
  try {
    const out: { path: string; outcome: Outcome }[] = [];
    for (const path of o.workload.cachedPaths) {
      if (o.signal?.aborted) break;
      const req = { kind: "barsCached", method: "GET", path } as const;
      out.push({ path, outcome: await sendOne(pool, req, o.headersFor) });
    }
    return out;
  } finally {
    await pool.destroy().catch(() => undefined);
  }
};
