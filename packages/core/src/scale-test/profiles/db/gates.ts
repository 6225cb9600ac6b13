import { z } from "zod";
import { setLineOf, type ThresholdsSet } from "../../thresholds/resolve.ts";

/**
 * The database gates a run may tighten or loosen (`db` in the run input); every field
 * defaults to the seed's number. The connection margin applies to every profile's
 * preflight, the rest to the db profile.
 */
export const dbGatesInput = z.strictObject({
  /** A plan that reads a whole table (or a whole index, filtering) of more rows than this FAILs. */
  seqScanRows: z.number().int().min(1).default(10_000),
  /** Backtests created at once, through the balancer. */
  creations: z.number().int().min(1).max(500).default(50),
  creationP95Ms: z.number().positive().default(500),
  /** The whole creation burst must be answered within this. */
  creationWithinS: z.number().positive().default(25),
  /** Cold bars reads at once, each for a distinct key. */
  coldReads: z.number().int().min(1).max(500).default(100),
  coldReadP95Ms: z.number().positive().default(800),
  /** Connections kept free beyond superuser_reserved_connections (psql, migrations, a deploy's overlap). */
  connectionMargin: z.number().int().min(0).max(1_000).default(5),
});
export type DbGatesInput = z.input<typeof dbGatesInput>;
export type DbGates = z.output<typeof dbGatesInput>;

/** The gates a run asked for (k6 thresholds over `db` fields), the seed's defaults for the rest. */
export const gatesOf = (params: {
  readonly db?: DbGatesInput | undefined;
  readonly thresholds?: ThresholdsSet | undefined;
}): DbGates => {
  const g = dbGatesInput.parse(params.db ?? {});
  const creation = setLineOf(params.thresholds, "db.creation_latency_ms");
  const cold = setLineOf(params.thresholds, "db.cold_read_latency_ms");
  return {
    ...g,
    ...(creation === null ? {} : { creationP95Ms: creation }),
    ...(cold === null ? {} : { coldReadP95Ms: cold }),
  };
};
