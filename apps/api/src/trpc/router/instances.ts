import { instancesKey } from "../../memory/sampler.ts";
import { publicProcedure, router } from "../trpc.ts";

const STALE_MS = 15_000;

/** Instances that reported in the last 15 s, from the registry every sampler writes. */
export const instancesRouter = router({
  list: publicProcedure.query(async ({ ctx }) => {
    const raw = await ctx.deps.redis.hvals(instancesKey(ctx.deps.env.CACHE_KEY_PREFIX));
    const now = Date.now();
    return raw
      .map((r) => JSON.parse(r) as { instanceId: string; seenAt: string } & Record<string, unknown>)
      .map((i) => ({ ...i, live: now - Date.parse(i.seenAt) < STALE_MS }))
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }),
});
