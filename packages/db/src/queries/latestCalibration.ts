import type { Sql } from "../client.ts";

export interface CalibrationRow {
  readonly id: string;
  readonly recorded_at: Date;
  readonly quick: boolean;
  readonly trustworthy: boolean;
  readonly matrix: unknown;
}

/** The newest recorded calibration, or undefined before the first. */
export const latestCalibration = async (sql: Sql): Promise<CalibrationRow | undefined> => {
  const [row] = await sql<CalibrationRow[]>`
    select id::text as id, recorded_at, quick, trustworthy, matrix
      from calibrations order by id desc limit 1`;
  return row;
};
