/** When a 429 carries no usable Retry-After, wait this long before asking again. */
export const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * Retry-After (RFC 9110 10.2.3) as milliseconds from `nowMs`: either delay-seconds or an
 * HTTP date. A date in the past means "now" (0). Absent or unparseable -> the default,
 * so a rate limit is never turned into an immediate retry storm by a bad header.
 */
export const parseRetryAfterMs = (value: string | null | undefined, nowMs = Date.now()): number => {
  const v = value?.trim();
  if (!v) return DEFAULT_RETRY_AFTER_MS;
  // Fractions are not in the RFC, but some servers send them; a number is never a date.
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(0, at - nowMs);
};
