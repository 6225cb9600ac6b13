import { check } from "../../check.ts";
import type { Check } from "../../schema.ts";

/** Redis counter, persisted events and the upstream's own count (when it can tell) must be one number. */
export const agreement = (
  step: string,
  name: string,
  redis: number,
  persisted: number,
  upstream: number | null,
): Check =>
  check(
    step,
    name,
    "redis = events = upstream",
    `redis ${redis}, events ${persisted}, upstream ${upstream ?? "not observable"}`,
    () => redis === persisted && (upstream === null || upstream === redis),
  );
