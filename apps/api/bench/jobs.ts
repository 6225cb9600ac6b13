import { spawn } from "node:child_process";
import path from "node:path";
import type { Sql } from "@scaleproof/db/client";
import { claimJobs } from "@scaleproof/db/queries/claimJobs";
import { enqueueJobs, JOBS_CHANNEL } from "@scaleproof/db/queries/enqueueJobs";
import { createTestDatabase } from "@scaleproof/db/testing";
import { type Summary, summarise } from "./stats.ts";

const CYCLER = path.resolve(import.meta.dirname, "jobCycler.ts");

const job = () => ({ payload: { bench: true }, runId: "bench", maxAttempts: 3 });

const cyclerProcess = (url: string, name: string, loops: number) =>
  new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CYCLER, url, name, String(loops)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("exit", (code) =>
      code === 0
        ? resolve((JSON.parse(out) as { completed: number }).completed)
        : reject(new Error(`exit ${code}`)),
    );
  });

/** The same three statements, written out by hand on one bare postgres.js client: the ceiling. */
const bareLoop = async (sql: Sql, worker: string): Promise<number> => {
  let done = 0;
  for (;;) {
    const jobs = await sql<{ id: string; attempt_count: number }[]>`
      with c as (select id from jobs where attempt_count < max_attempts
                   and (status = 'queued' or (status = 'running' and lease_expires_at < now()))
                 order by id limit 10 for update skip locked),
      u as (update jobs j set status = 'running', lease_owner = ${worker},
                   lease_expires_at = now() + interval '30 seconds', attempt_count = j.attempt_count + 1
              from c where j.id = c.id returning j.id, j.run_id, j.attempt_count),
      e as (insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker)
            select id, run_id, attempt_count, 'start', 'bare', 'bare', ${worker} from u)
      select id::text, attempt_count from u`;
    if (jobs.length === 0) return done;
    for (const j of jobs) {
      await sql`update jobs set lease_expires_at = now() + interval '30 seconds'
                 where id = ${j.id} and status = 'running' and lease_owner = ${worker} and attempt_count = ${j.attempt_count}`;
      await sql.begin(async (tx) => {
        await tx`update jobs set status = 'completed', result = '{}', completed_at = now()
                  where id = ${j.id} and status = 'running' and lease_owner = ${worker} and attempt_count = ${j.attempt_count}`;
        await tx`insert into job_execution_events (job_id, run_id, attempt, kind, instance_id, boot_id, worker)
                 values (${j.id}, 'bench', ${j.attempt_count}, 'finish', 'bare', 'bare', ${worker})`;
      });
      done++;
    }
  }
};

export interface Throughput {
  readonly name: string;
  readonly jobs: number;
  readonly seconds: number;
}

/** claim + heartbeat + complete, jobs/s: two worker processes vs one bare client, 8 loops each, same run. */
export const benchQueueThroughput = async (jobs: number): Promise<Throughput[]> => {
  const db = await createTestDatabase("sp_bench_jobs");
  try {
    const rows: Throughput[] = [];
    for (const round of [0, 1]) {
      await db.sql`truncate jobs, job_execution_events restart identity cascade`;
      await enqueueJobs(db.sql, Array.from({ length: jobs }, job));
      let t = performance.now();
      const done = (
        await Promise.all([cyclerProcess(db.url, "p1", 4), cyclerProcess(db.url, "p2", 4)])
      ).reduce((a, b) => a + b, 0);
      const ours = (performance.now() - t) / 1000;
      await db.sql`truncate jobs, job_execution_events restart identity cascade`;
      await enqueueJobs(db.sql, Array.from({ length: jobs }, job));
      const { connect } = await import("@scaleproof/db/client");
      const bare = connect(db.url, { max: 9 });
      t = performance.now();
      const bareDone = (
        await Promise.all(Array.from({ length: 8 }, (_, i) => bareLoop(bare, `b${i}`)))
      ).reduce((a, b) => a + b, 0);
      const bareSec = (performance.now() - t) / 1000;
      await bare.end();
      if (round === 1) {
        // round 0 warms up (JIT, buffers); round 1 is reported
        rows.push({
          name: "2 worker processes x 4 loops (project queries)",
          jobs: done,
          seconds: ours,
        });
        rows.push({
          name: "bare client x 8 loops (same SQL, hand-written)",
          jobs: bareDone,
          seconds: bareSec,
        });
      }
    }
    return rows;
  } finally {
    await db.drop();
  }
};

/**
 * Enqueue -> claimed latency, one idle worker: woken by LISTEN/NOTIFY (with the polling
 * fallback also running) vs polling only, measured from the database's own timestamps.
 */
export const benchWakeLatency = async (n: number, pollMs: number): Promise<Summary[]> => {
  const db = await createTestDatabase("sp_bench_wake");
  const { connect } = await import("@scaleproof/db/client");
  const worker = connect(db.url, { max: 2 });
  try {
    const measure = async (notify: boolean) => {
      await db.sql`truncate jobs, job_execution_events restart identity cascade`;
      let busy = false;
      const claim = async () => {
        if (busy) return;
        busy = true;
        try {
          while (
            (
              await claimJobs(worker, {
                owner: "w",
                instanceId: "w",
                bootId: "w",
                worker: "w",
                leaseMs: 30_000,
                limit: 10,
              })
            ).length > 0
          ) {}
        } finally {
          busy = false;
        }
      };
      const listener = notify ? await worker.listen(JOBS_CHANNEL, () => void claim()) : undefined;
      const timer = setInterval(() => void claim(), pollMs);
      for (let i = 0; i < n; i++) {
        await enqueueJobs(db.sql, [job()]);
        await new Promise((r) => setTimeout(r, pollMs / 2 + Math.random() * pollMs));
      }
      await new Promise((r) => setTimeout(r, pollMs * 2));
      clearInterval(timer);
      await listener?.unlisten();
      const rows = await db.sql<{ ms: number }[]>`
        select extract(epoch from (e.at - j.created_at)) * 1000 as ms
          from job_execution_events e join jobs j on j.id = e.job_id where e.kind = 'start' and e.attempt = 1`;
      return rows.map((r) => Number(r.ms));
    };
    const polling = await measure(false);
    const notified = await measure(true);
    return [
      summarise(`polling only (every ${pollMs} ms)`, polling),
      summarise("LISTEN/NOTIFY (+ polling fallback)", notified),
    ];
  } finally {
    await worker.end();
    await db.drop();
  }
};
