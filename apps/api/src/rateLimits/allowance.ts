/** What Redis handed out: up to the points asked for, and how long the window still runs. */
export interface Grant {
  readonly taken: number;
  readonly windowLeftMs: number;
}

/** Takes up to `points` of a client's shared allowance (atomically, in Redis). */
export type Take = (client: string, points: number) => Promise<Grant>;

/** A client's points this instance took from the shared count and has not spent yet. */
interface Purse {
  points: number;
  /** Taken by this instance in this window: sizes the next take. */
  taken: number;
  /** On this instance's clock, never after the window's end in Redis. */
  windowEnd: number;
  /** Redis had fewer than asked: the allowance is used up until windowEnd. */
  usedUp: boolean;
  pending: Promise<void> | undefined;
}

export interface AllowanceOptions {
  readonly limit: number;
  readonly now?: () => number;
  /** Purses kept at most; beyond, the oldest go (their unspent points are only lost). */
  readonly maxClients?: number;
}

/** A client's first reads in a window are taken one by one; this many, then in batches. */
const ONE_BY_ONE = 8;
/** A take asks for a quarter of what the client already took here... */
const GROWTH = 4;
/** ...and never more than a twentieth of its allowance. */
const SHARE = 20;

/**
 * A per-instance in-memory front for a limit counted in Redis: a point is spent locally
 * when this instance already holds one of the client's points, and only otherwise
 * does the request wait for Redis, which hands out a batch. So the clients that read
 * most (the ones a limit is for) touch Redis for it once every few dozen reads, not on
 * each one. Every point was taken from the shared count first, so all instances together
 * never admit more than the limit in a window. The price is the other way: points an
 * instance holds but the client does not spend there are lost, so a client spread over
 * k instances may be refused up to (k - 1) x (limit / 20 - 1) reads early (0 when the
 * limit is under 40 or it reads at most 8 times per window per instance). Once Redis has
 * no more, the client is refused here until the window ends, without asking again.
 */
export class Allowance {
  readonly #purses = new Map<string, Purse>();
  readonly #now: () => number;
  readonly #cap: number;
  readonly #maxClients: number;

  private readonly take: Take;
  constructor(take: Take, options: AllowanceOptions) {
    this.take = take;
    this.#now = options.now ?? (() => performance.now());
    this.#cap = Math.max(1, Math.floor(options.limit / SHARE));
    this.#maxClients = options.maxClients ?? 20_000;
  }

  /**
   * Spends one of the client's points: undefined when admitted, else the ms until its
   * window ends. Rejects when Redis cannot be asked (the caller decides what that means).
   */
  async spend(client: string): Promise<number | undefined> {
    for (;;) {
      const now = this.#now();
      let purse = this.#purses.get(client);
      if (purse && !purse.pending && now >= purse.windowEnd) {
        this.#purses.delete(client); // the window is over, and what was left with it
        purse = undefined;
      }
      if (purse && purse.points > 0) {
        purse.points -= 1;
        return undefined;
      }
      if (purse?.usedUp) return purse.windowEnd - now;
      if (!purse) purse = this.#open(client);
      // One take at a time per client: concurrent requests wait for it, then spend.
      if (!purse.pending) {
        const p = purse;
        p.pending = this.#refill(client, p, now).finally(() => {
          p.pending = undefined;
        });
      }
      await purse.pending;
    }
  }

  /** Purses held (for tests and metrics). */
  get clients(): number {
    return this.#purses.size;
  }

  async #refill(client: string, purse: Purse, askedAt: number): Promise<void> {
    const want = Math.min(this.#cap, Math.max(1, Math.floor(purse.taken / GROWTH)));
    const points = purse.taken < ONE_BY_ONE ? 1 : want;
    const grant = await this.take(client, points);
    purse.points += grant.taken;
    purse.taken += grant.taken;
    // Measured from before the question: the local end is never after Redis's.
    purse.windowEnd = askedAt + grant.windowLeftMs;
    purse.usedUp = grant.taken < points;
  }

  #open(client: string): Purse {
    if (this.#purses.size >= this.#maxClients) this.#sweep();
    const purse: Purse = { points: 0, taken: 0, windowEnd: 0, usedUp: false, pending: undefined };
    this.#purses.set(client, purse);
    return purse;
  }

  /**
   * Drops ended windows, then the oldest purses (none mid-take) down to nine tenths of
   * the cap: a scan frees room for a tenth of the cap's new clients, so a stream of new
   * addresses does not pay a full scan each. A dropped purse's unspent points are lost
   * (the client is refused early, never admitted beyond the limit).
   */
  #sweep(): void {
    const now = this.#now();
    const room = Math.floor(this.#maxClients * 0.9);
    for (const [client, p] of this.#purses) {
      if (!p.pending && now >= p.windowEnd) this.#purses.delete(client);
    }
    for (const [client, p] of this.#purses) {
      if (this.#purses.size <= room) return;
      if (!p.pending) this.#purses.delete(client);
    }
  }
}
