import {
  ProviderBadRequest,
  type ProviderError,
  ProviderRateLimited,
  ProviderUnauthorized,
  ProviderUnavailable,
} from "@scaleproof/core/bars/errors";
import type { Bar } from "@scaleproof/core/bars/types";
import type { BarsProvider, DatasetRange, GetRangeRequest, GetRangeResult } from "../types.ts";
import { parseOhlcvCsv } from "./csv.ts";
import { decodeDbn, ohlcvToBar, RTYPE_OHLCV_1M } from "./dbn.ts";
import { describeNetworkError, errorFromResponse, oneLine } from "./httpError.ts";
import { undecodable } from "./undecodable.ts";

export const DATABENTO_BASE_URL = "https://hist.databento.com";
const SCHEMA = "ohlcv-1m";
const DEFAULT_TIMEOUT_MS = 60_000;

export interface DatabentoClientOptions {
  /** Sent as the HTTP Basic user name (empty password). Never appears in an error. */
  readonly apiKey: string;
  readonly baseUrl?: string | undefined;
  /** `replay` is this same client pointed at the local replay upstream. */
  readonly name?: "databento" | "replay" | undefined;
  /** dbn (zstd-compressed, the smallest on the wire) or csv. Default dbn. */
  readonly encoding?: "dbn" | "csv" | undefined;
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Whole-call budget (connect, headers and body). Default 60 s. */
  readonly timeoutMs?: number | undefined;
}

