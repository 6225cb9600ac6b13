import { Clock, Effect } from "effect";
import type { BarsRange } from "../data.ts";
import { ProfileSetupFailed } from "../errors.ts";
import type {
  IngestStatsSample,
  RecordedBar,
  SnapshotBody,
  StoredSnapshot,
} from "../profiles/ingest/data.ts";
import type { WriteReply } from "../services/writeReply.ts";
import type { WorldState } from "./world.ts";

/**
 * How the in-memory ingest behaves: healthy by default (an answer means stored, once,
 * unmodified); each switch breaks one property.
 */
export interface IngestModel {
  /** Answer at once and flush this many ms later (the ack-before-flush fault): a crash loses what waits. */
  readonly ackBeforeFlushMs?: number;
  /** Store these snapshots with another close price than was sent. */
  readonly modify?: (seq: number) => boolean;
  /** Store these snapshots a second time, under another id. */
  readonly duplicate?: (seq: number) => boolean;
  /** The cluster takes at most this many snapshots a second; beyond, 503 INGEST_BACKLOGGED. */
  readonly maxPerSecond?: number;
  /** The lag every flush reports, ms (default 25). */
  readonly flushLagMs?: number;
  /** No bars for any range (an empty dataset). */
  readonly noBars?: boolean;
}

/** A week-day's worth of 1-minute bars from 2013-10-07 13:30Z, with real-looking ES prices. */
export const recordedBars = (n = 1_380): RecordedBar[] =>
  Array.from({ length: n }, (_, i) => {
    const open = 1680 + ((i * 7) % 40) / 4;
    return {
      ts: new Date(Date.UTC(2013, 9, 7, 13, 30) + i * 60_000).toISOString(),
      open,
      high: open + 1.5,
      low: open - 1.25,
      close: open + 0.25,
      volume: 100 + ((i * 13) % 900),
    };
  });

/** A canonical rendering standing in for the sha256 of the canonical encoding. */
export const fakeHash = (s: SnapshotBody): string =>
  JSON.stringify([
    s.id,
    s.instrument,
    s.barTime,
    s.open,
    s.high,
    s.low,
    s.close,
    s.volume,
    s.producer.name,
    s.producer.seq,
  ]);

interface Node {
  boot: number;
  flushes: number;
  acked: number;
  /** Acknowledged, not stored yet (only under `ackBeforeFlushMs`). */
  buffer: { readonly s: SnapshotBody; readonly at: number }[];
}

const reply = (status: number, instanceId: string | null, json: unknown = null): WriteReply => ({
  status,
  instanceId,
  bootId: null,
  errorCode: status >= 400 ? `HTTP_${status}` : null,
  retryAfterSec: status === 503 ? 1 : null,
  json,
});

/**
 * The `World`'s instances taking snapshots round-robin, one shared table. The
 * `ingest-crash` fault, once armed, kills the instance it aims at (any but the runner's)
 * on the next snapshot it receives: that call goes unanswered (502), its buffer is gone,
 * and it comes back with a new boot.
 */
export const fakeIngest = (world: WorldState, model: IngestModel = {}) => {
  const nodes = new Map<string, Node>();
  const node = (id: string): Node => {
    let n = nodes.get(id);
    if (!n) {
      n = { boot: 1, flushes: 0, acked: 0, buffer: [] };
      nodes.set(id, n);
    }
    return n;
  };
  const rows = new Map<string, StoredSnapshot>();
  let cursor = 0;
  const perSecond = new Map<number, number>();
  const runner = world.options.runner ?? "i1";

  const store = (s: SnapshotBody, instanceId: string) => {
    const kept = model.modify?.(s.producer.seq) ? { ...s, close: s.close + 0.25 } : s;
    const row = { storedHash: fakeHash(s), rowHash: fakeHash(kept), instanceId };
    rows.set(s.id, { id: s.id, seq: s.producer.seq, ...row });
    if (model.duplicate?.(s.producer.seq)) {
      rows.set(`${s.id}:again`, { id: `${s.id}:again`, seq: s.producer.seq, ...row });
    }
  };
  const flushDue = (now: number) => {
    for (const [id, n] of nodes) {
      const due = n.buffer.filter((b) => now - b.at >= (model.ackBeforeFlushMs ?? 0));
      if (due.length === 0) continue;
      for (const b of due) store(b.s, id);
      n.buffer = n.buffer.filter((b) => !due.includes(b));
      n.flushes += 1;
    }
  };

  const send = (snapshots: readonly SnapshotBody[]) =>
    Clock.currentTimeMillis.pipe(
      Effect.map((now): WriteReply => {
        flushDue(now);
        const instanceId = world.instances[cursor++ % world.instances.length] ?? "i1";
        const n = node(instanceId);
        const armed = world.armed.indexOf("ingest-crash");
        const aim = world.aims.get("ingest-crash") ?? null;
        if (armed >= 0 && (aim === null ? instanceId !== runner : aim === instanceId)) {
          world.armed.splice(armed, 1); // one-shot: consumed by the instance it killed
          n.boot += 1;
          n.buffer = [];
          return reply(502, null);
        }
        const second = Math.floor(now / 1000);
        const taken = perSecond.get(second) ?? 0;
        if (model.maxPerSecond !== undefined && taken + snapshots.length > model.maxPerSecond) {
          return reply(503, instanceId);
        }
        perSecond.set(second, taken + snapshots.length);
        const results = snapshots.map((s) => {
          const known = rows.has(s.id) || n.buffer.some((b) => b.s.id === s.id);
          if (known) return { id: s.id, outcome: "duplicate" };
          if (model.ackBeforeFlushMs === undefined) store(s, instanceId);
          else n.buffer.push({ s, at: now });
          return { id: s.id, outcome: "stored" };
        });
        if (model.ackBeforeFlushMs === undefined) n.flushes += 1;
        n.acked += snapshots.length;
        return { ...reply(200, instanceId, { results }), bootId: `${instanceId}-boot${n.boot}` };
      }),
    );

  const stats = (instanceId: string) =>
    Clock.currentTimeMillis.pipe(
      Effect.map((now): IngestStatsSample | null => {
        if (!world.instances.includes(instanceId)) return null;
        flushDue(now);
        const n = node(instanceId);
        const oldest = n.buffer[0];
        return {
          at: now,
          instanceId,
          bootId: `${instanceId}-boot${n.boot}`,
          rows: n.buffer.length,
          oldestAgeMs: oldest ? now - oldest.at : null,
          flushes: n.flushes,
          lastFlushLagMs:
            n.flushes === 0 ? null : (model.ackBeforeFlushMs ?? model.flushLagMs ?? 25),
          ackedBeforeFlush: model.ackBeforeFlushMs === undefined ? 0 : n.acked,
        };
      }),
    );

  return {
    bars: (range: BarsRange) =>
      model.noBars
        ? Effect.fail(
            new ProfileSetupFailed({ step: "setup", message: `no bars for ${range.symbol}` }),
          )
        : Effect.succeed({ instrument: `${range.symbol}.c.0`, bars: recordedBars() }),
    send,
    hash: fakeHash,
    stats,
    stored: (_ids: readonly string[]) =>
      Clock.currentTimeMillis.pipe(
        Effect.map((now) => {
          flushDue(now);
          return [...rows.values()];
        }),
      ),
  };
};
