import type {
  IngestEvidence,
  SendRecord,
} from "../../../src/scale-test/profiles/ingest/evidence.ts";

/**
 * Ingest evidence shaped like a quick run on a 2-instance cluster (i1 the runner, i2
 * killed mid level-25): plain data for the pure judge, each test breaking one thing.
 */
const T0 = Date.parse("2026-11-26T22:00:00Z");
const RATES = [5, 10, 25, 50];
const GATES = [96, 95, 92, 90];
const hashOf = (seq: number) => `${seq.toString(16).padStart(8, "0")}${"ab".repeat(28)}`;

export const recordedIngest = (): IngestEvidence => {
  const levels = RATES.map((rate, index) => ({
    index,
    rate,
    durationMs: 5_000,
    gatePct: GATES[index] as number,
    startedAt: T0 + index * 6_000,
  }));
  const sends: SendRecord[] = [];
  for (const l of levels) {
    for (let i = 0; i < l.rate * 5; i++) {
      const seq = sends.length;
      const intendedAt = l.startedAt + Math.round((i * 1000) / l.rate);
      // the send that reached i2 as it was killed: 502, retried, stored by i1
      const killed = l.rate === 25 && i === 63;
      sends.push({
        seq,
        id: `run_x:${seq}`,
        level: l.index,
        hash: hashOf(seq),
        intendedAt,
        answers: killed ? [502, 200] : [200],
        ackedAt: intendedAt + (killed ? 260 : 35),
        ackedBy: killed || seq % 2 === 0 ? "i1" : "i2",
        outcome: "stored",
        refusal: null,
      });
    }
  }
  const stats = levels.flatMap((l) =>
    Array.from({ length: 20 }, (_, k) =>
      ["i1", "i2"].map((instanceId, j) => ({
        at: l.startedAt + k * 250,
        instanceId,
        bootId: instanceId === "i2" && l.index === 3 ? "b2-new" : `b${j + 1}`,
        rows: k % 3,
        oldestAgeMs: k % 3 ? 12 : null,
        flushes: l.index * 40 + k,
        lastFlushLagMs: 25 + (k % 5),
        ackedBeforeFlush: 0,
      })),
    ).flat(),
  );
  return {
    range: { start: "2013-10-10T00:00:00.000Z", end: "2013-10-11T00:00:00.000Z" },
    instrument: "ES.c.0",
    bars: 1_380,
    bounds: { flushLagP95Ms: 500, bufferMaxRows: 500, ackTimeoutMs: 10_000 },
    levels,
    sends,
    stats,
    stored: sends.map((s) => ({
      id: s.id,
      seq: s.seq,
      storedHash: s.hash,
      rowHash: s.hash,
      instanceId: s.ackedBy ?? "i1",
    })),
    crash: {
      requested: true,
      notApplied: null,
      victim: "i2",
      level: 2,
      armedAt: T0 + 12_000 + 2_500,
      bootBefore: "b2",
      bootAfter: "b2-new",
      backAt: T0 + 12_000 + 9_000,
    },
  };
};
