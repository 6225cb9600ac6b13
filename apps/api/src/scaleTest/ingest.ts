import { ProfileSetupFailed, TargetUnreachable } from "@scaleproof/core/scale-test/errors";
import type {
  IngestStatsSample,
  RecordedBar,
  StoredSnapshot,
} from "@scaleproof/core/scale-test/profiles/ingest/data";
import { Ingest } from "@scaleproof/core/scale-test/services/ingest";
import { HEADERS } from "@scaleproof/core/wire/headers";
import type { Sql } from "@scaleproof/db/client";
import { listRunSnapshots, type StoredSnapshotRow } from "@scaleproof/db/queries/listRunSnapshots";
import { Effect, Layer } from "effect";
import type { Snapshot } from "../snapshots/contract.ts";
import { contentHash } from "../snapshots/hash.ts";
import { ridingOut } from "./ridingOut.ts";
import { describeError, replyOf, writeHttp } from "./writeHttp.ts";

const SEND_TIMEOUT_MS = 30_000;
const STATS_TIMEOUT_MS = 2_000;

/** A stored row as the snapshot it claims to be, so it can be re-hashed canonically. */
const asSnapshot = (r: StoredSnapshotRow): Snapshot => ({
  id: r.id,
  instrument: r.instrument,
  barTime: r.bar_time.toISOString(),
  open: r.open,
  high: r.high,
  low: r.low,
  close: r.close,
  volume: Number(r.volume),
  producer: r.producer as Snapshot["producer"],
});

const statsOf = (instanceId: string, at: number, body: unknown): IngestStatsSample | null => {
  const b = body as {
    bootId?: string;
    buffer?: { rows?: number; oldestAgeMs?: number | null };
    counters?: { flushes?: number; ackedBeforeFlush?: number };
    lastFlush?: { lagMs?: number } | null;
  } | null;
  if (!b?.bootId || typeof b.buffer?.rows !== "number") return null;
  return {
    at,
    instanceId,
    bootId: b.bootId,
    rows: b.buffer.rows,
    oldestAgeMs: b.buffer.oldestAgeMs ?? null,
    flushes: b.counters?.flushes ?? 0,
    lastFlushLagMs: b.lastFlush?.lagMs ?? null,
    ackedBeforeFlush: b.counters?.ackedBeforeFlush ?? 0,
  };
};

/**
 * Snapshot ingest over real HTTP at the target URL (the front door): bars and pushes
 * signed as the run's evidence, each instance's `snapshots.stats` read pinned to it (an
 * answer from another instance is dropped), and the run's rows read back from Postgres
 * and re-hashed here from their columns with the service's own canonical encoding.
 */
export const ingestLayer = (o: {
  readonly sql: Sql;
  readonly url: string;
  readonly runId: string;
  readonly adminToken: string | undefined;
}): Layer.Layer<Ingest> => {
  const http = writeHttp(o.url, o.runId, o.adminToken);
  return Layer.succeed(
    Ingest,
    Ingest.of({
      bars: (range) =>
        Effect.tryPromise({
          try: async (signal) => {
            const u = new URL("/api/bars", o.url);
            const query = {
              symbol: range.symbol,
              tf: range.tf,
              start: range.start,
              end: range.end,
            };
            for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
            const res = await fetch(u, {
              headers: http.evidence("GET", `${u.pathname}${u.search}`),
              signal: AbortSignal.any([signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
            });
            const body = (await res.json().catch(() => null)) as {
              symbol?: string;
              bars?: RecordedBar[];
              error?: { code?: string; message?: string };
            } | null;
            if (!res.ok || !Array.isArray(body?.bars)) {
              throw new Error(`GET /api/bars answered ${res.status} ${body?.error?.message ?? ""}`);
            }
            return { instrument: body.symbol ?? range.symbol, bars: body.bars };
          },
          catch: (error) =>
            new ProfileSetupFailed({ step: "setup", message: describeError(error) }),
        }).pipe(
          Effect.filterOrFail(
            (r) => r.bars.length > 0,
            () =>
              new ProfileSetupFailed({
                step: "setup",
                message: `no recorded bars for ${range.symbol} ${range.tf} ${range.start}..${range.end}: nothing to build snapshots from`,
              }),
          ),
        ),
      send: (snapshots) =>
        Effect.tryPromise({
          try: async (signal) =>
            await replyOf(
              await fetch(new URL("/api/snapshots", o.url), {
                method: "POST",
                headers: {
                  ...http.evidence("POST", "/api/snapshots"),
                  "content-type": "application/json",
                },
                body: JSON.stringify(snapshots.length === 1 ? snapshots[0] : snapshots),
                signal: AbortSignal.any([signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
              }),
            ),
          catch: (error) => new TargetUnreachable({ url: o.url, message: describeError(error) }),
        }),
      hash: (s) => contentHash(s),
      stats: (instanceId) =>
        Effect.promise(async (signal) => {
          try {
            const res = await fetch(new URL("/ops/snapshots", o.url), {
              headers: http.pinnedAdmin(instanceId),
              signal: AbortSignal.any([signal, AbortSignal.timeout(STATS_TIMEOUT_MS)]),
            });
            const body = await res.json().catch(() => null);
            if (!res.ok || res.headers.get(HEADERS.instanceId) !== instanceId) return null;
            return statsOf(instanceId, Date.now(), body);
          } catch {
            return null; // down (being restarted) or slow: no sample this time
          }
        }),
      stored: (ids) =>
        ridingOut(async () =>
          (await listRunSnapshots(o.sql, o.runId, ids)).map(
            (r): StoredSnapshot => ({
              id: r.id,
              seq: typeof r.producer.seq === "number" ? r.producer.seq : null,
              storedHash: r.content_hash,
              rowHash: contentHash(asSnapshot(r)),
              instanceId: r.instance_id,
            }),
          ),
        ),
    }),
  );
};
