import type { Sql } from "../client.ts";

/** Where some uploads' processing jobs stand (null: no job, not finalized). */
export const listUploadJobStatus = async (
  sql: Sql,
  ids: readonly string[],
): Promise<{ id: string; job_status: "queued" | "running" | "completed" | "failed" | null }[]> =>
  ids.length === 0
    ? []
    : await sql<{ id: string; job_status: "queued" | "running" | "completed" | "failed" | null }[]>`
        select u.id::text, j.status as job_status
          from uploads u left join jobs j on j.id = u.job_id
         where u.id = any(${ids as string[]}::uuid[])`;
