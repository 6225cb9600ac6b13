import { Schema } from "effect";

/** The target did not answer at all (connection refused, reset, timed out). */
export class TargetUnreachable extends Schema.TaggedError<TargetUnreachable>()(
  "TargetUnreachable",
  { url: Schema.String, message: Schema.String },
) {}

/** The target answered 502/503/504: a gateway lost the answer or an instance shed; worth retrying. */
export class TargetUnavailable extends Schema.TaggedError<TargetUnavailable>()(
  "TargetUnavailable",
  { status: Schema.Number, code: Schema.NullOr(Schema.String) },
) {}

/** A profile could not set itself up (no data for the symbol, bad range...): the run is an error, not a FAIL. */
export class ProfileSetupFailed extends Schema.TaggedError<ProfileSetupFailed>()(
  "ProfileSetupFailed",
  { step: Schema.String, message: Schema.String },
) {}

export type ProfileError = TargetUnreachable | ProfileSetupFailed;
