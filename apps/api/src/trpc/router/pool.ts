import { poolsKey } from "../../db-health/keys.ts";
import type { PoolHealth } from "../../db-health/pool.ts";
import { readPool } from "../../db-health/pool.ts";
import { adminProcedure, router } from "../trpc.ts";

/** A reading older than this is from an instance that is gone (they publish every 2 s). */
const STALE_MS = 10_000;

/**
 * Postgres pool health (admin): `status`, this instance's pool, asked now; `list`, every
 * instance's latest published reading.
 */
export const poolRouter = router({
  status: adminProcedure.query(({ ctx }) => readPool(ctx.deps)),
  list: adminProcedure.query(async ({ ctx }) => {
    const raw = await ctx.deps.redis.hvals(poolsKey(ctx.deps.env.CACHE_KEY_PREFIX));
    const now = Date.now();
    return raw
      .map((r) => JSON.parse(r) as PoolHealth & { seenAt: string })
      .map((p) => ({ ...p, live: now - Date.parse(p.seenAt) < STALE_MS }))
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }),
});
