import type { StoredSnapshot } from "./data.ts";
import type { SendRecord } from "./evidence.ts";

/** Acknowledged against stored: what the run's rows say about every acknowledgement. */
export interface Integrity {
  readonly sent: number;
  readonly acknowledged: number;
  /** Acknowledged, and no row holds its id. */
  readonly lost: readonly SendRecord[];
  /** Rows beyond the first for one sent snapshot (matched by id, and by producer seq). */
  readonly duplicates: readonly StoredSnapshot[];
  /** Rows whose content is not what was sent (re-hashed from the columns, or the stored hash). */
  readonly modified: readonly { readonly sent: SendRecord; readonly row: StoredSnapshot }[];
  /** Rows of the run with an id the runner never sent. */
  readonly unknown: readonly StoredSnapshot[];
  /** Sends answered more than once (a retry with the same id). */
  readonly retried: number;
  /** Retries the service refused (4xx: a conflict on an identical resend means the retry was unsafe). */
  readonly unsafeRetries: readonly SendRecord[];
  /** Acknowledged only by a retry, answered `duplicate`: the first attempt was stored, its answer lost. */
  readonly retriedDuplicates: number;
}

const isClientError = (a: SendRecord["answers"][number] | undefined) =>
  typeof a === "number" && a >= 400 && a < 500 && a !== 429;

export const integrityOf = (
  sends: readonly SendRecord[],
  stored: readonly StoredSnapshot[],
): Integrity => {
  const sentById = new Map(sends.map((s) => [s.id, s]));
  const rowsById = new Map<string, StoredSnapshot[]>();
  const rowsBySeq = new Map<number, StoredSnapshot[]>();
  for (const r of stored) {
    rowsById.set(r.id, [...(rowsById.get(r.id) ?? []), r]);
    if (r.seq !== null) rowsBySeq.set(r.seq, [...(rowsBySeq.get(r.seq) ?? []), r]);
  }
  const acked = sends.filter((s) => s.ackedAt !== null);
  const duplicates = new Set<StoredSnapshot>();
  for (const rows of [...rowsById.values(), ...rowsBySeq.values()]) {
    for (const extra of rows.slice(1)) duplicates.add(extra);
  }
  const modified = stored.flatMap((row) => {
    const sent = sentById.get(row.id);
    return sent && (row.rowHash !== sent.hash || row.storedHash !== sent.hash)
      ? [{ sent, row }]
      : [];
  });
  const retried = sends.filter((s) => s.answers.length > 1);
  return {
    sent: sends.length,
    acknowledged: acked.length,
    lost: acked.filter((s) => !rowsById.has(s.id)),
    duplicates: [...duplicates],
    modified,
    unknown: stored.filter((r) => !sentById.has(r.id)),
    retried: retried.length,
    unsafeRetries: retried.filter((s) => isClientError(s.answers.at(-1))),
    retriedDuplicates: retried.filter((s) => s.outcome === "duplicate").length,
  };
};
