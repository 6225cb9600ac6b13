/**
 * Transitional: the services' old import path, for adapters outside this package that
 * have not moved to `@scaleproof/core/scale-test/services/<name>` yet (apps/api's
 * scaler.ts and target.ts). New code imports each service from its own file.
 */
export type { TargetRequest, TargetResponse } from "./data.ts";
export { Scaler } from "./services/scaler.ts";
export { Target } from "./services/target.ts";
