/** One ingest call waiting in the buffer: its snapshots' ids and content hashes, in order. */
export interface Pending {
  readonly ids: readonly string[];
  readonly hashes: readonly string[];
}

export type Outcome = "stored" | "duplicate";

export type Verdict =
  | { readonly kind: "ok"; readonly outcomes: readonly Outcome[] }
  /** Ids whose content differs from what is stored (or from earlier in the same call). */
  | { readonly kind: "conflict"; readonly ids: readonly string[] };

/**
 * What a flush does with each call, in arrival order, given the hashes already stored:
 * a call is all or nothing. A new id is stored; a known id with the same hash is a
 * duplicate (a retry); a known id with another hash refuses the whole call. Calls decided
 * earlier in the same flush count as stored for the later ones. `insert` lists, per call,
 * the positions of the snapshots to insert.
 */
export const decide = (
  calls: readonly Pending[],
  stored: ReadonlyMap<string, string>,
): { verdicts: Verdict[]; insert: number[][] } => {
  const known = new Map(stored);
  const verdicts: Verdict[] = [];
  const insert: number[][] = [];
  for (const call of calls) {
    const local = new Map<string, string>();
    const outcomes: Outcome[] = [];
    const fresh: number[] = [];
    const conflicts = new Set<string>();
    call.ids.forEach((id, i) => {
      const hash = call.hashes[i] as string;
      const before = local.get(id) ?? known.get(id);
      if (before === undefined) {
        local.set(id, hash);
        outcomes.push("stored");
        fresh.push(i);
      } else if (before === hash) outcomes.push("duplicate");
      else conflicts.add(id);
    });
    if (conflicts.size > 0) {
      verdicts.push({ kind: "conflict", ids: [...conflicts] });
      insert.push([]);
      continue;
    }
    for (const [id, hash] of local) known.set(id, hash);
    verdicts.push({ kind: "ok", outcomes });
    insert.push(fresh);
  }
  return { verdicts, insert };
};
