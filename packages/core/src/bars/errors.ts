import { Schema } from "effect";

/** The provider rejected our credentials (401/403). */
export class ProviderUnauthorized extends Schema.TaggedError<ProviderUnauthorized>()(
  "ProviderUnauthorized",
  { status: Schema.Number, message: Schema.String },
) {}

/** The provider rejected the request itself (400/404/422): the caller's input is wrong. */
export class ProviderBadRequest extends Schema.TaggedError<ProviderBadRequest>()(
  "ProviderBadRequest",
  { status: Schema.Number, message: Schema.String },
) {}

/** 429: the provider asks us to come back after `retryAfterMs`. */
export class ProviderRateLimited extends Schema.TaggedError<ProviderRateLimited>()(
  "ProviderRateLimited",
  { retryAfterMs: Schema.Number, message: Schema.String },
) {}

/** 5xx, or the provider could not be reached / answered something we cannot decode. */
export class ProviderUnavailable extends Schema.TaggedError<ProviderUnavailable>()(
  "ProviderUnavailable",
  { status: Schema.Number, message: Schema.String },
) {}

export type ProviderError =
  | ProviderUnauthorized
  | ProviderBadRequest
  | ProviderRateLimited
  | ProviderUnavailable;

/** A waiter's budget ran out before the lease holder filled the key. Never falls through. */
export class StampedeTimeout extends Schema.TaggedError<StampedeTimeout>()("StampedeTimeout", {
  cacheKey: Schema.String,
  waitedMs: Schema.Number,
}) {}

/** The requested range lies outside the data the provider has. */
export class RangeUnavailable extends Schema.TaggedError<RangeUnavailable>()("RangeUnavailable", {
  message: Schema.String,
  availableStart: Schema.String,
  availableEnd: Schema.String,
}) {}
