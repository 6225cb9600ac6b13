import { type BarsQuery, normaliseRange, resolveSymbol } from "@scaleproof/core/bars/request";
import { TIMEFRAMES } from "@scaleproof/core/bars/types";
import { z } from "zod";

const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: "must be an ISO 8601 date (2013-10-07) or date-time (2013-10-07T14:30:00Z)",
  })
  .transform((s) => BigInt(Date.parse(s)) * 1_000_000n);

/** `GET /api/bars` and `bars.get`: validated and normalised once, at the edge. */
export const barsInput = z
  .object({
    symbol: z.string().min(1).max(24),
    tf: z.enum(TIMEFRAMES, { error: `must be one of ${TIMEFRAMES.join(", ")}` }),
    start: instant,
    end: instant,
  })
  .strict();

export type BarsInput = z.input<typeof barsInput>;

type BarsRequest = Omit<BarsQuery, "dataset">;

export const toBarsRequest = (
  input: z.output<typeof barsInput>,
  ctx: z.RefinementCtx,
): BarsRequest | typeof z.NEVER => {
  const symbol = resolveSymbol(input.symbol);
  if (!symbol) {
    ctx.addIssue({
      code: "custom",
      path: ["symbol"],
      message: "must be a futures root (ES), continuous symbol (ES.c.0) or contract (ESZ3)",
    });
    return z.NEVER;
  }
  const range = normaliseRange(input.start, input.end, input.tf);
  if (range === "empty") {
    ctx.addIssue({ code: "custom", path: ["end"], message: "must be after start" });
    return z.NEVER;
  }
  if (range === "too_long") {
    ctx.addIssue({ code: "custom", path: ["end"], message: "range must be at most 31 days" });
    return z.NEVER;
  }
  return { symbol, tf: input.tf, start: range.start, end: range.end };
};

/** Parses and normalises a request; the dataset is the instance's, added by the caller. */
export const barsRequest = barsInput.transform(toBarsRequest);
