import net from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { RecordedBar } from "@scaleproof/core/scale-test/profiles/ingest/data";
import { snapshotOf } from "@scaleproof/core/scale-test/profiles/ingest/snapshots";
import { connect, type Sql } from "@scaleproof/db/client";
import postgres from "postgres";
import type { Snapshot } from "../src/snapshots/contract.ts";
import { contentHash } from "../src/snapshots/hash.ts";
import type { Amount } from "./stats.ts";

/** The bars the ingest profile builds its snapshots from: recorded, served by `/api/bars`. */
export const recordedBars = async (
  baseUrl: string,
  q: { symbol: string; tf: string; start: string; end: string },
): Promise<{ instrument: string; bars: RecordedBar[] }> => {
  const res = await fetch(`${baseUrl}/api/bars?${new URLSearchParams(q)}`);
  const body = (await res.json()) as {
    symbol?: string;
    bars?: RecordedBar[];
    error?: { message?: string };
  };
  if (!res.ok || !body.bars?.length)
    throw new Error(`GET /api/bars: ${res.status} ${body.error?.message ?? ""}`);
  return { instrument: body.symbol ?? q.symbol, bars: body.bars };
};

/** Snapshot `seq` is recorded bar `seq` (cycling), exactly as the ingest profile pushes it. */
export const snapshotsOf = (
  recorded: { instrument: string; bars: readonly RecordedBar[] },
  n: number,
): Snapshot[] =>
  Array.from({ length: n }, (_, seq) =>
    snapshotOf("bench", recorded.instrument, recorded.bars, seq),
  );

const stored = async (sql: Sql): Promise<number> => {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from snapshots`;
  return row?.n ?? 0;
};

/**
 * `POST /api/snapshots` to one instance, `perCall` snapshots a call, `concurrency` callers
 * each sending its next call when the last was answered. Only acknowledged snapshots
 * (200, every one `stored`) count, and Postgres must then hold exactly those.
 */
export const viaService = async (
  url: string,
  sql: Sql,
  snapshots: readonly Snapshot[],
  perCall: number,
  concurrency: number,
): Promise<Amount> => {
  await sql`truncate snapshots`;
  const bodies: { body: string; n: number }[] = [];
  for (let i = 0; i < snapshots.length; i += perCall) {
    const batch = snapshots.slice(i, i + perCall);
    bodies.push({ body: JSON.stringify(perCall === 1 ? batch[0] : batch), n: batch.length });
  }
  let next = 0;
  let acked = 0;
  const refused: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const call = bodies[i] as { body: string; n: number };
        const res = await fetch(`${url}/api/snapshots`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: call.body,
        });
        const answer = (await res.json()) as { stored?: number };
        if (res.status === 200 && answer.stored === call.n) acked += call.n;
        else refused.push(String(res.status));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rows = await stored(sql);
  if (rows !== acked || acked === 0) {
    throw new Error(`ingest: ${acked} acknowledged, ${rows} stored (refused: ${refused})`);
  }
  const name = `POST /api/snapshots, ${perCall} a call, ${concurrency} at once`;
  const note = refused.length > 0 ? `${refused.length} calls refused (${refused})` : undefined;
  return { name, amount: acked, seconds, ...(note ? { note } : {}) };
};

const COLUMNS =
  "id, instrument, bar_time, open, high, low, close, volume, producer, content_hash, run_id, instance_id, boot_id";

/** The row the service stores for a snapshot (content hash included), as column values. */
const rowOf = (s: Snapshot) => ({
  id: s.id,
  instrument: s.instrument,
  bar_time: new Date(s.barTime).toISOString(),
  open: s.open,
  high: s.high,
  low: s.low,
  close: s.close,
  volume: s.volume,
  producer: JSON.stringify(s.producer),
  content_hash: contentHash(s),
  run_id: null,
  instance_id: "bench",
  boot_id: "bench",
});
type Row = ReturnType<typeof rowOf>;

/** COPY's text format: tab-separated, `\N` for null, backslash escapes. */
const copyLine = (r: Row): string =>
  `${Object.values(r)
    .map((v) =>
      v === null
        ? "\\N"
        : String(v).replace(/[\\\t\n\r]/g, (c) => `\\${"\\tnr"["\\\t\n\r".indexOf(c)]}`),
    )
    .join("\t")}\n`;

/** How the ceiling writes: COPY on postgres.js's own socket or one with TCP_NODELAY, or insert. */
export type DirectWay = "copy" | "copy-nodelay" | "insert";

/**
 * postgres.js (3.4.9) on a socket with TCP_NODELAY. Its own socket keeps Nagle on, and a
 * COPY's last message (CopyDone, a few bytes sent after the data) then waits for the
 * server's delayed ACK: ~40 ms per COPY statement on Linux, whatever its size.
 */
const noDelay = (url: string) => {
  const u = new URL(url);
  const socket = () => net.connect(Number(u.port || 5432), u.hostname).setNoDelay(true);
  // `socket` is in postgres.js's README (a custom socket) but not in its types.
  return postgres(url, { max: 1, onnotice: () => {}, ...({ socket } as object) });
};

/**
 * The ceiling: the same rows written straight into `snapshots` by postgres.js from one
 * process on one connection, one statement per `batch` rows (the service's flush size),
 * by `copy ... from stdin` (the batch as one write) or by a multi-row insert. Content
 * hashes are computed beforehand; no id is looked up first.
 */
export const direct = async (
  url: string,
  sql: Sql,
  snapshots: readonly Snapshot[],
  batch: number,
  how: DirectWay,
): Promise<Amount> => {
  await sql`truncate snapshots`;
  const rows = snapshots.map(rowOf);
  const conn = how === "copy-nodelay" ? noDelay(url) : connect(url, { max: 1 });
  try {
    await conn`select 1`; // connected before the clock starts
    const started = performance.now();
    for (let i = 0; i < rows.length; i += batch) {
      const part = rows.slice(i, i + batch);
      if (how === "insert") await conn`insert into snapshots ${conn(part)}`;
      else {
        const copy = await conn.unsafe(`copy snapshots (${COLUMNS}) from stdin`).writable();
        await pipeline(Readable.from([part.map(copyLine).join("")]), copy);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const n = await stored(sql);
    if (n !== rows.length) throw new Error(`${how}: ${n} of ${rows.length} stored`);
    const name = {
      copy: `postgres.js COPY from stdin, ${batch} rows each`,
      "copy-nodelay": `postgres.js COPY, ${batch} rows each, TCP_NODELAY`,
      insert: `postgres.js multi-row insert, ${batch} rows each`,
    }[how];
    return { name, amount: rows.length, seconds };
  } finally {
    await conn.end({ timeout: 5 });
  }
};
