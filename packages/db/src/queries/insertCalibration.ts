import type { Sql } from "../client.ts";

export const insertCalibration = async (
  sql: Sql,
  c: { quick: boolean; trustworthy: boolean; matrix: unknown },
): Promise<{ id: string; recordedAt: Date }> => {
  const [row] = await sql<{ id: string; recorded_at: Date }[]>`
    insert into calibrations (quick, trustworthy, matrix)
    values (${c.quick}, ${c.trustworthy}, ${sql.json(c.matrix as never)})
    returning id::text as id, recorded_at`;
  if (!row) throw new Error("insert answered nothing");
  return { id: row.id, recordedAt: row.recorded_at };
};
