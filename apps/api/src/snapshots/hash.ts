import { createHash } from "node:crypto";
import type { Snapshot } from "./contract.ts";

/**
 * The canonical encoding of a snapshot: JSON of exactly these fields, keys sorted at every
 * level, `barTime` as UTC ISO 8601 with milliseconds, numbers as JavaScript prints them
 * (the shortest round-trip form), absent optional fields left out. Whoever re-reads a
 * stored row (a profile, an audit) re-encodes it and gets the same bytes.
 */
export const canonicalEncoding = (s: Snapshot): string =>
  JSON.stringify(sortKeys({ ...s, barTime: new Date(s.barTime).toISOString() }));

/** sha256 hex of the canonical encoding: stored with each row. */
export const contentHash = (s: Snapshot): string =>
  createHash("sha256").update(canonicalEncoding(s)).digest("hex");

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
};
