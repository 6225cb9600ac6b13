import { z } from "zod";
import type { RequestKey } from "./requestLog.ts";
import { parseTime } from "./time.ts";

/** A timestamp as a test writes it (ISO 8601 or ns), compared as ns. */
export const timeText = z
  .string()
  .refine((s) => parseTime(s) !== undefined, "must be an ISO 8601 datetime or integer nanoseconds");

/** Which requests a stats query or a knob is about; every field left out matches anything. */
export const requestMatch = z.strictObject({
  symbol: z.string().min(1).max(64).optional(),
  start: timeText.optional(),
  end: timeText.optional(),
});

export type RequestMatch = z.infer<typeof requestMatch>;

/** ns text for a parseable time, the input otherwise: the form request keys are stored in. */
export const normaliseTime = (s: string | undefined): string | undefined =>
  s === undefined ? undefined : (parseTime(s)?.ns.toString() ?? s);

/**
 * A range is matched by its instants, not its spelling: `2013-10-07T14:00:00Z` and
 * `1381154400000000000` are the same start.
 */
export const matches = (m: RequestMatch | undefined, key: RequestKey): boolean =>
  !m ||
  ((m.symbol === undefined || m.symbol === key.symbol) &&
    (m.start === undefined || normaliseTime(m.start) === key.start) &&
    (m.end === undefined || normaliseTime(m.end) === key.end));
