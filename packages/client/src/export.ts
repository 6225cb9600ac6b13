import {
  anyRunExport,
  LEGACY_EXPORT_VERSION,
} from "@scaleproof/core/scale-test/metrics/legacyExport";
import {
  type Check,
  EXPORT_SCHEMA_VERSION,
  type Metrics,
  type RunExport,
  runExport,
  type Verdict,
} from "@scaleproof/core/scale-test/schema";
import { z } from "zod";

export type { Check, Metrics, RunExport, Verdict };
/**
 * The exported run document (`scaleproof.run/v2`): the zod schema to validate one with
 * (`runExport.parse(JSON.parse(text))`), its types, and the same schema as JSON Schema
 * for tools outside TypeScript (committed as docs/run-export.schema.json). The JSON Schema
 * accepts what `runExport.parse` accepts (zod's input side): objects may carry fields a
 * later minor version adds.
 * `anyRunExport` also reads a `scaleproof.run/v1` export (metrics mixed numbers and
 * sentences) as v2, its `metrics` split into metrics, notes and series.
 */
export { anyRunExport, EXPORT_SCHEMA_VERSION, LEGACY_EXPORT_VERSION, runExport };

export const runExportJsonSchema = (): Record<string, unknown> => ({
  ...z.toJSONSchema(runExport, { target: "draft-2020-12", io: "input" }),
  title: EXPORT_SCHEMA_VERSION,
  description:
    "A scaleproof run, exported: every check (expected next to actual), the metrics (numbers, the unit ends the key), notes, chart series, event counts and the environment it ran in.",
});
