import { z } from "zod";
import { EXPORT_SCHEMA_VERSION, type RunExport, runExport } from "../schema.ts";
import { readings } from "./schema.ts";
import { splitReadings } from "./split.ts";

/** `scaleproof.run/v1`: the same document, with numbers and sentences mixed in `metrics`. */
export const LEGACY_EXPORT_VERSION = "scaleproof.run/v1" as const;

const legacyRunExport = runExport
  .omit({ schemaVersion: true, metrics: true, notes: true, series: true })
  .extend({ schemaVersion: z.literal(LEGACY_EXPORT_VERSION), metrics: readings });

/**
 * Any export this version can read: the current one as it is, a v1 export with its
 * `metrics` split as v2 documents them (`splitReadings`), so `scaleproof judge` re-judges
 * exports made before metrics had units.
 */
export const anyRunExport = z.union([
  runExport,
  legacyRunExport.transform(
    ({ metrics, ...doc }): RunExport => ({
      ...doc,
      schemaVersion: EXPORT_SCHEMA_VERSION,
      ...splitReadings(metrics),
    }),
  ),
]);
