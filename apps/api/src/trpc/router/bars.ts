import { barsRequest } from "../../bars/input.ts";
import { getBars } from "../../bars/service.ts";
import { heavyProcedure, router } from "../trpc.ts";

export interface BarsPayload {
  readonly cache: "HIT" | "MISS" | "WAIT";
  readonly cacheKey: string;
  readonly instanceId: string;
  readonly data: unknown;
}

export const barsRouter = router({
  get: heavyProcedure.input(barsRequest).query(async ({ ctx, input }): Promise<BarsPayload> => {
    const r = await getBars(
      ctx.deps.bars,
      { ...input, dataset: ctx.deps.env.BARS_DATASET },
      ctx.runId,
    );
    return {
      cache: r.outcome,
      cacheKey: r.cacheKey,
      instanceId: ctx.deps.identity.instanceId,
      data: JSON.parse(r.bytes.toString("utf8")),
    };
  }),
});
