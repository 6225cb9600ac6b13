import {
  ProviderBadRequest,
  type ProviderError,
  ProviderRateLimited,
  ProviderUnauthorized,
  ProviderUnavailable,
} from "@scaleproof/core/bars/errors";
import { parseRetryAfterMs } from "./retryAfter.ts";

const MAX_MESSAGE = 500;

/** Collapses whitespace (messages are logged as one line) and bounds the length. */
export const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** One FastAPI validation entry `{loc: ["body", "start"], msg, type}` -> "body.start: msg". */
const describeValidation = (item: unknown): string => {
  if (!isRecord(item)) return String(item);
  const loc = Array.isArray(item.loc) ? item.loc.map(String).join(".") : undefined;
  const msg = typeof item.msg === "string" ? item.msg : JSON.stringify(item);
  return loc ? `${loc}: ${msg}` : msg;
};

/**
 * Databento's `detail` comes in three shapes: a plain string (rate limits, internal
 * errors), an object `{case, message, status_code, docs, payload}` (rejections it
 * explains) or a FastAPI validation array `[{loc, msg, type}]` (bad parameters).
 */
export const describeDetail = (detail: unknown): string => {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map(describeValidation).join("; ");
  if (isRecord(detail)) {
    const kase = typeof detail.case === "string" ? detail.case : undefined;
    const message = typeof detail.message === "string" ? detail.message : undefined;
    if (kase && message) return `${kase}: ${message}`;
    if (message ?? kase) return (message ?? kase) as string;
  }
  return JSON.stringify(detail);
};

/** The body of an error answer: JSON with `detail` normally, but a proxy may send HTML. */
export const describeErrorBody = (body: string): string => {
  if (body.trim() === "") return "";
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && "detail" in parsed) return describeDetail(parsed.detail);
    if (isRecord(parsed) && typeof parsed.message === "string") return parsed.message;
    return JSON.stringify(parsed);
  } catch {
    // Not JSON (an HTML error page from a gateway): its text is still the best clue.
    return body.replace(/<[^>]*>/g, " ");
  }
};

/**
 * Maps a non-2xx answer to the typed error. 401/403: credentials; 429: rate limited, with
 * Retry-After honoured; 408 and 5xx: the provider is unavailable (retrying may help);
 * every other 4xx: the request itself is wrong (retrying will not help).
 */
export const errorFromResponse = (
  context: string,
  status: number,
  retryAfter: string | null,
  body: string,
  nowMs = Date.now(),
): ProviderError => {
  const described = oneLine(describeErrorBody(body));
  const message = oneLine(`${context} ${status}${described ? `: ${described}` : ""}`);
  if (status === 401 || status === 403) return new ProviderUnauthorized({ status, message });
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(retryAfter, nowMs);
    return new ProviderRateLimited({
      retryAfterMs,
      message: `${message} (retry after ${retryAfterMs} ms)`,
    });
  }
  if (status === 408 || status >= 500 || status < 400) {
    return new ProviderUnavailable({ status, message });
  }
  return new ProviderBadRequest({ status, message });
};

/**
 * Why a fetch failed. undici reports "fetch failed" with the system error as `cause`
 * (an AggregateError when several addresses were tried), so the cause is the useful part.
 */
export const describeNetworkError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    return `${error.message}: ${cause.errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")}`;
  }
  if (cause instanceof Error && cause.message) return `${error.message}: ${cause.message}`;
  return error.message;
};
