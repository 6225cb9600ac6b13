import type { StatsResponse } from "./controlApi.ts";
import { matches, normaliseTime, type RequestMatch } from "./match.ts";
import { emptyTally, type RequestLog, type Tally } from "./requestLog.ts";

const add = (into: Tally, from: Tally) => {
  into.requests += from.requests;
  into.pending += from.pending;
  into.injected += from.injected;
  for (const [status, n] of Object.entries(from.byStatus))
    into.byStatus[status] = (into.byStatus[status] ?? 0) + n;
};

/**
 * The stats answer: exact totals, and the same figures for only the requests matching
 * `filter` (symbol as sent, start/end compared as instants), so concurrent tests that
 * use different ranges each count their own. `matched.get_range` is the usual figure.
 */
export const statsBody = (log: RequestLog, filter: RequestMatch, recent: number): StatsResponse => {
  const total = { ...emptyTally(), byEndpoint: {} as Record<string, number> };
  const matched = { ...emptyTally(), get_range: 0, get_dataset_range: 0, other: 0 };
  for (const agg of log.aggregates()) {
    add(total, agg);
    total.byEndpoint[agg.key.endpoint] = (total.byEndpoint[agg.key.endpoint] ?? 0) + agg.requests;
    if (!matches(filter, agg.key)) continue;
    add(matched, agg);
    matched[agg.key.endpoint] += agg.requests;
  }
  return {
    total,
    matched,
    filter: {
      symbol: filter.symbol,
      start: normaliseTime(filter.start),
      end: normaliseTime(filter.end),
    },
    log: { capacity: log.capacity, ...log.size, recent: [...log.recent(recent)] },
  };
};
