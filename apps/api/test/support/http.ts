export interface Answer {
  readonly status: number;
  readonly cache: string | null;
  readonly instanceId: string | null;
  readonly retryAfter: string | null;
  readonly body: unknown;
}

/** One GET, recording what the evidence needs: status, x-cache, which instance answered. */
export const get = async (url: string, headers: Record<string, string> = {}): Promise<Answer> => {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return {
    status: res.status,
    cache: res.headers.get("x-cache"),
    instanceId: res.headers.get("x-instance-id"),
    retryAfter: res.headers.get("retry-after"),
    body,
  };
};

/** A distinct bars range inside the recorded week (2013-10-07 .. 2013-10-11), one per test. */
export const barsRange = (day: number, hour: number, minutes = 30) => {
  const start = new Date(Date.UTC(2013, 9, day, hour, 0));
  const end = new Date(start.getTime() + minutes * 60_000);
  return { start: start.toISOString(), end: end.toISOString() };
};

export const barsPath = (r: { start: string; end: string }, symbol = "ES", tf = "1m") =>
  `/api/bars?${new URLSearchParams({ symbol, tf, start: r.start, end: r.end })}`;

export const tally = (answers: readonly Answer[], pick: (a: Answer) => string | null) => {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const k = String(pick(a));
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
