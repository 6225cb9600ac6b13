import { instancesKey } from "../../memory/sampler.ts";
import { adminProcedure, router } from "../trpc.ts";

const STALE_MS = 15_000;

/** What each instance's sampler publishes in the registry. */
export interface InstanceInfo {
  readonly instanceId: string;
  readonly bootId: string;
  readonly version: string;
  readonly startedAt: string;
  readonly seenAt: string;
  readonly memory: {
    readonly heapUsed: number;
    readonly rss: number;
    readonly heapLimit: number;
  } | null;
  readonly pressure: {
    readonly pressure: number;
    readonly shedding: boolean;
    readonly basis: string;
  };
}

/** Instances that reported in the last 15 s (admin-only: boot ids and memory are not public). */
export const instancesRouter = router({
  list: adminProcedure.query(async ({ ctx }) => {
    const raw = await ctx.deps.redis.hvals(instancesKey(ctx.deps.env.CACHE_KEY_PREFIX));
    const now = Date.now();
    return raw
      .map((r) => JSON.parse(r) as InstanceInfo)
      .map((i) => ({ ...i, live: now - Date.parse(i.seenAt) < STALE_MS }))
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }),
});
