/** Test-side client of the replay upstream's own evidence and knobs (its /_replay API). */
export const replayClient = (replay: { url: string } | undefined) => {
  if (!replay) throw new Error("this cluster runs without the replay upstream");
  const base = replay.url;
  return {
    /** get_range requests the upstream itself served for exactly this symbol and range. */
    async count(filter: { symbol: string; start: string; end: string }): Promise<number> {
      const q = new URLSearchParams(filter);
      const res = await fetch(`${base}/_replay/stats?${q}`);
      if (!res.ok) throw new Error(`replay stats: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { matched?: { get_range?: number } };
      return body.matched?.get_range ?? 0;
    },
    async knobs(knobs: unknown): Promise<void> {
      const res = await fetch(`${base}/_replay/knobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(knobs),
      });
      if (!res.ok) throw new Error(`replay knobs: ${res.status} ${await res.text()}`);
    },
  };
};
