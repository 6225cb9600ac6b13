import { z } from "zod";
import { requestMatch } from "./match.ts";

/**
 * The wire shapes of the replay's own `/_replay` routes, in one place: the routes' answers
 * are typed against these schemas and the client (client.ts) parses with them. Requests
 * are validated by `requestMatch` (match.ts), `statsQuery` below and `knobsBody`
 * (knobsSchema.ts).
 */

/** `GET /_replay/stats` query: which requests to count, and how many recent entries to list. */
export const statsQuery = requestMatch.extend({
  recent: z.coerce.number().int().min(0).max(10_000).default(50),
});

const count = z.int().min(0);

const tally = z.object({
  requests: count,
  pending: count,
  injected: count,
  /** Answered requests by HTTP status ("200", "429", ...). */
  byStatus: z.record(z.string(), count),
});

const logEntry = z.object({
  seq: z.int(),
  at: z.string(),
  endpoint: z.enum(["get_range", "get_dataset_range", "other"]),
  dataset: z.string().optional(),
  symbol: z.string().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  status: z.union([z.int(), z.literal("pending")]),
  injected: z.boolean(),
});

/** `GET /_replay/stats`: exact totals, the same for the requests matching the filter, recent entries. */
export const statsResponse = z.object({
  total: tally.extend({ byEndpoint: z.record(z.string(), count) }),
  matched: tally.extend({ get_range: count, get_dataset_range: count, other: count }),
  /** The filter as applied: times as ns strings. */
  filter: z.object({
    symbol: z.string().optional(),
    start: z.string().optional(),
    end: z.string().optional(),
  }),
  log: z.object({ capacity: count, kept: count, trimmed: count, recent: z.array(logEntry) }),
});
export type StatsResponse = z.infer<typeof statsResponse>;

/** `GET`/`POST /_replay/knobs`: the rules in force, failures left included. */
export const knobsView = z.object({
  defaultLatencyMs: z.int(),
  rules: z.array(
    z.object({
      match: requestMatch.optional(),
      latencyMs: z.int().optional(),
      fail: z.object({ status: z.int(), count, retryAfterSec: count, remaining: count }).optional(),
    }),
  ),
});
export type KnobsView = z.infer<typeof knobsView>;

/** `GET /_replay/health`: what was loaded, from where. */
export const healthResponse = z.object({
  status: z.literal("ok"),
  dataDir: z.string(),
  datasets: z.array(
    z.object({
      dataset: z.string(),
      contracts: z.array(z.string()),
      bars: count,
      start: z.string(),
      end: z.string(),
    }),
  ),
});
export type HealthResponse = z.infer<typeof healthResponse>;

/** `POST /_replay/reset`. */
export const resetResponse = z.object({ ok: z.literal(true) });
export type ResetResponse = z.infer<typeof resetResponse>;
