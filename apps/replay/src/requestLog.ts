/**
 * Every upstream request, counted the moment it arrives (so a test can see a fetch that
 * is still in flight) and given its status when answered. Recent entries are kept in a
 * bounded ring for inspection; the counts live in per-(endpoint, symbol, start, end)
 * aggregates, so they stay exact after old entries are trimmed.
 */

export type Endpoint = "get_range" | "get_dataset_range" | "other";

export interface RequestKey {
  readonly endpoint: Endpoint;
  readonly dataset?: string | undefined;
  readonly symbol?: string | undefined;
  /** ns as a decimal string when the request's value parsed, else the value as sent. */
  readonly start?: string | undefined;
  readonly end?: string | undefined;
}

export interface LogEntry extends RequestKey {
  readonly seq: number;
  readonly at: string;
  status: number | "pending";
  injected: boolean;
}

export interface Tally {
  requests: number;
  pending: number;
  injected: number;
  byStatus: Record<string, number>;
}

export const emptyTally = (): Tally => ({ requests: 0, pending: 0, injected: 0, byStatus: {} });

interface Aggregate extends Tally {
  readonly key: RequestKey;
}

export class RequestLog {
  #seq = 0;
  #trimmed = 0;
  readonly #recent: LogEntry[] = [];
  // Grows with the number of distinct (endpoint, symbol, range) keys, not with requests.
  readonly #aggregates = new Map<string, Aggregate>();

  readonly capacity: number;
  constructor(capacity: number = 1_000) {
    this.capacity = capacity;
  }

  /** Records an arriving request; call the returned function with its final status. */
  begin(key: RequestKey): (status: number, injected?: boolean) => void {
    const entry: LogEntry = {
      ...key,
      seq: ++this.#seq,
      at: new Date().toISOString(),
      status: "pending",
      injected: false,
    };
    this.#recent.push(entry);
    if (this.#recent.length > this.capacity) {
      this.#recent.shift();
      this.#trimmed++;
    }
    const id = [key.endpoint, key.dataset, key.symbol, key.start, key.end]
      .map((v) => v ?? "")
      .join("|");
    const agg = this.#aggregates.get(id) ?? { key, ...emptyTally() };
    this.#aggregates.set(id, agg);
    agg.requests++;
    agg.pending++;
    let done = false;
    return (status, injected = false) => {
      if (done) return;
      done = true;
      entry.status = status;
      entry.injected = injected;
      agg.pending--;
      agg.byStatus[status] = (agg.byStatus[status] ?? 0) + 1;
      if (injected) agg.injected++;
    };
  }

  /** One tally per distinct (endpoint, dataset, symbol, start, end), for the stats route to sum. */
  aggregates(): readonly Aggregate[] {
    return [...this.#aggregates.values()];
  }

  recent(limit: number): readonly LogEntry[] {
    return this.#recent.slice(-limit);
  }

  get size(): { kept: number; trimmed: number } {
    return { kept: this.#recent.length, trimmed: this.#trimmed };
  }

  reset(): void {
    this.#recent.length = 0;
    this.#aggregates.clear();
    this.#trimmed = 0;
  }
}