interface Received {
  readonly body: Uint8Array;
  /** Bytes on the wire: the body as received, or Content-Length if it was content-encoded. */
  readonly bytesIn: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The real Databento historical client (`timeseries.get_range` for ohlcv-1m bars and
 * `metadata.get_dataset_range`). Every failure rejects with one of the typed provider
 * errors; messages name the endpoint and status and never contain the API key.
 */
export const createDatabentoClient = (options: DatabentoClientOptions): BarsProvider => {
  const { apiKey } = options;
  if (!apiKey) throw new Error("createDatabentoClient: apiKey is empty");
  const baseUrl = (options.baseUrl ?? DATABENTO_BASE_URL).replace(/\/+$/, "");
  const name = options.name ?? "databento";
  const encoding = options.encoding ?? "dbn";
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const authorization = `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`;

  // Belt and braces: the key is only ever in a header, but an upstream could echo it.
  const redact = (text: string) => text.replaceAll(apiKey, "<api key>");
  const unavailable = (status: number, message: string) =>
    new ProviderUnavailable({ status, message: redact(oneLine(message)) });

  /** One HTTP call; 2xx -> the body, anything else -> a typed error. */
  const call = async (
    endpoint: string,
    url: string,
    init: {
      readonly method: "GET" | "POST";
      readonly body?: URLSearchParams;
      readonly accept: string;
    },
    signal: AbortSignal | undefined,
  ): Promise<Received> => {
    const context = `${name} ${endpoint}`;
    if (signal?.aborted) throw unavailable(0, `${context}: aborted by the caller before sending`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers = { accept: init.accept, authorization };
    try {
      const res = await doFetch(url, {
        method: init.method,
        headers,
        signal: combined,
        ...(init.body ? { body: init.body } : {}),
      });
      if (!res.ok) {
        const text = await res.text();
        throw errorFromResponse(context, res.status, res.headers.get("retry-after"), redact(text));
      }
      const body = new Uint8Array(await res.arrayBuffer());
      const length = Number(res.headers.get("content-length"));
      const encoded = res.headers.has("content-encoding") && Number.isInteger(length) && length > 0;
      return { body, bytesIn: encoded ? length : body.byteLength };
    } catch (error) {
      if (isProviderError(error)) throw error;
      if (signal?.aborted) throw unavailable(0, `${context}: aborted by the caller`);
      if (timeout.aborted) throw unavailable(0, `${context}: timed out after ${timeoutMs} ms`);
      throw unavailable(0, `${context}: ${describeNetworkError(error)}`);
    }
  };

  /** Decoding failures become ProviderUnavailable naming the endpoint. */
  const decode = <T>(endpoint: string, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw unavailable(200, `${name} ${endpoint}: ${message}`);
    }
  };

  return {
    name,

    async getRange(request: GetRangeRequest, signal?: AbortSignal): Promise<GetRangeResult> {
      const form = new URLSearchParams({
        dataset: request.dataset,
        symbols: request.symbol,
        schema: SCHEMA,
        start: request.start.toString(),
        end: request.end.toString(),
        stype_in: request.stypeIn,
        stype_out: "instrument_id",
        encoding,
        compression: encoding === "dbn" ? "zstd" : "none",
      });
      if (encoding === "csv") {
        // Integer prices and timestamps: exact, and what parseOhlcvCsv expects.
        form.set("map_symbols", "true");
        form.set("pretty_px", "false");
        form.set("pretty_ts", "false");
      }
      const { body, bytesIn } = await call(
        "timeseries.get_range",
        `${baseUrl}/v0/timeseries.get_range`,
        { method: "POST", body: form, accept: "*/*" },
        signal,
      );
      const bars = decode("timeseries.get_range", () =>
        encoding === "csv" ? parseOhlcvCsv(decodeText(body)) : dbnBars(body),
      );
      return { bars: inTimeOrder(bars), bytesIn };
    },

    async getDatasetRange(dataset: string): Promise<DatasetRange> {
      const query = new URLSearchParams({ dataset });
      const { body } = await call(
        "metadata.get_dataset_range",
        `${baseUrl}/v0/metadata.get_dataset_range?${query}`,
        { method: "GET", accept: "application/json" },
        undefined,
      );
      return decode("metadata.get_dataset_range", () => datasetRange(decodeText(body)));
    },
  };
};

const isProviderError = (e: unknown): e is ProviderError =>
  e instanceof ProviderUnauthorized ||
  e instanceof ProviderBadRequest ||
  e instanceof ProviderRateLimited ||
  e instanceof ProviderUnavailable;

const decodeText = (body: Uint8Array): string => {
  try {
    return utf8.decode(body);
  } catch {
    throw undecodable("body is not UTF-8 text");
  }
};

/** We ask for ohlcv-1m; any other record type would be a misunderstanding, not bars. */
const dbnBars = (body: Uint8Array): Bar[] => {
  const { records } = decodeDbn(body);
  const other = records.find((r) => r.rtype !== RTYPE_OHLCV_1M);
  if (other) {
    throw undecodable(
      `expected ohlcv-1m records (rtype 0x21), got rtype 0x${other.rtype.toString(16)}`,
    );
  }
  return records.map(ohlcvToBar);
};

/** Databento answers in time order; sorting only if it did not keeps that a guarantee. */
const inTimeOrder = (bars: Bar[]): Bar[] => {
  for (let i = 1; i < bars.length; i++) {
    if ((bars[i] as Bar).tsEvent < (bars[i - 1] as Bar).tsEvent) {
      return bars.sort((a, b) => (a.tsEvent < b.tsEvent ? -1 : a.tsEvent > b.tsEvent ? 1 : 0));
    }
  }
  return bars;
};

const isRange = (v: unknown): v is { start: string; end: string } =>
  typeof v === "object" &&
  v !== null &&
  "start" in v &&
  "end" in v &&
  typeof v.start === "string" &&
  typeof v.end === "string" &&
  !Number.isNaN(Date.parse(v.start)) &&
  !Number.isNaN(Date.parse(v.end));

/**
 * `{start, end, schema: {"ohlcv-1m": {start, end}, ...}}` (ISO 8601, end exclusive). The
 * ohlcv-1m range is the one that matters (it can be narrower than the dataset's); the
 * top-level range is the fallback, and the older `{start_date, end_date}` answer too.
 */
const datasetRange = (text: string): DatasetRange => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw undecodable(`not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (typeof parsed === "object" && parsed !== null) {
    const body = parsed as Record<string, unknown>;
    const perSchema = (body.schema as Record<string, unknown> | undefined)?.[SCHEMA];
    if (isRange(perSchema)) return { start: perSchema.start, end: perSchema.end };
    if (isRange(body)) return { start: body.start, end: body.end };
    const legacy = { start: body.start_date, end: body.end_date };
    if (isRange(legacy)) return legacy;
  }
  throw undecodable(`no start/end in ${JSON.stringify(text.slice(0, 200))}`);
};
