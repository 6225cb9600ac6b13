import type { Sql } from "../client.ts";

export interface UploadReadBack {
  readonly id: string;
  readonly status: "open" | "finalized";
  readonly declared_size: bigint;
  readonly declared_sha256: string;
  readonly job_status: "queued" | "running" | "completed" | "failed" | null;
  readonly job_verified: boolean | null;
  readonly job_sha256: string | null;
  /** Jobs made for the upload (its idempotency key `upload:<id>`). */
  readonly jobs: number;
  /** Accepted finishes in the job's execution history. */
  readonly job_finishes: number;
}

export interface ChunkReadBack {
  readonly upload_id: string;
  readonly n: number;
  readonly size: number;
  /** As recorded when the chunk arrived. */
  readonly sha256: string;
  /** Of the bytes stored now, computed by Postgres. */
  readonly actual_sha256: string;
}

/**
 * What Postgres holds of some uploads, for a check that does not take the service's word:
 * each upload with its processing job(s) and accepted finishes, and every chunk with the
 * sha256 Postgres computes from the stored bytes now (the bytes never leave the database).
 */
export const readUploadsBack = async (
  sql: Sql,
  ids: readonly string[],
): Promise<{ uploads: UploadReadBack[]; chunks: ChunkReadBack[] }> => {
  if (ids.length === 0) return { uploads: [], chunks: [] };
  const uploads = await sql<UploadReadBack[]>`
    select u.id::text, u.status, u.declared_size, u.declared_sha256,
           j.status as job_status, (j.result ->> 'verified')::boolean as job_verified,
           j.result ->> 'sha256' as job_sha256,
           (select count(*) from jobs k where k.idempotency_key = 'upload:' || u.id::text)::int as jobs,
           (select count(*) from job_execution_events e
             where e.job_id = u.job_id and e.kind = 'finish')::int as job_finishes
      from uploads u left join jobs j on j.id = u.job_id
     where u.id = any(${ids as string[]}::uuid[])`;
  const chunks = await sql<ChunkReadBack[]>`
    select upload_id::text, n, size, sha256, encode(sha256(bytes), 'hex') as actual_sha256
      from upload_chunks where upload_id = any(${ids as string[]}::uuid[])
     order by upload_id, n`;
  return { uploads, chunks };
};
