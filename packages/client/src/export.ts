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
 * The exported run document (`scaleproof.run/v1`): the zod schema to validate one with
 * (`runExport.parse(JSON.parse(text))`), its types, and the same schema as JSON Schema
 * for tools outside TypeScript (committed as docs/run-export.schema.json). The JSON Schema
 * accepts what `runExport.parse` accepts (zod's input side): objects may carry fields a
 * later minor version adds.
 */
export { EXPORT_SCHEMA_VERSION, runExport };

export const runExportJsonSchema = (): Record<string, unknown> => ({
  ...z.toJSONSchema(runExport, { target: "draft-2020-12", io: "input" }),
  title: EXPORT_SCHEMA_VERSION,
  description:
    "A scaleproof run, exported: every check (expected next to actual), the metrics, event counts and the environment it ran in.",
});
