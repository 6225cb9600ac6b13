import type { StoredUpload } from "./data.ts";
import type { UploadRecord } from "./evidence.ts";

export interface Finding {
  readonly upload: UploadRecord;
  readonly detail: string;
}

/** Sent against stored, upload by upload. */
export interface UploadIntegrity {
  /** Uploads with an acknowledged chunk whose stored bytes (re-hashed by Postgres) are not the bytes sent. */
  readonly modified: readonly Finding[];
  /** Finalized uploads whose processing job hashed the file to something else, or found it bad. */
  readonly shaMismatch: readonly Finding[];
  /** Finalized uploads whose processing did not complete exactly once (one job, one accepted finish). */
  readonly notOnce: readonly Finding[];
  readonly finalized: number;
}

const short = (sha: string) => sha.slice(0, 12);

const modifiedDetail = (u: UploadRecord, s: StoredUpload | undefined): string | null => {
  if (!s) return u.acked.length > 0 ? "acknowledged chunks, but no upload stored" : null;
  for (const n of u.acked) {
    const sent = u.chunks[n];
    const held = s.chunks.find((c) => c.n === n);
    if (!sent) continue;
    if (!held) return `chunk ${n} acknowledged, not stored`;
    if (held.actualSha256 !== sent.sha256 || held.size !== sent.size) {
      return `chunk ${n}: stored bytes hash to ${short(held.actualSha256)} (${held.size} B), sent ${short(sent.sha256)} (${sent.size} B)`;
    }
  }
  if (u.jobId !== null) {
    if (s.chunks.length !== u.chunks.length) {
      return `finalized with ${s.chunks.length} chunks stored, ${u.chunks.length} sent`;
    }
    if (s.declaredSha256 !== u.sha256) {
      return `declared sha256 stored as ${short(s.declaredSha256)}, sent ${short(u.sha256)}`;
    }
  }
  return null;
};

export const integrityOfUploads = (
  uploads: readonly UploadRecord[],
  stored: readonly StoredUpload[],
): UploadIntegrity => {
  const byId = new Map(stored.map((s) => [s.id, s]));
  const modified: Finding[] = [];
  const shaMismatch: Finding[] = [];
  const notOnce: Finding[] = [];
  for (const u of uploads) {
    if (u.id === null) continue;
    const s = byId.get(u.id);
    const bad = modifiedDetail(u, s);
    if (bad) modified.push({ upload: u, detail: bad });
    if (u.jobId === null || !s) continue;
    if (s.jobs !== 1 || s.jobStatus !== "completed" || s.jobFinishes !== 1) {
      notOnce.push({
        upload: u,
        detail: `${s.jobs} job(s), status ${s.jobStatus ?? "none"}, ${s.jobFinishes} accepted finish(es)`,
      });
    }
    if (s.jobStatus === "completed" && (s.jobVerified !== true || s.jobSha256 !== u.sha256)) {
      shaMismatch.push({
        upload: u,
        detail: `the job hashed it to ${short(s.jobSha256 ?? "none")} (verified: ${String(s.jobVerified)}), sent ${short(u.sha256)}`,
      });
    }
  }
  return {
    modified,
    shaMismatch,
    notOnce,
    finalized: uploads.filter((u) => u.jobId !== null).length,
  };
};
