import { z } from "zod";
import { barsInput, toBarsRequest } from "../bars/input.ts";

/** A backtest to enqueue: the bars to fetch (through the shared cache) and the strategy's parameters. */
export const backtestInput = barsInput
  .extend({
    fast: z.number().int().min(1).max(500).default(10),
    slow: z.number().int().min(2).max(2000).default(30),
    /** Dollars per contract per side. */
    feePerSide: z.number().min(0).max(100).default(2.5),
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** Retry-safe enqueue: the same key always names the same job. */
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,120}$/, "1-120 of A-Z a-z 0-9 : _ . -")
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.fast >= v.slow)
      ctx.addIssue({ code: "custom", path: ["slow"], message: "must be greater than fast" });
    toBarsRequest(v, ctx);
  });

export type BacktestInput = z.input<typeof backtestInput>;

/** What a job stores as its payload: the request as given (ISO times), so a retry is identical. */
export interface BacktestPayload {
  readonly symbol: string;
  readonly tf: "1m" | "5m";
  readonly start: string;
  readonly end: string;
  readonly fast: number;
  readonly slow: number;
  readonly feePerSide: number;
}

/** Dollars per index point for the roots we know; 1 otherwise (results are then in points). */
export const POINT_VALUE: Record<string, number> = {
  ES: 50,
  MES: 5,
  NQ: 20,
  MNQ: 2,
  YM: 5,
  RTY: 50,
};
