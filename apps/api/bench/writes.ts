import { cpus, loadavg } from "node:os";
import { esz3CsvPath } from "../test/providers/sharedData.ts";
import { startTestCluster } from "../test/support/cluster.ts";
import * as ingest from "./ingest.ts";
import { type Amount, printThroughput, within } from "./stats.ts";
import * as uploads from "./uploads.ts";

/**
 * The write-path block of `pnpm bench` (runnable alone: `pnpm bench writes`): snapshot
 * ingest and uploads through one real instance, next to postgres.js writing the same rows
 * and bytes straight into the same tables of the same Postgres (the ceiling). Cases are
 * interleaved: a small warm-up round of each, then two measured rounds; the better counts.
 */
export const SNAPSHOTS = 20_000;
/** One snapshot a call is the ingest profile's way, and slow: a quarter of the rows. */
const SINGLE_CALLS = SNAPSHOTS / 4;
const FLUSH_ROWS = 500; // INGEST_FLUSH_MAX_ROWS's default: the ceiling's statements hold as many
export const UPLOADS = { count: 4, mb: 32, chunkMb: 4 };

type Case = (warm: boolean) => Promise<Amount>;

const bestOf = async (cases: readonly Case[]): Promise<Amount[]> => {
  const rounds: Amount[][] = [];
  for (let round = 0; round < 3; round++) {
    const results: Amount[] = [];
    for (const run of cases) results.push(await within(180_000, "bench case", run(round === 0)));
    if (round > 0) rounds.push(results);
  }
  return cases.map((_, i) =>
    rounds
      .map((r) => r[i] as Amount)
      .reduce((a, b) => (a.amount / a.seconds >= b.amount / b.seconds ? a : b)),
  );
};

/** The ceiling: the fastest way postgres.js wrote the same data straight into the table. */
const fastestDirect = (rows: readonly Amount[]): string =>
  rows
    .filter((r) => r.name.startsWith("postgres.js"))
    .reduce((a, b) => (a.amount / a.seconds >= b.amount / b.seconds ? a : b)).name;

const machine = () =>
  `${cpus().length} x ${cpus()[0]?.model.trim()}, load average ${loadavg()[0]?.toFixed(1)}`;

export const printWrites = async (): Promise<void> => {
  const before = machine();
  const cluster = await startTestCluster("bench-writes", {
    instances: 1,
    // The instance's own default pool (test clusters use 4); flushes and chunk slots as shipped.
    env: { DB_POOL_MAX: "10" },
  });
  try {
    const url = cluster.instanceUrl("i1");
    const { sql } = cluster.db;
    const recorded = await ingest.recordedBars(url, {
      symbol: "ES",
      tf: "1m",
      start: "2013-10-06T22:00:00.000Z",
      end: "2013-10-11T21:15:00.000Z",
    });
    const all = ingest.snapshotsOf(recorded, SNAPSHOTS);
    const rows = (warm: boolean, n = SNAPSHOTS) => all.slice(0, warm ? n / 10 : n);
    const ingestRows = await bestOf([
      (warm) => ingest.direct(cluster.db.url, sql, rows(warm), FLUSH_ROWS, "copy"),
      (warm) => ingest.direct(cluster.db.url, sql, rows(warm), FLUSH_ROWS, "copy-nodelay"),
      (warm) => ingest.direct(cluster.db.url, sql, rows(warm), FLUSH_ROWS, "insert"),
      (warm) => ingest.viaService(url, sql, rows(warm, SINGLE_CALLS), 1, 64),
      (warm) => ingest.viaService(url, sql, rows(warm), 100, 8),
    ]);
    printThroughput(
      `Snapshot ingest: snapshots of ${recorded.bars.length} recorded ${recorded.instrument} 1m bars, one instance, same Postgres (acknowledged = committed; Postgres holds exactly those)`,
      ingestRows,
      { unit: "rows", ceiling: fastestDirect(ingestRows), reference: ingestRows[2]?.name ?? "" },
    );

    const { count, mb, chunkMb } = UPLOADS;
    const file = uploads.uploadFile(esz3CsvPath, mb, chunkMb);
    const uploadRows = await bestOf([
      (warm) => uploads.direct(cluster.db.url, sql, file, warm ? 1 : count, "copy"),
      (warm) => uploads.direct(cluster.db.url, sql, file, warm ? 1 : count, "insert"),
      (warm) => uploads.viaService(url, sql, file, warm ? 1 : count),
    ]);
    printThroughput(
      `Uploads: ${count} x ${mb} MB at once (the recorded CSV's rows repeated), ${chunkMb} MB chunks, one instance, same Postgres (service: create, chunks, finalize)`,
      uploadRows,
      { unit: "MB", ceiling: fastestDirect(uploadRows), reference: uploadRows[1]?.name ?? "" },
    );
    console.log(`  machine: ${before} before the block, ${machine()} after`);
  } finally {
    await cluster.close();
  }
};

if (import.meta.main) await printWrites();
