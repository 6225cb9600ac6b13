import {
  type QueryReading,
  type StreamReport,
  Streams,
} from "@scaleproof/core/scale-test/profiles/streams/service";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { Effect, Layer } from "effect";

const CONNECT_TIMEOUT_MS = 10_000;
const METRICS_TIMEOUT_MS = 2_000;

interface Held {
  instanceId: string | null;
  events: number;
  ended: string | null;
  closing: boolean;
  readonly abort: AbortController;
  connected: Promise<void>;
}

/** The frames of an SSE body: yields each frame's `event` name ("message" when unnamed). */
async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = frame.split("\n");
      if (!lines.some((l) => l.startsWith("data:") || l.startsWith("event:"))) continue;
      const named = lines.find((l) => l.startsWith("event:"));
      yield named ? named.slice(6).trim() : "message";
    }
  }
}

/** Sums a counter's samples (every label set) in a Prometheus text body. */
export const counterTotal = (text: string, name: string): number | null => {
  let total: number | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      const v = Number(line.slice(line.lastIndexOf(" ") + 1));
      if (Number.isFinite(v)) total = (total ?? 0) + v;
    }
  }
  return total;
};

/**
 * The runner's progress streams: its own run's `scaleTest.onProgress` subscription over
 * SSE through the front door (which instance serves each, from `x-instance-id`), and each
 * instance's `scaleproof_pg_queries_total` from its /metrics, pinned to it.
 */
export const streamsLayer = (
  targetUrl: string,
  runId: string,
  adminToken: string | undefined,
): Layer.Layer<Streams> => {
  const auth: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  let held: Held[] = [];

  const hold = (): Held => {
    const h: Held = {
      instanceId: null,
      events: 0,
      ended: null,
      closing: false,
      abort: new AbortController(),
      connected: Promise.resolve(),
    };
    const url = new URL("/trpc/scaleTest.onProgress", targetUrl);
    url.searchParams.set("input", JSON.stringify({ runId }));
    let connected: () => void = () => {};
    h.connected = new Promise<void>((resolve) => {
      connected = resolve;
      setTimeout(resolve, CONNECT_TIMEOUT_MS).unref();
    });
    void (async () => {
      try {
        const res = await fetch(url, {
          headers: { ...auth, accept: "text/event-stream" },
          signal: h.abort.signal,
        });
        h.instanceId = res.headers.get(HEADERS.instanceId);
        connected();
        if (res.status !== 200 || !res.body) {
          h.ended = `HTTP ${res.status}`;
          await res.body?.cancel();
          return;
        }
        for await (const event of sseEvents(res.body)) {
          if (event === "message") h.events++;
          else if (event === "return") {
            h.ended = `the server ended the stream after ${h.events} events`;
            break;
          } else if (event === "serialized-error") {
            h.ended = "the server sent an error";
            break;
          }
        }
        h.ended ??= "the connection closed";
      } catch (error) {
        h.ended ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      } finally {
        connected();
        if (!h.closing) h.abort.abort();
      }
    })();
    return h;
  };

  const reportOf = (h: Held): StreamReport => ({
    instanceId: h.instanceId,
    events: h.events,
    dropped: h.instanceId === null || h.ended !== null,
    detail: h.instanceId === null ? (h.ended ?? "never connected") : h.ended,
  });

  const reading = async (instanceId: string): Promise<QueryReading> => {
    try {
      const res = await fetch(new URL("/metrics", targetUrl), {
        headers: { ...auth, [HEADERS.routeTo]: instanceId },
        signal: AbortSignal.timeout(METRICS_TIMEOUT_MS),
      });
      const text = await res.text();
      const own = res.ok && res.headers.get(HEADERS.instanceId) === instanceId;
      return {
        instanceId,
        at: Date.now(),
        queries: own ? counterTotal(text, "scaleproof_pg_queries_total") : null,
      };
    } catch {
      return { instanceId, at: Date.now(), queries: null };
    }
  };

  return Layer.effect(
    Streams,
    Effect.gen(function* () {
      // Whatever happens to the run, no stream outlives it.
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          for (const h of held) {
            h.closing = true;
            h.abort.abort();
          }
        }),
      );
      return Streams.of({
        open: (count) =>
          Effect.promise(async () => {
            const opened = Array.from({ length: count }, hold);
            held = [...held, ...opened];
            await Promise.all(opened.map((h) => h.connected));
          }),
        reports: Effect.sync(() => held.map(reportOf)),
        close: Effect.sync(() => {
          const reports = held.map(reportOf);
          for (const h of held) {
            h.closing = true;
            h.abort.abort();
          }
          held = [];
          return reports;
        }),
        queries: (ids) => Effect.promise(() => Promise.all(ids.map(reading))),
      });
    }),
  );
};
