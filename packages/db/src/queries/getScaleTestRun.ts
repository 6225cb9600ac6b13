import type { Sql } from "../client.ts";
import type { ScaleTestRunRow } from "./scaleTestRunRow.ts";

export const getScaleTestRun = async (sql: Sql, id: string): Promise<ScaleTestRunRow | null> => {
  const [row] = await sql<ScaleTestRunRow[]>`select * from scale_test_runs where id = ${id}`;
  return row ?? null;
};
