import type { IncomingHttpHeaders } from "node:http";
import { type Dispatcher, Pool } from "undici";
import type { HeadersFor } from "./types.ts";
import type { LoadRequest } from "./workload.ts";

/** How one request ended, as the level counts it. */
export type Outcome =
  | {
      readonly kind: "answered";
      readonly status: number;
      /** An enqueue's answer: the job id it carried (the scale-out/in check looks for each). */
      readonly jobId?: string;
    }
  | { readonly kind: "failed"; readonly status: number }
  | { readonly kind: "shed"; readonly code: string }
  | { readonly kind: "error"; readonly reason: string };

/** Which instance (and which boot of it) answered, from its `x-instance-id` / `x-boot-id` headers. */
export interface ServedBy {
  readonly instanceId: string;
  readonly bootId: string | null;
}

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
};

const JSON_TYPE = { "content-type": "application/json" };
const NO_HEADERS = {};

/** `{"error":{"code":"MEMORY_PRESSURE"}}` (the edge's shape) -> its code; else "none". */
const codeOf = (chunks: readonly Buffer[]): string => {
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      error?: { code?: unknown };
    } | null;
    return typeof body?.error?.code === "string" ? body.error.code : "none";
  } catch {
    return "none";
  }
};

/** `{"id":"..."}` (an enqueue's 202, or 200 for a repeated idempotency key) -> the job id. */
const jobIdOf = (chunks: readonly Buffer[]): string | null => {
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id?: unknown } | null;
    return typeof body?.id === "string" && body.id !== "" ? body.id : null;
  } catch {
    return null;
  }
};

const reasonOf = (error: unknown): string => {
  const e = error as { code?: unknown; name?: unknown } | null;
  return String(e?.code ?? e?.name ?? "unknown");
};

/**
 * One request on undici's dispatcher API (no streams: the body is read to its last byte
 * and dropped, except a 503's, parsed for its code, and an enqueue's 2xx, parsed for its
 * job id). `onDone` runs exactly once, when the pool is finished with the request,
 * whether it was answered, failed or aborted.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | null = null;
  #aborted: Error | null = null;
  #status = 0;
  #chunks: Buffer[] | null = null;
  #by: ServedBy | null = null;
  #done = false;

  private readonly onDone: (outcome: Outcome, by: ServedBy | null) => void;
  private readonly enqueue: boolean;
  constructor(onDone: (outcome: Outcome, by: ServedBy | null) => void, enqueue: boolean = false) {
    this.onDone = onDone;
    this.enqueue = enqueue;
  }

  /** Gives up on the request: on its connection, or (still queued) as soon as it starts. */
  abort(reason: Error): void {
    if (this.#controller) this.#controller.abort(reason);
    else this.#aborted ??= reason;
  }

  finish(outcome: Outcome): void {
    if (this.#done) return;
    this.#done = true;
    this.onDone(outcome, this.#by);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#aborted) controller.abort(this.#aborted);
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (status < 200) return;
    this.#status = status;
    const instanceId = header(headers, "x-instance-id");
    if (instanceId) this.#by = { instanceId, bootId: header(headers, "x-boot-id") };
    if (status === 503 || (this.enqueue && status >= 200 && status < 300)) this.#chunks = [];
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks?.push(chunk);
  }

  onResponseEnd(): void {
    const s = this.#status;
    if (s === 503) this.finish({ kind: "shed", code: codeOf(this.#chunks ?? []) });
    else if (s < 200 || s >= 300) this.finish({ kind: "failed", status: s });
    else {
      const jobId = this.enqueue ? jobIdOf(this.#chunks ?? []) : null;
      this.finish(
        jobId === null ? { kind: "answered", status: s } : { kind: "answered", status: s, jobId },
      );
    }
  }

  onResponseError(_c: Dispatcher.DispatchController | null, error: Error): void {
    this.finish({ kind: "error", reason: reasonOf(error) });
  }
}

/**
 * Hands one request to the keep-alive pool. While every connection is busy it waits in
 * undici's queue; that wait is part of its latency (counted from the intended time).
 */
export const send = (
  pool: Dispatcher,
  req: LoadRequest,
  headersFor: HeadersFor | undefined,
  onDone: (outcome: Outcome, by: ServedBy | null) => void,
): Exchange => {
  const exchange = new Exchange(onDone, req.kind === "backtest");
  try {
    const signed = headersFor ? headersFor(req.method, req.path) : NO_HEADERS;
    pool.dispatch(
      {
        method: req.method,
        path: req.path,
        headers: req.body === undefined ? signed : { ...signed, ...JSON_TYPE },
        body: req.body ?? null,
      },
      exchange,
    );
  } catch (error) {
    exchange.onResponseError(null, error as Error);
  }
  return exchange;
};

/**
 * The keep-alive pool a level or closed loop sends on. undici's own headers and body
 * timers are off (0): the caller owns each request's deadline (a level times a request
 * out from its intended send time and aborts it), and those timers cost a timer per
 * request on the generator's thread for nothing.
 */
export const loadPool = (target: string, connections: number): Pool =>
  new Pool(new URL(target).origin, {
    connections,
    pipelining: 1,
    headersTimeout: 0,
    bodyTimeout: 0,
  });

/** `send` as a promise, for callers that take one request at a time. */
export const sendOne = (pool: Dispatcher, req: LoadRequest, headersFor?: HeadersFor) =>
  new Promise<Outcome>((resolve) => send(pool, req, headersFor, resolve));
