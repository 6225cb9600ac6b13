import type { Sql } from "../client.ts";
import type { UploadRow } from "./uploadRow.ts";

export const getUpload = async (sql: Sql, id: string): Promise<UploadRow | null> => {
  const [row] = await sql<UploadRow[]>`
    select u.id::text, u.filename, u.content_type, u.declared_size, u.declared_sha256, u.status,
           u.job_id::text, u.run_id, u.created_at, u.finalized_at,
           coalesce(c.chunk_count, 0)::int as chunk_count,
           coalesce(c.stored_bytes, 0)::bigint as stored_bytes,
           j.status as job_status, j.result as job_result, j.last_error as job_last_error
      from uploads u
      left join lateral (
        select count(*) as chunk_count, sum(size) as stored_bytes
          from upload_chunks where upload_id = u.id
      ) c on true
      left join jobs j on j.id = u.job_id
     where u.id = ${id}`;
  return row ?? null;
};
