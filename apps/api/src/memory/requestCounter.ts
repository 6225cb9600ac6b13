import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";

const SERVER_START = "http.server.request.start";
/** fetch (undici) requests this process sends: the runner's to the target. */
const CLIENT_START = "undici:request:create";
const CLIENT_ENDS = ["undici:request:trailers", "undici:request:error"];
const IDLE_POLL_MS = 5;

/**
 * Requests this process serves, from node:http's diagnostics channel (every server in
 * the process, so nothing in the HTTP stack has to report them): how many began since
 * the previous `take` (the per-sample count behind "retained bytes per 1,000 requests"),
 * and how many are in flight now (a response ends on `close`, finished or aborted);
 * plus the fetch requests it sends that are still being answered (undici's channels).
 */
export class RequestCounter {
  #began = 0;
  #inFlight = 0;
  #sending = 0;
  readonly #onSend = () => {
    this.#sending++;
  };
  readonly #onSent = () => {
    this.#sending = Math.max(0, this.#sending - 1);
  };
  readonly #onRequest = (message: unknown) => {
    this.#began++;
    const response = (message as { response?: ServerResponse }).response;
    if (!response) return;
    this.#inFlight++;
    response.once("close", () => {
      this.#inFlight--;
    });
  };

  constructor() {
    subscribe(SERVER_START, this.#onRequest);
    subscribe(CLIENT_START, this.#onSend);
    for (const c of CLIENT_ENDS) subscribe(c, this.#onSent);
  }

  take(): number {
    const n = this.#began;
    this.#began = 0;
    return n;
  }

  /** Requests being served plus fetch requests being answered. */
  get inFlight(): number {
    return this.#inFlight + this.#sending;
  }

  /** Resolves once nothing is in flight either way, or after `maxMs`; true when it was idle. */
  async idle(maxMs: number): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
    }
    return this.inFlight === 0;
  }

  close(): void {
    unsubscribe(SERVER_START, this.#onRequest);
    unsubscribe(CLIENT_START, this.#onSend);
    for (const c of CLIENT_ENDS) unsubscribe(c, this.#onSent);
  }
}
